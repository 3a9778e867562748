"""Offline evaluation of answering-machine detection on labelled WAV files.

``classify_wav`` turns a recording into the rx levels pjmedia would report on
the live leg (8 kHz, 20 ms frames, ``telephony.amd_levels``) and feeds them
to ``AmdDetector``; the command line runs it over a labelled set::

    python -m telephony.amd_eval tests/data/amd            # every file
    python -m telephony.amd_eval tests/data/amd --split test
    python -m telephony.amd_eval tests/data/amd --asterisk   # app_amd's defaults
    python -m telephony.amd_eval tests/data/amd --greeting 1500   # any AmdParams field
    python -m telephony.amd_eval tests/data/amd --poll-ms 20 --jitter-ms 8   # the pod's polling

A set is a folder with ``labels.csv`` (columns ``file,label,split,how``;
``file`` relative to the folder, or absolute). ``split`` lets tuning use one
part and report on the other.
"""

from __future__ import annotations

import argparse
import csv
import sys
import wave
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import TextIO

import numpy as np

from telephony.amd import AmdDetector, AmdParams, AmdResult
from telephony.amd_levels import SAMPLES_PER_FRAME_8K, levels_from_samples

FRAME_MS = 20
RATE = 8000


def read_wav_8k(path: str | Path) -> np.ndarray:
    """Mono 16-bit samples at 8 kHz (first channel; linear resampling if needed)."""
    with wave.open(str(path), "rb") as w:
        if w.getsampwidth() != 2:
            raise ValueError(f"{path}: only 16-bit PCM WAV is supported")
        rate, channels = w.getframerate(), w.getnchannels()
        data = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")
    data = data[::channels]
    if rate != RATE:
        # Linear interpolation is enough here: the detector only sees frame
        # energy, which anti-aliasing would barely change.
        n_out = int(len(data) * RATE / rate)
        t_out = np.arange(n_out) * (rate / RATE)
        data = np.interp(t_out, np.arange(len(data)), data.astype(np.float64))
        data = np.clip(np.round(data), -32768, 32767).astype(np.int16)
    return data


def classify_levels(levels: np.ndarray | list[int], params: AmdParams) -> AmdResult:
    """Feed one level per 20 ms frame; close the analysis where the levels end."""
    det = AmdDetector(params)
    t = 0.0
    for level in levels:
        t += FRAME_MS
        result = det.feed(t, int(level))
        if result is not None:
            return result
    return det.finish(t)


