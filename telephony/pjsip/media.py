"""Prompt players and recorders on the conference bridge.

The player's end-of-file callback runs on a native media thread: it only
appends to a thread-safe queue that the owner thread drains.
"""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

import pjsua2 as pj


class Prompt(pj.AudioMediaPlayer):
    def __init__(self, prompt_id: str, leg: str, eof_queue: deque):
        super().__init__()
        self.prompt_id = prompt_id
        self.leg = leg
        self._eof_queue = eof_queue

    def onEof2(self):
        # media thread: no pjsua2 calls, no locks the owner may hold
        self._eof_queue.append(self.prompt_id)


def create_prompt(prompt_id: str, leg: str, wav_path: str, loop: bool, eof_queue: deque) -> Prompt:
    player = Prompt(prompt_id, leg, eof_queue)
    player.createPlayer(wav_path, 0 if loop else pj.PJMEDIA_FILE_NO_LOOP)
    return player


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
