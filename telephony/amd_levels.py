"""The signal level pjsua2 reports for a call leg, reproduced in Python.

pjsua2 2.10 has no ``AudioMediaPort``, so live answering-machine detection
only sees the level pjsua2 exposes for the call's ``AudioMedia``. Two steps
make that number, and offline evaluation must repeat both exactly:

1. pjmedia's conference bridge (``conference.c``, ``get_frame``), once per
   20 ms frame read from the port::

       level = sum(|sample|) / samples_per_frame      /* C integer division */
       rx_level = pjmedia_linear2ulaw(level) ^ 0xff   /* 0..255 */

   The default build (``PJMEDIA_HAS_ALAW_ULAW_TABLE`` = 1) looks the µ-law
   value up at ``((pj_int16_t)pcm >> 2) & 0x3fff``; the table holds the Sun
   G.711 encoder's output (``alaw_ulaw.c``), implemented below. A mean of
   |sample| is never negative, so real values are 0..127, about 16 steps per
   doubling of amplitude (255 only for a frame of nothing but -32768).

2. pjsua2's ``AudioMedia`` (``media.cpp``) rescales to percent,
   ``level * 100 / 255``, and names the directions from the bridge's side:
   the bridge's rx_level of a port — the audio the port feeds into the bridge,
   which for a call is what the far end sends us — is returned by
   ``getTxLevel()``; ``getRxLevel()`` is what the bridge sends to the call.

Measured here with pjsua2-python 2.10.post6 on a loopback PCMU call
(tests/telephony/test_amd_pjsua2.py): the caller's ``getTxLevel()`` matched
``level_from_frame`` exactly, ``getRxLevel()`` stayed 0, and both read 0 while
the call's media had no listener (the bridge skips ports nobody listens to).
"""

from __future__ import annotations

import numpy as np

SAMPLES_PER_FRAME_8K = 160  # 20 ms at 8 kHz: pjsua's default ptime at the clock rate we use

_BIAS = 0x84
_SEG_END = (0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF, 0x1FFF, 0x3FFF, 0x7FFF)


def linear2ulaw(pcm: int) -> int:
    """pjmedia's ``pjmedia_linear2ulaw`` (Sun G.711 encoder, 16-bit input)."""
    if pcm < 0:
        pcm, mask = _BIAS - pcm, 0x7F
    else:
        pcm, mask = pcm + _BIAS, 0xFF
    for seg, end in enumerate(_SEG_END):
        if pcm <= end:
            return ((seg << 4) | ((pcm >> (seg + 3)) & 0xF)) ^ mask
    return 0x7F ^ mask


def _table_ulaw(value: int) -> int:
    # The table build indexes by the value cast to int16 and shifted right by
    # two; the dropped bits never change the encoder's output, but the cast
    # does for 32768 (the only mean of |int16| that does not fit).
    v = ((value + 0x8000) & 0xFFFF) - 0x8000
    return linear2ulaw((v >> 2) << 2)


# Every possible frame mean (0..32768) through both steps, as lookups.
_BRIDGE_OF_MEAN = np.array([_table_ulaw(m) ^ 0xFF for m in range(32769)], dtype=np.int32)
_PJSUA2_OF_MEAN = _BRIDGE_OF_MEAN * 100 // 255


def bridge_level_from_mean(mean_abs: int) -> int:
    """The bridge's rx_level (0..255) for a frame whose integer mean of |sample| is ``mean_abs``."""
    return int(_BRIDGE_OF_MEAN[mean_abs])


def level_from_mean(mean_abs: int) -> int:
    """What pjsua2's ``AudioMedia.getTxLevel()`` returns (0..100) for that frame."""
    return int(_PJSUA2_OF_MEAN[mean_abs])


def _mean_abs(samples: np.ndarray | list[int]) -> int:
    arr = np.asarray(samples, dtype=np.int64)
    if arr.size == 0:
        raise ValueError("empty frame")
    return int(np.abs(arr).sum() // arr.size)


def bridge_level_from_frame(samples: np.ndarray | list[int]) -> int:
    """pjmedia conference bridge rx_level (0..255) of one frame of 16-bit samples."""
    return bridge_level_from_mean(_mean_abs(samples))


def level_from_frame(samples: np.ndarray | list[int]) -> int:
    """The level the live pod reads for one frame: pjsua2 ``getTxLevel()`` of the call's media."""
    return level_from_mean(_mean_abs(samples))


def levels_from_samples(samples: np.ndarray, samples_per_frame: int = SAMPLES_PER_FRAME_8K) -> np.ndarray:
    """``level_from_frame`` of each whole frame of a 16-bit signal (a trailing part frame is dropped)."""
    n = len(samples) // samples_per_frame
    whole = np.asarray(samples[: n * samples_per_frame], dtype=np.int64)
    frames = np.abs(whole).reshape(n, samples_per_frame)
    return _PJSUA2_OF_MEAN[frames.sum(axis=1) // samples_per_frame]


def mean_abs_for_level(level: int) -> int:
    """Smallest frame mean of |sample| that pjsua2 reports as ``level`` or above.

    Reads a threshold on the level scale as an amplitude (Asterisk's
    thresholds are in mean |sample|).
    """
    hits = np.nonzero(_PJSUA2_OF_MEAN[:32768] >= level)[0]
    if hits.size == 0:
        raise ValueError(f"level {level} is not reachable")
    return int(hits[0])
