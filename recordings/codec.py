"""Audio for the archive: WAV in, FLAC out, and the checks that prove a copy.

FLAC is lossless (a recording is evidence: an opt-out, a sale), about 55 % of
the WAV on 8 kHz telephone speech, costs well under a CPU-second per hour of
audio, and Chromium plays and seeks it natively; figures and the other
candidates are in docs/bench/archive.md.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile as sf

ARCHIVE_FORMAT = "flac"
MIMETYPES = {"flac": "audio/flac", "wav": "audio/wav"}


class AudioError(ValueError):
    """A file is not the audio it should be."""


@dataclass(frozen=True)
class Audio:
    samples: np.ndarray
    rate: int

    @property
    def duration(self) -> float:
        return len(self.samples) / self.rate if self.rate else 0.0


def read(path: str | Path) -> Audio:
    try:
        samples, rate = sf.read(str(path), dtype="int16", always_2d=False)
    except (sf.LibsndfileError, RuntimeError) as exc:
        empty = _empty_flac(path)
        if empty is not None:
            return empty
        raise AudioError(f"cannot decode {path}: {exc}") from None
    return Audio(samples, rate)


def _empty_flac_bytes(rate: int, channels: int) -> bytes:
    info = (16).to_bytes(2, "big") * 2 + bytes(6)  # block sizes 16..16, frame sizes unknown
    info += ((rate << 44) | ((channels - 1) << 41) | (15 << 36)).to_bytes(8, "big")  # 16 bits, 0 samples
    info += bytes(16)  # MD5 of no audio: left zero, as the format allows
    return b"fLaC" + bytes([0x80]) + len(info).to_bytes(3, "big") + info


def _empty_flac(path: str | Path) -> Audio | None:
    """A FLAC stream of zero samples (a call bridged and hung up at once):
    libsndfile writes it but will not open it again, so read its STREAMINFO."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(42)
    except OSError:
        return None
    if len(head) < 42 or head[:4] != b"fLaC" or head[4] & 0x7F != 0:
        return None
    bits = int.from_bytes(head[18:26], "big")  # rate(20) channels-1(3) bps-1(5) total samples(36)
    rate, total = bits >> 44, bits & ((1 << 36) - 1)
    if total != 0 or rate == 0:
        return None
    return Audio(np.zeros(0, dtype=np.int16), rate)


def encode_flac(audio: Audio, dest: str | Path) -> None:
    if audio.samples.size == 0:
        # libsndfile writes nothing at all for zero samples; write the stream
        # header by hand so the archive still holds a valid (empty) FLAC.
        Path(dest).write_bytes(_empty_flac_bytes(audio.rate, 1 if audio.samples.ndim == 1 else audio.samples.shape[1]))
        return
    sf.write(str(dest), audio.samples, audio.rate, format="FLAC", subtype="PCM_16")


def hash_stream(stream, sink=None, chunk: int = 1 << 20) -> tuple[str, int]:
    """SHA-256 (hex) and length of what `stream` yields to its end, copied to
    `sink` on the way when one is given."""
    digest, size = hashlib.sha256(), 0
    for block in iter(lambda: stream.read(chunk), b""):
        digest.update(block)
        size += len(block)
        if sink is not None:
            sink.write(block)
    return digest.hexdigest(), size


def sha256_file(path: str | Path, chunk: int = 1 << 20) -> str:
    with open(path, "rb") as handle:
        return hash_stream(handle, chunk=chunk)[0]


def same_audio(a: Audio, b: Audio) -> bool:
    return a.rate == b.rate and a.samples.shape == b.samples.shape and bool(np.array_equal(a.samples, b.samples))
