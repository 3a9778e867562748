"""Pure figures for the wallboard: abandon rates against the cap, the
person-answer rate, a campaign's stats summed over pods, percentiles.

Everything here takes plain numbers (and `now`) and returns plain values, so
it is tested without Redis or a database."""
from __future__ import annotations

import math
from dataclasses import dataclass

DAY = 86400.0
MONTH = 30 * DAY
COUNT_FIELDS = ("calls_dialing", "calls_waiting", "agents_ready", "agents_busy")


@dataclass(frozen=True)
class AbandonFigure:
    """Abandoned calls over person-answered calls in one window, against the cap."""

    window: str  # "24h" or "30d"
    answers: int
    abandons: int
    cap: float

    @property
    def rate(self) -> float:
        return self.abandons / self.answers if self.answers else 0.0

    @property
    def over_cap(self) -> bool:
        return self.answers > 0 and self.rate > self.cap

    @property
    def near_cap(self) -> bool:
        """Within the last fifth of the budget: a supervisor should act now."""
        return not self.over_cap and self.answers > 0 and self.rate >= 0.8 * self.cap

    def as_dict(self) -> dict:
        return {"window": self.window, "answers": self.answers, "abandons": self.abandons,
                "rate": round(self.rate, 4), "cap": self.cap, "over_cap": self.over_cap,
                "near_cap": self.near_cap}


def abandon_windows(answer_times: list[float], abandon_times: list[float], now: float, cap: float
                    ) -> list[AbandonFigure]:
    """The 24-hour and 30-day abandon figures from the epochs in the
    `abandon:<id>:answers` / `:abandons` sorted sets (a window includes `now`)."""
    out = []
    for name, span in (("24h", DAY), ("30d", MONTH)):
        lo = now - span
        out.append(AbandonFigure(name, sum(1 for t in answer_times if lo <= t <= now),
                                 sum(1 for t in abandon_times if lo <= t <= now), cap))
    return out


def abandon_from_counts(counts: dict[str, tuple[int, int]], cap: float) -> list[AbandonFigure]:
    """The same figures from (answers, abandons) counted by ZCOUNT per window."""
    return [AbandonFigure(name, int(counts[name][0]), int(counts[name][1]), cap) for name in ("24h", "30d")]


def person_answer_rate(dials: int, person_answers: int) -> float:
    """Share of finished dials a person answered (bridged or abandoned)."""
    return person_answers / dials if dials else 0.0


def _number(value) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def merge_pod_stats(stats: dict[str, str], live_pods: set[str] | None = None) -> dict:
    """A campaign's `campaign:<id>:stats` hash as one set of figures.

    Pods write their own fields prefixed `<pod>:`; unprefixed fields (if a
    pod or aggregator wrote them) are taken as they are.  Agent and call
    counts add up over the pods; the dial level is the level weighted by each pod's agents (a
    pod with no agents counts once), so one idle pod does not halve it.
    Pods not in `live_pods` (when given) are left out: their figures are stale."""
    per_pod: dict[str, dict[str, float]] = {}
    flat: dict[str, float] = {}
    for key, raw in stats.items():
        value = _number(raw)
        if value is None:
            continue
        if ":" in key:
            pod, name = key.rsplit(":", 1)
            if live_pods is not None and pod not in live_pods:
                continue
            per_pod.setdefault(pod, {})[name] = value
        else:
            flat[key] = value
    out: dict = {name: int(flat.get(name, 0)) for name in COUNT_FIELDS}
    out["dial_level"] = flat.get("dial_level")
    out["hopper"] = int(flat["hopper"]) if "hopper" in flat else None
    if per_pod:
        for name in COUNT_FIELDS:
            out[name] = int(sum(p.get(name, 0) for p in per_pod.values()))
        # Every pod sees the same shared hopper: the largest reading is the freshest.
        hoppers = [p["hopper"] for p in per_pod.values() if "hopper" in p]
        if hoppers:
            out["hopper"] = int(max(hoppers))
        weighted = [(p["dial_level"], max(p.get("agents_ready", 0) + p.get("agents_busy", 0), 1))
                    for p in per_pod.values() if "dial_level" in p]
        if weighted:
            out["dial_level"] = round(sum(v * w for v, w in weighted) / sum(w for _, w in weighted), 2)
    out["pods"] = sorted(per_pod)
    out["updated"] = flat.get("updated")
    return out


def percentile(values: list[float], q: float) -> float | None:
    """The q-th percentile (0..100) by the nearest-rank method: p99 of 100
    samples is the 99th smallest, a value that was really measured."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100.0 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def hourly_buckets(rows: list[tuple[int, bool, bool]], hours: range = range(24)) -> list[dict]:
    """Per-hour bars: rows of (local hour, answered by a person, sale)."""
    bars = {h: {"hour": h, "dials": 0, "answers": 0, "sales": 0} for h in hours}
    for hour, answered, sale in rows:
        bar = bars.get(hour)
        if bar is None:
            continue
        bar["dials"] += 1
        bar["answers"] += 1 if answered else 0
        bar["sales"] += 1 if sale else 0
    return [bars[h] for h in hours]