def classify_polled(levels: np.ndarray | list[int], params: AmdParams, poll_ms: float,
                    jitter_ms: float = 0.0, seed: int = 0) -> AmdResult:
    """As the live pod sees it: polls every ``poll_ms`` (± uniform jitter), each reading the
    level of the last whole frame, so frames can be read twice or missed."""
    rng = np.random.default_rng(seed)
    det = AmdDetector(params)
    end = len(levels) * FRAME_MS
    t, k = 0.0, 0
    while True:
        k += 1
        prev, t = t, max(t, k * poll_ms + rng.uniform(-jitter_ms, jitter_ms))
        if prev < det.deadline_ms < t:
            t = det.deadline_ms  # the pod schedules a poll at the deadline
        if t > end:
            return det.finish(end)
        frame = int(t // FRAME_MS) - 1
        result = det.feed(t, int(levels[frame]) if frame >= 0 else 0)
        if result is not None:
            return result


def classify_wav(path: str | Path, params: AmdParams | None = None, poll_ms: float | None = None,
                 jitter_ms: float = 0.0) -> AmdResult:
    """Decision for a recording of the customer leg starting at answer.

    By default every 20 ms frame is fed once; ``poll_ms`` simulates the pod's polling instead.
    """
    levels = levels_from_samples(read_wav_8k(path), SAMPLES_PER_FRAME_8K)
    if poll_ms is None:
        return classify_levels(levels, params or AmdParams())
    return classify_polled(levels, params or AmdParams(), poll_ms, jitter_ms, seed=len(levels))


@dataclass(frozen=True)
class Labelled:
    path: Path
    label: str
    split: str
    how: str


def load_set(folder: str | Path, split: str | None = None) -> list[Labelled]:
    folder = Path(folder)
    rows = []
    with open(folder / "labels.csv", newline="") as f:
        for row in csv.DictReader(f):
            if split and row.get("split", "") != split:
                continue
            rows.append(Labelled(folder / row["file"], row["label"], row.get("split", ""),
                                 row.get("how", "")))
    return rows


@dataclass(frozen=True)
class Outcome:
    item: Labelled
    result: AmdResult

    @property
    def correct(self) -> bool:
        return self.result.decision == self.item.label


def evaluate(items: list[Labelled], params: AmdParams, poll_ms: float | None = None,
             jitter_ms: float = 0.0) -> list[Outcome]:
    return [Outcome(it, classify_wav(it.path, params, poll_ms, jitter_ms)) for it in items]


def summary(outcomes: list[Outcome]) -> dict[str, float]:
    """Accuracy (NOTSURE counts as wrong), NOTSURE count and decision times."""
    times = np.array([o.result.at_ms for o in outcomes]) if outcomes else np.zeros(1)
    return {
        "n": len(outcomes),
        "correct": sum(o.correct for o in outcomes),
        "accuracy": sum(o.correct for o in outcomes) / max(len(outcomes), 1),
        "notsure": sum(o.result.decision == "NOTSURE" for o in outcomes),
        "human_as_machine": sum(o.item.label == "HUMAN" and o.result.decision == "MACHINE" for o in outcomes),
        "machine_as_human": sum(o.item.label == "MACHINE" and o.result.decision == "HUMAN" for o in outcomes),
        "mean_ms": float(times.mean()),
        "p50_ms": float(np.median(times)),
        "p90_ms": float(np.percentile(times, 90)),
        "max_ms": float(times.max()),
    }


def report(outcomes: list[Outcome], out: TextIO | None = None) -> None:
    out = out or sys.stdout
    for o in outcomes:
        mark = "ok " if o.correct else "BAD"
        print(f"{mark} {o.item.label:7} -> {o.result.decision:7} {o.result.at_ms:6.0f} ms  "
              f"{o.result.cause:24} {o.item.split:5} {o.item.path.name}", file=out)
    labels, decisions = ("HUMAN", "MACHINE"), ("HUMAN", "MACHINE", "NOTSURE")
    print("\nconfusion (rows = truth, columns = decision)", file=out)
    print(f"{'':9}" + "".join(f"{d:>9}" for d in decisions), file=out)
    for lab in labels:
        counts = [sum(o.item.label == lab and o.result.decision == d for o in outcomes) for d in decisions]
        print(f"{lab:9}" + "".join(f"{c:>9}" for c in counts), file=out)
    s = summary(outcomes)
    print(f"\nfiles {s['n']}  correct {s['correct']}  accuracy {s['accuracy']:.3f}  NOTSURE {s['notsure']}  "
          f"human->MACHINE {s['human_as_machine']}  machine->HUMAN {s['machine_as_human']}", file=out)
    print(f"decision time ms: mean {s['mean_ms']:.0f}  p50 {s['p50_ms']:.0f}  p90 {s['p90_ms']:.0f}  "
          f"max {s['max_ms']:.0f}", file=out)


def _params_from_args(args: argparse.Namespace) -> AmdParams:
    overrides = {f.name: getattr(args, f.name) for f in fields(AmdParams)
                 if getattr(args, f.name) is not None}
    return replace(AmdParams.asterisk() if args.asterisk else AmdParams(), **overrides)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder", help="folder holding labels.csv")
    ap.add_argument("--split", help="only rows of this split (e.g. tune, test)")
    ap.add_argument("--asterisk", action="store_true",
                    help="start from app_amd's defaults, not the tuned ones")
    ap.add_argument("--poll-ms", type=float, help="simulate the pod polling the level this often")
    ap.add_argument("--jitter-ms", type=float, default=0.0, help="uniform jitter of each poll")
    for f in fields(AmdParams):
        kind = str if f.name == "initial_silence_decision" else (int if f.type in ("int", int) else float)
        ap.add_argument("--" + f.name.replace("_", "-"), dest=f.name, type=kind, default=None)
    args = ap.parse_args(argv)
    params = _params_from_args(args)
    print(f"params: {params}\n")
    report(evaluate(load_set(args.folder, args.split), params, args.poll_ms, args.jitter_ms))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
