"""The level the live pod reads from pjsua2 equals ``amd_levels.level_from_frame``.

A loopback call inside one pjsua2 endpoint: the callee plays 100 Hz square
waves of known amplitude (so every 20 ms frame has a known mean |sample|);
the caller reads its call media's levels. Runs in a subprocess because
pjsua2 allows one library instance per process and the session's pod may
own it.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.sip, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
AMPS = [50, 256, 1000, 2600, 8000, 20000]
SEG_S = 0.6
UNHEARD_S = 1.2  # the first segment is played while the caller's media has no listener


def test_pjsua2_level_matches_offline_mapping(tmp_path):
    pytest.importorskip("pjsua2")
    out = subprocess.run([sys.executable, __file__, str(tmp_path)], cwd=ROOT, capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 0, out.stderr[-3000:]
    got = json.loads(out.stdout.strip().splitlines()[-1])
    sys.path.insert(0, str(ROOT))
    from telephony.amd_levels import level_from_mean

    # no listener on the call's media: the bridge does not measure it
    assert set(got["unheard_tx"]) == {0}
    # pjsua2 names directions from the bridge's side: the far end's audio is in getTxLevel()
    assert set(got["rx"]) == {0}
    tx = got["tx"]
    for a in AMPS:
        assert tx.count(level_from_mean(a)) >= 8, (a, level_from_mean(a), sorted(set(tx)))


def _probe(tmp: Path) -> dict:
    import gc
    import time
    import wave

    import numpy as np
    import pjsua2 as pj

    seg = int(8000 * SEG_S)
    square = lambda a, n: np.where((np.arange(n) // 40) % 2 == 0, a, -a)  # noqa: E731
    x = np.concatenate([square(8000, int(8000 * UNHEARD_S))] + [square(a, seg) for a in AMPS]).astype("<i2")
    wav = tmp / "steps.wav"
    with wave.open(str(wav), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(x.tobytes())

    ep = pj.Endpoint()
    ep.libCreate()
    cfg = pj.EpConfig()
    cfg.uaConfig.threadCnt = 0
    cfg.uaConfig.mainThreadOnly = True
    cfg.medConfig.clockRate = 8000
    cfg.medConfig.sndClockRate = 8000
    cfg.medConfig.ecTailLen = 0
    cfg.logConfig.level = 0
    cfg.logConfig.consoleLevel = 0
    ep.libInit(cfg)
    tc = pj.TransportConfig()
    tc.port = 0
    tc.boundAddress = "127.0.0.1"
    tid = ep.transportCreate(pj.PJSIP_TRANSPORT_UDP, tc)
    port = ep.transportGetInfo(tid).localName.rsplit(":", 1)[1]
    ep.libStart()
    ep.audDevManager().setNullDev()
    for c in ep.codecEnum2():
        ep.codecSetPriority(c.codecId, 255 if c.codecId.startswith("PCMU") else 0)

    held: dict = {}

    class Callee(pj.Call):
        def onCallMediaState(self, prm):
            if "player" not in held:
                held["player"] = pj.AudioMediaPlayer()
                held["player"].createPlayer(str(wav), pj.PJMEDIA_FILE_NO_LOOP)
                held["player"].startTransmit(self.getAudioMedia(-1))

    class Acc(pj.Account):
        def onIncomingCall(self, prm):
            held["callee"] = Callee(self, prm.callId)
            op = pj.CallOpParam()
            op.statusCode = 200
            held["callee"].answer(op)

    class Caller(pj.Call):
        media_up = False

        def onCallMediaState(self, prm):
            self.media_up = True

    acfg = pj.AccountConfig()
    acfg.idUri = f"sip:probe@127.0.0.1:{port}"
    acc = Acc()
    acc.create(acfg)
    caller = Caller(acc)
    caller.makeCall(f"sip:callee@127.0.0.1:{port}", pj.CallOpParam(True))
    t0 = time.monotonic()
    while not caller.media_up and time.monotonic() - t0 < 5:
        ep.libHandleEvents(10)
    media = caller.getAudioMedia(-1)
    sink = ep.audDevManager().getPlaybackDevMedia()
    unheard_tx, rx, tx = [], [], []
    first_heard = None
    t0 = time.monotonic()
    connected = False
    while time.monotonic() - t0 < UNHEARD_S + SEG_S * len(AMPS):
        el = time.monotonic() - t0
        if not connected and el > UNHEARD_S - 0.3:
            media.startTransmit(sink)
            connected, t_connect = True, el
        ep.libHandleEvents(2)
        level = media.getTxLevel()
        (tx if connected else unheard_tx).append(level)
        rx.append(media.getRxLevel())
        if connected and first_heard is None and level > 0:
            first_heard = el - t_connect
        time.sleep(0.004)
    caller.hangup(pj.CallOpParam())
    for _ in range(30):
        ep.libHandleEvents(10)
    media = sink = caller = acc = None
    held.clear()
    gc.collect()
    ep.libDestroy()
    return {"unheard_tx": unheard_tx, "rx": rx, "tx": tx, "first_heard_after_connect_s": first_heard}


if __name__ == "__main__":
    print(json.dumps(_probe(Path(sys.argv[1]))))
