"""Softphone simulator: N agents' softphones in one pjsua2 process (mind the 32-call limit).

Log in by calling the pod with a PIN in the request URI::

    python -m telephony.sim.softphone --port 5090 --dial sip:127.0.0.1:5060 --pins 1001,1002

or call the pod's login user and key the PIN as DTMF (``--pin-mode dtmf``), or
wait for the pod to call (``--accept``; auto-answers every call). Each leg
plays ``--audio`` (looping) into the call. Control: JSON lines on stdin,
``{"cmd": "hangup", "pin": "1001"}``, ``{"cmd": "dtmf", "pin": "1001", "digits": "12"}``,
``{"cmd": "quit"}``; SIGTERM also ends the session cleanly. Facts (connected,
DTMF received, ended) go to ``--log`` as JSON lines.
"""
from __future__ import annotations

import argparse
import itertools
import json
import os
import signal
import sys
import threading
import time
from collections import deque

import pjsua2 as pj

from telephony.sim.common import JsonLog, account_config, make_player, shutdown, start_endpoint
from telephony.sipmsg import parse
from core.paths import AUDIO


class AgentCall(pj.Call):
    def __init__(self, acc, phone, key, call_id=pj.PJSUA_INVALID_ID):
        super().__init__(acc, call_id)
        self.key = key
        self.phone = phone

    def onCallState(self, prm):
        self.phone.on_state(self.key)

    def onCallMediaState(self, prm):
        self.phone.on_media(self.key)

    def onDtmfDigit(self, prm):
        self.phone.log.write(event="dtmf", key=self.key, digit=prm.digit)


