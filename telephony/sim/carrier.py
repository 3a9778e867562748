"""Carrier simulator: a SIP trunk on loopback answering the dialer's INVITEs by a seeded outcome mix.

    python -m telephony.sim.carrier --port 5070 --seed 1 --log carrier.jsonl \
        --mix person=50,machine=20,busy=10,no_answer=10,invalid=5,congestion=5

Outcomes: person (180, 200, greeting then looping speech, BYE after a sampled
talk time), machine (180, 200, machine greeting, beep, silence), busy (486),
no_answer (rings until the caller cancels), no_answer_480 (480 after the ring
time), invalid (404), congestion (503), rejected (603), early_media (183 with
SDP playing an announcement, then 480 after the ring time). The dialled number
chooses the outcome when its last three digits are a code in FORCED (990..998)
or when it is in the ``--map`` JSON file; else the mix decides. One JSON line
per call (caller ID headers, outcome, timings, DTMF received) goes to ``--log``.
With ``--auth-user`` a digest registrar listens on ``--register-port``.
"""
from __future__ import annotations

import argparse
import heapq
import itertools
import json
import os
import random
import signal
import time
from dataclasses import dataclass, field

import pjsua2 as pj

from telephony.sim.common import JsonLog, account_config, make_player, shutdown, start_endpoint, write_tone
from telephony.sim.registrar import Registrar
from telephony.sipmsg import caller_id_headers, parse
from core.paths import AUDIO

OUTCOMES = ("person", "machine", "busy", "no_answer", "no_answer_480", "invalid", "congestion", "rejected",
            "early_media")
FORCED = {"990": "person", "991": "machine", "992": "busy", "993": "no_answer", "994": "invalid",
          "995": "congestion", "996": "rejected", "997": "no_answer_480", "998": "early_media"}
FINAL_STATUS = {"busy": 486, "no_answer_480": 480, "invalid": 404, "congestion": 503, "rejected": 603,
                "early_media": 480}


def parse_mix(text: str) -> dict[str, float]:
    mix = {}
    for part in text.split(","):
        name, _, weight = part.partition("=")
        name = name.strip()
        if name not in OUTCOMES:
            raise ValueError(f"unknown outcome {name!r}; known: {', '.join(OUTCOMES)}")
        mix[name] = float(weight or 1)
    return mix


def choose_outcome(number: str, mapping: dict[str, str], mix: dict[str, float], rng: random.Random) -> str:
    """Forced by the number (map file, then the last three digits), else drawn from the mix."""
    if number in mapping:
        return mapping[number]
    if number[-3:] in FORCED:
        return FORCED[number[-3:]]
    names = list(mix)
    return rng.choices(names, weights=[mix[n] for n in names])[0]


class SimCall(pj.Call):
    def __init__(self, acc, carrier, cid, call_id):
        super().__init__(acc, call_id)
        self.cid = cid
        self.carrier = carrier

    def onCallState(self, prm):
        self.carrier.on_state(self.cid)

    def onCallMediaState(self, prm):
        self.carrier.on_media(self.cid)

    def onDtmfDigit(self, prm):
        self.carrier.on_dtmf(self.cid, prm.digit)


@dataclass
class CallRecord:
    cid: int
    call: SimCall
    outcome: str
    entry: dict
    player: object = None
    stage: str = "ringing"
    recorder: object = None
    media_started: bool = False
    ended: bool = False
    extra: list = field(default_factory=list)


