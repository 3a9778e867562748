"""Grid search of AMD parameters on the "tune" split, reported on "test".

The rule that picks the winner is fixed before looking at the test split:
highest accuracy on "tune" with every shared recording right; ties go to
fewer people called machines (each one is a live person hung up on — an
abandoned call under Ofcom's rules), then to the faster mean decision.

    python -m telephony.amd_tune tests/data/amd [--asterisk]

``--asterisk`` keeps app_amd's fixed threshold (noise_floor_margin 0).
"""

from __future__ import annotations

import argparse
import itertools
from dataclasses import replace

import numpy as np

from telephony.amd import AmdParams, AmdResult
from telephony.amd_eval import Labelled, classify_levels, load_set, read_wav_8k
from telephony.amd_levels import levels_from_samples

GRID = {
    "silence_threshold": [6, 9, 12],
    "noise_floor_margin": [0, 4, 5, 6, 8],
    "maximum_number_of_words": [2, 3, 4, 5],
    "greeting": [1000, 1200, 1500, 1800],
    "after_greeting_silence": [600, 800, 1000],
    "between_words_silence": [50, 100],
    "min_word_length": [100, 150],
}


def _score(items: list[Labelled], results: list[AmdResult]) -> tuple[float, int, float]:
    correct = sum(r.decision == it.label for it, r in zip(items, results))
    human_as_machine = sum(it.label == "HUMAN" and r.decision == "MACHINE" for it, r in zip(items, results))
    return correct / len(items), human_as_machine, float(np.mean([r.at_ms for r in results]))


def tune(folder: str, asterisk_only: bool = False, base: AmdParams | None = None) -> tuple[AmdParams, dict]:
    items = load_set(folder)
    levels = {it.path: levels_from_samples(read_wav_8k(it.path)) for it in items}
    tune_items = [it for it in items if it.split == "tune"]
    test_items = [it for it in items if it.split == "test"]
    shared = [it for it in items if it.path.name.startswith("shared_")]
    grid = dict(GRID, noise_floor_margin=[0]) if asterisk_only else GRID
    best_key, best = None, None
    for values in itertools.product(*grid.values()):
        params = replace(base or AmdParams(), **dict(zip(grid, values)))
        if any(classify_levels(levels[it.path], params).decision != it.label for it in shared):
            continue
        results = [classify_levels(levels[it.path], params) for it in tune_items]
        acc, h2m, mean_ms = _score(tune_items, results)
        key = (acc, -h2m, -mean_ms)
        if best_key is None or key > best_key:
            best_key, best = key, params
    if best is None:
        raise RuntimeError("no parameters classify every shared recording correctly")
    test = _score(test_items, [classify_levels(levels[it.path], best) for it in test_items])
    return best, {"tune_accuracy": best_key[0], "tune_human_as_machine": -best_key[1],
                  "test_accuracy": test[0], "test_human_as_machine": test[1]}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder")
    ap.add_argument("--asterisk", action="store_true", help="fixed threshold only (noise_floor_margin 0)")
    args = ap.parse_args(argv)
    params, figures = tune(args.folder, args.asterisk)
    print(params)
    print(figures)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
