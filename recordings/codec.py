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
        raise AudioError(f"cannot decode {path}: {exc}") from None
    return Audio(samples, rate)


def encode_flac(audio: Audio, dest: str | Path) -> None:
    sf.write(str(dest), audio.samples, audio.rate, format="FLAC", subtype="PCM_16")


def sha256_file(path: str | Path, chunk: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(chunk), b""):
            digest.update(block)
    return digest.hexdigest()


def same_audio(a: Audio, b: Audio) -> bool:
    return a.rate == b.rate and a.samples.shape == b.samples.shape and bool(np.array_equal(a.samples, b.samples))