class Carrier:
    def __init__(self, args):
        self.args = args
        self.rng = random.Random(args.seed)
        self.mix = parse_mix(args.mix)
        self.mapping = json.load(open(args.map)) if args.map else {}
        self.log = JsonLog(args.log)
        self.calls: dict[int, CallRecord] = {}
        self.timers: list = []
        self.seq = itertools.count(1)
        self.graveyard: list = []
        self.stopping = False
        audio = args.audio_dir
        lang = args.lang
        self.greeting = os.path.join(audio, f"human_hello_{lang}.wav")
        self.speech = os.path.join(audio, args.speech)
        self.machine = os.path.join(audio, f"machine_greeting_{lang}.wav")
        tone_dir = args.record_dir or os.path.dirname(os.path.abspath(args.log or ".")) or "."
        self.beep = write_tone(os.path.join(tone_dir, "carrier_beep_1k.wav"), 1000.0, 0.6)

    # ---------------------------------------------------------------- setup
    def start(self):
        a = self.args
        self.ep = start_endpoint(a.host, a.port, a.max_calls, a.log_level)
        self.acc = _Acc(self)
        self.acc.create(account_config(a.host, a.port, "carrier", a.rtp_port), True)
        self.registrar = None
        if a.auth_user:
            self.registrar = Registrar(a.host, a.register_port or a.port + 1, a.auth_realm, a.auth_user,
                                       a.auth_pass, self.log).start()
        self.log.write(event="started", port=a.port, pid=os.getpid())

    def at(self, delay: float, cid: int, action: str):
        heapq.heappush(self.timers, (time.monotonic() + delay, next(self.seq), cid, action))

    # ---------------------------------------------------------------- SIP
    def on_incoming(self, acc, prm):
        cid = next(self.seq)
        call = SimCall(acc, self, cid, prm.callId)
        msg = parse(prm.rdata.wholeMsg)
        ids = caller_id_headers(msg)
        number = ids["request_user"] or ""
        outcome = choose_outcome(number, self.mapping, self.mix, self.rng)
        entry = dict(event="call", number=number, outcome=outcome, invite_at=time.time(), ring_at=None,
                     answer_at=None, end_at=None, status=None, ended_by=None, dtmf="", **ids)
        rec = CallRecord(cid, call, outcome, entry)
        self.calls[cid] = rec
        if outcome in ("invalid", "congestion"):
            # carriers reject these before ringing; a hangup() inside onIncomingCall sends
            # nothing on 2.10, so the response goes out from the loop
            self.at(0.0, cid, str(FINAL_STATUS[outcome]))
            return
        # early media: 183 with SDP, an in-band announcement, no answer
        self._respond(rec, 183 if outcome == "early_media" else 180)
        entry["ring_at"] = time.time()
        ring = self.rng.uniform(self.args.ring_min, self.args.ring_max)
        if outcome in ("person", "machine"):
            self.at(ring, cid, "answer")
        elif outcome == "no_answer":
            self.at(self.args.no_answer_timeout, cid, "480")
        else:
            self.at(ring, cid, str(FINAL_STATUS[outcome]))

    def _respond(self, rec: CallRecord, code: int):
        prm = pj.CallOpParam()
        prm.statusCode = code
        try:
            if code >= 300:
                rec.entry["status"] = code
                rec.call.hangup(prm)
            else:
                rec.call.answer(prm)
        except Exception as exc:
            rec.entry.setdefault("errors", []).append(str(exc))

    def on_state(self, cid):
        rec = self.calls.get(cid)
        if rec is None or rec.ended:
            return
        info = rec.call.getInfo()
        if info.state == pj.PJSIP_INV_STATE_CONFIRMED and rec.entry["answer_at"] is None:
            rec.entry["answer_at"] = time.time()
            if rec.outcome == "person":
                talk = self.rng.uniform(self.args.talk_min, self.args.talk_max)
            else:
                talk = self.args.machine_talk
            rec.entry["talk_s"] = talk
            self.at(talk, cid, "bye")
        elif info.state == pj.PJSIP_INV_STATE_DISCONNECTED:
            rec.ended = True
            e = rec.entry
            e["end_at"] = time.time()
            if e["status"] is None:
                e["status"] = info.lastStatusCode
            if e["ended_by"] is None:
                e["ended_by"] = "caller"
            e["reason"] = info.lastReason
            self._stop_media(rec)
            self.log.write(**e)
            self.graveyard.append(rec.call)
            del self.calls[cid]

    def on_media(self, cid):
        rec = self.calls.get(cid)
        if rec is None or rec.ended:
            return
        try:
            aud = rec.call.getAudioMedia(-1)
        except Exception:
            return
        if self.args.record_dir and rec.recorder is None:
            path = os.path.join(self.args.record_dir, f"carrier_{rec.entry['number']}_{cid}.wav")
            rec.recorder = pj.AudioMediaRecorder()
            rec.recorder.createRecorder(path)
            rec.entry["recording"] = path
        if rec.recorder is not None:
            aud.startTransmit(rec.recorder)
        if not rec.media_started:
            rec.media_started = True
            first = self.greeting if rec.outcome == "person" else self.machine
            rec.stage = "greeting"
            self._play(rec, first, loop=False)
        elif rec.player is not None:
            rec.player.startTransmit(aud)

    def _play(self, rec: CallRecord, path: str, loop: bool):
        if rec.player is not None:
            self.graveyard.append(rec.player)
            try:
                rec.player.stopTransmit(rec.call.getAudioMedia(-1))
            except Exception:
                pass
        rec.player, seconds = make_player(path, loop)
        if not loop:
            self.at(seconds, rec.cid, f"played:{rec.stage}")
        try:
            rec.player.startTransmit(rec.call.getAudioMedia(-1))
        except Exception:
            pass

    def _next_prompt(self, rec: CallRecord, stage: str):
        if rec.stage != stage:
            return
        if rec.stage == "greeting":
            if rec.outcome == "person":
                rec.stage = "speech"
                self._play(rec, self.speech, loop=True)
            else:
                rec.stage = "beep"
                self._play(rec, self.beep, loop=False)
        elif rec.stage == "beep":
            rec.stage = "silence"

    def on_dtmf(self, cid, digit):
        rec = self.calls.get(cid)
        if rec is not None:
            rec.entry["dtmf"] += digit

    def _stop_media(self, rec: CallRecord):
        # dropped now (not in the graveyard) so the WAV header is final before the log line says so
        rec.player = None
        rec.recorder = None

    # ---------------------------------------------------------------- loop
    def run_timers(self):
        now = time.monotonic()
        while self.timers and self.timers[0][0] <= now:
            _, _, cid, action = heapq.heappop(self.timers)
            rec = self.calls.get(cid)
            if rec is None or rec.ended:
                continue
            if action == "answer":
                rec.entry["answer_sent_at"] = time.time()
                self._respond(rec, 200)
            elif action.startswith("played:"):
                self._next_prompt(rec, action.partition(":")[2])
            elif action == "bye":
                rec.entry["ended_by"] = "carrier"
                self._respond(rec, 603)        # hangup() of a confirmed call sends BYE; code ignored
            else:
                self._respond(rec, int(action))

    def run(self):
        signal.signal(signal.SIGTERM, lambda *_: setattr(self, "stopping", True))
        signal.signal(signal.SIGINT, lambda *_: setattr(self, "stopping", True))
        while not self.stopping:
            self.ep.libHandleEvents(10)
            self.run_timers()
            self.graveyard.clear()
        shutdown(self.ep, self)
        if self.registrar:
            self.registrar.stop()
        self.log.write(event="stopped")
        self.log.close()

    # shutdown() protocol
    def busy(self):
        return bool(self.calls)

    def reap(self):
        self.graveyard.clear()

    def release(self):
        for rec in list(self.calls.values()):
            rec.entry["end_at"] = time.time()
            rec.entry["ended_by"] = rec.entry["ended_by"] or "shutdown"
            self.log.write(**rec.entry)
            self._stop_media(rec)
        self.calls.clear()
        self.graveyard.clear()
        self.acc.shutdown()
        self.acc = None


