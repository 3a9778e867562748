"""The length of a WAV prompt, from its header (soundfile, already a dependency).

pjmedia plays WAV only (PCM, A-law, µ-law); anything else is refused here with
a ValueError before a player is made.
"""
from __future__ import annotations

import soundfile as sf


def wav_duration(path: str) -> float:
    """Seconds of audio in a WAV file. ValueError if it is not one."""
    try:
        info = sf.info(str(path))
    except (sf.LibsndfileError, RuntimeError) as exc:
        raise ValueError(f"{path}: not a readable WAV file ({exc})") from None
    if info.format != "WAV" or not info.samplerate:
        raise ValueError(f"{path}: not a WAV file ({info.format})")
    return info.frames / info.samplerate
