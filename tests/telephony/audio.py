"""WAV checks for the tests: open with the wave module, RMS energy with numpy."""
from __future__ import annotations

import wave

import numpy as np


def wav_info(path) -> tuple[float, np.ndarray]:
    with wave.open(str(path), "rb") as w:
        assert w.getsampwidth() == 2
        frames = w.readframes(w.getnframes())
        duration = w.getnframes() / w.getframerate()
    return duration, np.frombuffer(frames, dtype="<i2").astype(np.float64)


def rms(samples: np.ndarray) -> float:
    return float(np.sqrt(np.mean(samples ** 2))) if len(samples) else 0.0