class _Acc(pj.Account):
    def __init__(self, carrier):
        super().__init__()
        self.carrier = carrier

    def onIncomingCall(self, prm):
        self.carrier.on_incoming(self, prm)


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=5070)
    ap.add_argument("--rtp-port", type=int, default=46000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--mix", default="person=50,machine=20,busy=10,no_answer=10,invalid=5,congestion=5")
    ap.add_argument("--map", help="JSON file {number: outcome} forcing outcomes")
    ap.add_argument("--ring-min", type=float, default=2.0, help="seconds of ringing before answer/busy, low")
    ap.add_argument("--ring-max", type=float, default=8.0)
    ap.add_argument("--no-answer-timeout", type=float, default=60.0, help="no_answer: 480 after this long")
    ap.add_argument("--talk-min", type=float, default=20.0, help="person: carrier BYE after talk time, low")
    ap.add_argument("--talk-max", type=float, default=90.0)
    ap.add_argument("--machine-talk", type=float, default=30.0, help="machine: BYE after this long")
    ap.add_argument("--audio-dir", default=str(AUDIO))
    ap.add_argument("--lang", default="en", choices=["en", "zh"])
    ap.add_argument("--speech", default="agent_pitch_zh.wav", help="looped after the greeting (a person)")
    ap.add_argument("--record-dir", help="record what the carrier receives on each call")
    ap.add_argument("--log", help="JSON lines: one per call, plus registrations")
    ap.add_argument("--max-calls", type=int, default=32)
    ap.add_argument("--log-level", type=int, default=1)
    ap.add_argument("--auth-realm", default="sim")
    ap.add_argument("--auth-user")
    ap.add_argument("--auth-pass")
    ap.add_argument("--register-port", type=int, help="digest registrar port (default: --port + 1)")
    return ap


def main(argv=None):
    args = build_parser().parse_args(argv)
    if args.record_dir:
        os.makedirs(args.record_dir, exist_ok=True)
    carrier = Carrier(args)
    carrier.start()
    carrier.run()


if __name__ == "__main__":
    main()
