"""The length of a WAV file from its header: pure, no audio library.

pjmedia plays PCM, A-law and µ-law WAV; Python's ``wave`` reads only PCM, so
the RIFF chunks are read here directly.
"""
from __future__ import annotations

import struct

_PLAYABLE = {1: "pcm", 3: "float", 6: "alaw", 7: "ulaw", 0xFFFE: "extensible"}


def wav_duration(path: str) -> float:
    """Seconds of audio in a RIFF/WAVE file. ValueError if it is not one."""
    with open(path, "rb") as f:
        head = f.read(12)
        if len(head) < 12 or head[:4] != b"RIFF" or head[8:12] != b"WAVE":
            raise ValueError(f"{path}: not a RIFF/WAVE file")
        byte_rate = None
        while True:
            chunk = f.read(8)
            if len(chunk) < 8:
                raise ValueError(f"{path}: no data chunk")
            cid, size = chunk[:4], struct.unpack("<I", chunk[4:])[0]
            if cid == b"fmt ":
                body = f.read(size)
                if len(body) < 16:
                    raise ValueError(f"{path}: short fmt chunk")
                tag, _channels, _rate, byte_rate = struct.unpack("<HHII", body[:12])
                if tag not in _PLAYABLE:
                    raise ValueError(f"{path}: unsupported WAV format tag {tag}")
                if byte_rate == 0:
                    raise ValueError(f"{path}: byte rate 0")
                if size % 2:
                    f.read(1)
            elif cid == b"data":
                if byte_rate is None:
                    raise ValueError(f"{path}: data before fmt")
                here = f.tell()
                f.seek(0, 2)
                available = f.tell() - here
                # a recorder killed mid-write leaves size 0 or 0xFFFFFFFF: trust the file length then
                if size == 0 or size == 0xFFFFFFFF or size > available:
                    size = available
                return size / byte_rate
            else:
                f.seek(size + (size % 2), 1)
