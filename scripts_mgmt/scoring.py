"""QA scorecard (FQA 质检标准) arithmetic, used by the QA module.  Pure.

An item is {"key", "label", "weight", "auto_fail"}.  A mark per item key is
true/false (met or not), a number from 0 to 1 (partly met), or None (not
applicable: left out of the total).  The total is the weighted share of the
applicable weight, 0–100, rounded to two decimals.  An auto-fail item marked
as not met (false or 0) fails the whole evaluation: the total becomes 0.
Every item must be marked; an unknown key is an error.
"""

from __future__ import annotations

import math


class ScoringError(ValueError):
    pass


def _fraction(key: str, mark) -> float | None:
    if mark is None:
        return None
    if isinstance(mark, bool):
        return 1.0 if mark else 0.0
    if isinstance(mark, (int, float)) and math.isfinite(mark) and 0 <= mark <= 1:
        return float(mark)
    raise ScoringError(f"mark of {key} must be true, false, a number from 0 to 1, or null")


def score(items: list[dict], marks: dict) -> tuple[float, bool, list[dict]]:
    """(total 0–100, auto_failed, breakdown per item)."""
    keys = [item["key"] for item in items]
    unknown = sorted(set(marks) - set(keys))
    if unknown:
        raise ScoringError("unknown items: " + ", ".join(map(str, unknown)))
    unmarked = [k for k in keys if k not in marks]
    if unmarked:
        raise ScoringError("items not marked: " + ", ".join(unmarked))
    breakdown = []
    earned = possible = 0.0
    auto_failed = False
    for item in items:
        fraction = _fraction(item["key"], marks[item["key"]])
        weight = float(item.get("weight") or 0)
        failed = bool(item.get("auto_fail")) and fraction == 0.0
        auto_failed = auto_failed or failed
        points = None if fraction is None else round(weight * fraction, 4)
        if fraction is not None:
            earned += weight * fraction
            possible += weight
        breakdown.append(
            {
                "key": item["key"],
                "label": item.get("label", ""),
                "weight": weight,
                "mark": marks[item["key"]],
                "points": points,
                "auto_fail": bool(item.get("auto_fail")),
                "failed": failed,
            }
        )
    total = 0.0 if auto_failed or possible == 0 else round(100.0 * earned / possible, 2)
    return total, auto_failed, breakdown


def passed(total: float, auto_failed: bool, pass_mark: float) -> bool:
    return not auto_failed and total >= pass_mark


def item_problems(items) -> list[str]:
    """Why a list of scorecard items cannot be used (empty when it can)."""
    if not isinstance(items, list) or not items:
        return ["a scorecard needs at least one item"]
    problems = []
    keys = [i.get("key") for i in items if isinstance(i, dict)]
    if len(keys) != len(items):
        return ["every item must be an object"]
    if any(not isinstance(k, str) or not k.strip() for k in keys):
        problems.append("every item needs a key")
    if len(set(keys)) != len(keys):
        problems.append("item keys must be unique")
    weights = [i.get("weight", 0) for i in items]
    if any(
        isinstance(w, bool) or not isinstance(w, (int, float)) or not math.isfinite(w) or w < 0
        for w in weights
    ):
        problems.append("weights must be numbers of zero or more")
    elif sum(w for i, w in zip(items, weights) if not i.get("auto_fail")) <= 0:
        problems.append("the items that are not auto-fail must have some weight")
    return problems
