"""Pieces the pjsua2 simulators share: endpoint setup, JSON-lines log, players, a beep."""
from __future__ import annotations

import gc
import json
import math
import os
import struct
import threading
import time
import wave

import pjsua2 as pj

from telephony.wavinfo import wav_duration


class JsonLog:
    """Append-only JSON lines; one line per fact, flushed at once so tests can read while we run."""

    def __init__(self, path: str | None):
        self._f = open(path, "a", buffering=1) if path else None
        self._lock = threading.Lock()

    def write(self, **fields) -> None:
        fields.setdefault("ts", time.time())
        line = json.dumps(fields, default=str)
        with self._lock:
            if self._f:
                self._f.write(line + "\n")
                self._f.flush()

    def close(self) -> None:
        if self._f:
            self._f.close()


def start_endpoint(host: str, port: int, max_calls: int = 32, log_level: int = 1) -> pj.Endpoint:
    ep = pj.Endpoint()
    ep.libCreate()
    cfg = pj.EpConfig()
    cfg.uaConfig.threadCnt = 0
    cfg.uaConfig.mainThreadOnly = True
    cfg.uaConfig.maxCalls = max_calls
    cfg.uaConfig.userAgent = "telephony-sim"
    cfg.logConfig.level = log_level
    cfg.logConfig.consoleLevel = log_level
    cfg.medConfig.clockRate = 8000
    cfg.medConfig.sndClockRate = 8000
    cfg.medConfig.ecTailLen = 0
    cfg.medConfig.noVad = True
    cfg.medConfig.sndAutoCloseTime = -1
    ep.libInit(cfg)
    tcfg = pj.TransportConfig()
    tcfg.port = port
    tcfg.boundAddress = host
    ep.transportCreate(pj.PJSIP_TRANSPORT_UDP, tcfg)
    ep.libStart()
    ep.audDevManager().setNullDev()
    for info in ep.codecEnum2():
        cid = info.codecId.upper()
        ep.codecSetPriority(info.codecId, 250 if cid.startswith("PCMU") else 240 if cid.startswith("PCMA") else 0)
    return ep


def account_config(host: str, port: int, user: str, rtp_port: int) -> pj.AccountConfig:
    cfg = pj.AccountConfig()
    cfg.idUri = f"sip:{user}@{host}:{port}"
    cfg.mediaConfig.transportConfig.port = rtp_port
    cfg.mediaConfig.transportConfig.portRange = 500
    cfg.mediaConfig.transportConfig.boundAddress = host
    return cfg


def shutdown(ep: pj.Endpoint, owner, timeout: float = 3.0) -> None:
    """Hang up, let the stack finish, drop every object (owner.release()), destroy the library."""
    try:
        ep.hangupAllCalls()
    except Exception:
        pass
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and owner.busy():
        ep.libHandleEvents(20)
        owner.reap()
    owner.release()
    for _ in range(5):
        ep.libHandleEvents(10)
    gc.collect()
    ep.libDestroy()


def make_player(path: str, loop: bool) -> tuple[pj.AudioMediaPlayer, float]:
    """A plain (not subclassed) player and the seconds it plays for.

    A subclass would be a SWIG director whose end-of-file callback runs on the
    media thread; dropping the player on the owner thread while that callback
    ran corrupted the interpreter once. Owners schedule the end themselves.
    """
    p = pj.AudioMediaPlayer()
    p.createPlayer(path, 0 if loop else pj.PJMEDIA_FILE_NO_LOOP)
    return p, wav_duration(path)


def write_tone(path: str, freq: float = 1000.0, seconds: float = 0.6, rate: int = 8000, amp: float = 0.5) -> str:
    """A sine WAV: the answering machine's beep, or an agent's test tone."""
    if os.path.exists(path):
        return path
    n = int(seconds * rate)
    frames = b"".join(struct.pack("<h", int(amp * 32767 * math.sin(2 * math.pi * freq * i / rate)))
                      for i in range(n))
    tmp = f"{path}.{os.getpid()}.tmp"
    with wave.open(tmp, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(frames)
    os.replace(tmp, path)
    return path


def sip_headers(pairs) -> pj.SipHeaderVector:
    vec = pj.SipHeaderVector()
    for name, value in pairs:
        h = pj.SipHeader()
        h.hName, h.hValue = name, value
        vec.append(h)
    return vec
