"""Prompt players and recorders on the conference bridge.

No pjsua2 object here is subclassed: a Python subclass of a pjsua2 class is a
SWIG director, and the player's end-of-file callback runs on a native media
thread. A director called there while the owner thread drops the player raced
and corrupted the interpreter (seen once in CI, in the carrier simulator).
A prompt's end is therefore a deadline computed from the WAV header and
checked by the owner loop.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

import pjsua2 as pj

from telephony.wavinfo import wav_duration


@dataclass
class Prompt:
    prompt_id: str
    leg: str
    player: pj.AudioMediaPlayer
    ends_at: float | None            # time.monotonic() when a non-looping prompt has played out

    def startTransmit(self, sink) -> None:
        self.player.startTransmit(sink)

    def stopTransmit(self, sink) -> None:
        self.player.stopTransmit(sink)

    def ended(self, now: float) -> bool:
        return self.ends_at is not None and now >= self.ends_at


def create_prompt(prompt_id: str, leg: str, wav_path: str, loop: bool) -> Prompt:
    """Raises ValueError for a file that is not a playable WAV, pj.Error if pjmedia refuses it."""
    seconds = wav_duration(wav_path)
    player = pj.AudioMediaPlayer()
    player.createPlayer(wav_path, 0 if loop else pj.PJMEDIA_FILE_NO_LOOP)
    # one conference-bridge frame (20 ms) of slack: the bridge pulls the last frame on its own clock
    return Prompt(prompt_id, leg, player, None if loop else time.monotonic() + seconds + 0.02)


@dataclass
class Recording:
    recording_id: str
    legs: tuple[str, ...]
    files: tuple[str, ...]
    recorders: list = field(default_factory=list)     # one (mixed) or one per leg

    def sink_for(self, leg: str):
        if len(self.recorders) == 1:
            return self.recorders[0]
        return self.recorders[self.legs.index(leg)]


def create_recording(recording_id: str, legs: tuple[str, ...], path: str, per_leg: bool) -> Recording:
    if per_leg:
        stem = path[:-4] if path.endswith(".wav") else path
        files = tuple(f"{stem}.{leg}.wav" for leg in legs)
    else:
        files = (path,)
    rec = Recording(recording_id, legs, files)
    for f in files:
        r = pj.AudioMediaRecorder()
        r.createRecorder(f)
        rec.recorders.append(r)
    return rec