class Softphone:
    def __init__(self, args):
        self.args = args
        self.log = JsonLog(args.log)
        self.calls: dict[str, AgentCall] = {}
        self.players: dict[str, object] = {}
        self.recorders: dict[str, object] = {}
        self.pending: dict[str, str] = {}        # key -> DTMF PIN still to send after answer
        self.graveyard: list = []
        self.commands: deque = deque()
        self.seq = itertools.count(1)
        self.stopping = False

    def start(self):
        a = self.args
        self.ep = start_endpoint(a.host, a.port, a.max_calls, a.log_level)
        self.acc = _Acc(self)
        self.acc.create(account_config(a.host, a.port, a.user, a.rtp_port), True)
        for pin in [p for p in (a.pins or "").split(",") if p]:
            self.dial(pin)
        self.log.write(event="started", port=a.port, pid=os.getpid())

    def dial(self, pin: str):
        a = self.args
        host = a.dial.split(":", 1)[1]
        if a.pin_mode == "uri":
            uri = f"sip:{pin}@{host}"
        else:
            uri = f"sip:{a.login_user}@{host}"
            self.pending[pin] = pin
        call = AgentCall(self.acc, self, pin)
        self.calls[pin] = call
        prm = pj.CallOpParam(True)
        prm.opt.audioCount = 1
        prm.opt.videoCount = 0
        try:
            call.makeCall(uri, prm)
        except Exception as exc:
            self.log.write(event="dial_failed", key=pin, error=str(exc))
            self.graveyard.append(self.calls.pop(pin))

    def on_incoming(self, acc, prm):
        key = f"in{next(self.seq)}"
        call = AgentCall(acc, self, key, prm.callId)
        self.calls[key] = call
        msg = parse(prm.rdata.wholeMsg)
        self.log.write(event="incoming", key=key, from_=msg.header("from"), uri=msg.request_uri)
        ans = pj.CallOpParam()
        ans.statusCode = 200
        call.answer(ans)

    def on_state(self, key):
        call = self.calls.get(key)
        if call is None:
            return
        info = call.getInfo()
        if info.state == pj.PJSIP_INV_STATE_CONFIRMED:
            self.log.write(event="connected", key=key, remote=info.remoteUri)
            if key in self.pending:
                # give the media a moment so the RFC 2833 digits are not lost at stream start
                self.commands.append((time.monotonic() + 0.3, {"cmd": "dtmf", "pin": key,
                                                               "digits": self.pending.pop(key) + "#"}))
        elif info.state == pj.PJSIP_INV_STATE_DISCONNECTED:
            self.log.write(event="ended", key=key, status=info.lastStatusCode, reason=info.lastReason)
            for table in (self.players, self.recorders):
                if key in table:
                    self.graveyard.append(table.pop(key))
            self.graveyard.append(self.calls.pop(key))

    def on_media(self, key):
        call = self.calls.get(key)
        if call is None:
            return
        try:
            aud = call.getAudioMedia(-1)
        except Exception:
            return
        if key not in self.players:
            if self.args.audio:
                self.players[key], _ = make_player(self.args.audio, True)
        if key in self.players:
            self.players[key].startTransmit(aud)
        if self.args.record_dir:
            if key not in self.recorders:
                rec = pj.AudioMediaRecorder()
                path = os.path.join(self.args.record_dir, f"softphone_{key}.wav")
                rec.createRecorder(path)
                self.recorders[key] = rec
                self.log.write(event="recording", key=key, path=path)
            aud.startTransmit(self.recorders[key])

    def handle(self, cmd: dict):
        name = cmd.get("cmd")
        key = str(cmd.get("pin") or cmd.get("key") or "")
        if name == "quit":
            self.stopping = True
        elif name == "hangup":
            keys = [key] if key else list(self.calls)
            for k in keys:
                call = self.calls.get(k)
                if call is not None:
                    call.hangup(pj.CallOpParam())
        elif name == "dtmf":
            call = self.calls.get(key)
            if call is not None:
                call.dialDtmf(cmd["digits"])
                self.log.write(event="dtmf_sent", key=key, digits=cmd["digits"])
        elif name == "dial":
            self.dial(key)

    def read_stdin(self):
        for line in sys.stdin:
            line = line.strip()
            if not line:
                continue
            try:
                self.commands.append((0.0, json.loads(line)))
            except ValueError:
                self.log.write(event="bad_command", line=line)
        if self.args.quit_on_eof:
            self.commands.append((0.0, {"cmd": "quit"}))

    def run(self):
        signal.signal(signal.SIGTERM, lambda *_: setattr(self, "stopping", True))
        signal.signal(signal.SIGINT, lambda *_: setattr(self, "stopping", True))
        threading.Thread(target=self.read_stdin, daemon=True).start()
        while not self.stopping:
            self.ep.libHandleEvents(10)
            now = time.monotonic()
            for _ in range(len(self.commands)):
                due, cmd = self.commands.popleft()
                if due > now:
                    self.commands.append((due, cmd))
                else:
                    self.handle(cmd)
            self.graveyard.clear()
        shutdown(self.ep, self)
        self.log.write(event="stopped")
        self.log.close()

    def busy(self):
        return bool(self.calls)

    def reap(self):
        self.graveyard.clear()

    def release(self):
        self.players.clear()
        self.recorders.clear()
        self.calls.clear()
        self.graveyard.clear()
        self.acc.shutdown()
        self.acc = None


class _Acc(pj.Account):
    def __init__(self, phone):
        super().__init__()
        self.phone = phone

    def onIncomingCall(self, prm):
        self.phone.on_incoming(self, prm)


def build_parser():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=5090)
    ap.add_argument("--rtp-port", type=int, default=48000)
    ap.add_argument("--user", default="agent")
    ap.add_argument("--dial", help="the pod's SIP URI, e.g. sip:127.0.0.1:5060")
    ap.add_argument("--pins", help="comma-separated PINs, one leg each")
    ap.add_argument("--pin-mode", choices=["uri", "dtmf"], default="uri")
    ap.add_argument("--login-user", default="login")
    ap.add_argument("--accept", action="store_true", help="answer the pod's calls (the default anyway)")
    ap.add_argument("--audio", default=str(AUDIO / "agent_pitch_zh.wav"))
    ap.add_argument("--record-dir")
    ap.add_argument("--log")
    ap.add_argument("--max-calls", type=int, default=32)
    ap.add_argument("--log-level", type=int, default=1)
    ap.add_argument("--quit-on-eof", action="store_true", help="end the session when stdin closes")
    return ap


def main(argv=None):
    args = build_parser().parse_args(argv)
    if args.record_dir:
        os.makedirs(args.record_dir, exist_ok=True)
    phone = Softphone(args)
    phone.start()
    phone.run()


if __name__ == "__main__":
    main()
