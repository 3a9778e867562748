"""Measure archive formats for telephone recordings: size ratio and CPU.

Encodes the 8 kHz mono 16-bit WAVs of AUDIO_DIR (default
../shared/data/audio) with each candidate and prints, per format, the
compressed size as a share of the WAV and the CPU seconds per hour of audio
to encode and to decode.  Figures are in docs/bench/archive.md.

    .venv/bin/python scripts/bench_archive.py [--dir DIR] [--repeat 5]
"""
from __future__ import annotations

import argparse
import io
import sys
import time
from pathlib import Path

import numpy as np
import soundfile as sf
import zstandard

ROOT = Path(__file__).resolve().parent.parent


def _sf_codec(fmt, subtype, **kw):
    def encode(pcm, rate):
        buf = io.BytesIO()
        sf.write(buf, pcm, rate, format=fmt, subtype=subtype, **kw)
        return buf.getvalue()

    def decode(blob):
        return sf.read(io.BytesIO(blob), dtype="int16")[0]

    return encode, decode


def _zstd_codec(level):
    def encode(pcm, rate):
        return zstandard.ZstdCompressor(level=level).compress(pcm.tobytes())

    def decode(blob):
        return np.frombuffer(zstandard.ZstdDecompressor().decompress(blob), dtype="<i2")

    return encode, decode


CANDIDATES = {
    "flac (level 5, default)": _sf_codec("FLAC", "PCM_16"),
    "flac (level 8)": _sf_codec("FLAC", "PCM_16", compression_level=1.0),
    "ogg/opus (lossy)": _sf_codec("OGG", "OPUS"),
    "ogg/vorbis (lossy)": _sf_codec("OGG", "VORBIS"),
    "zstd-3 raw pcm": _zstd_codec(3),
    "zstd-19 raw pcm": _zstd_codec(19),
}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dir", default=str(ROOT.parent / "shared" / "data" / "audio"))
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    clips = []
    for path in sorted(Path(args.dir).glob("*.wav")):
        pcm, rate = sf.read(path, dtype="int16")
        clips.append((pcm, rate, path.stat().st_size))
    seconds = sum(len(p) / r for p, r, _ in clips)
    wav_bytes = sum(s for _, _, s in clips)
    print(f"{len(clips)} files, {seconds:.1f} s of audio, {wav_bytes} bytes of WAV")
    print(f"{'format':26} {'size %':>7} {'kbit/s':>7} {'enc s/h':>8} {'dec s/h':>8} lossless")
    for name, (encode, decode) in CANDIDATES.items():
        size = 0
        enc = dec = 0.0
        lossless = True
        for pcm, rate, _ in clips:
            t0 = time.process_time()
            for _ in range(args.repeat):
                blob = encode(pcm, rate)
            t1 = time.process_time()
            for _ in range(args.repeat):
                back = decode(blob)
            t2 = time.process_time()
            enc += (t1 - t0) / args.repeat
            dec += (t2 - t1) / args.repeat
            size += len(blob)
            lossless = lossless and back.shape == pcm.shape and bool(np.array_equal(back, pcm))
        per_hour = 3600 / seconds
        print(f"{name:26} {100 * size / wav_bytes:7.1f} {size * 8 / seconds / 1000:7.1f} "
              f"{enc * per_hour:8.2f} {dec * per_hour:8.2f} {'yes' if lossless else 'no'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
