"""What a simulated shift looks like: team, call outcomes, timings, AMD, breaks."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field, fields, replace
from pathlib import Path


@dataclass(frozen=True)
class Scenario:
    name: str = "default"
    seed: int = 1
    agents: int = 20
    shift_hours: float = 4.0
    # Share of dials by outcome at the start of the shift; no answer is the rest.
    person_rate: float = 0.20
    machine_rate: float = 0.35
    busy_rate: float = 0.05
    failed_rate: float = 0.10
    # Person-answer rate multiplier over the shift, piecewise linear in
    # (fraction of shift, multiplier) points; what it adds or takes is moved
    # from or to "no answer".
    drift: tuple[tuple[float, float], ...] = ((0.0, 1.0), (1.0, 1.0))
    person_ring_median_s: float = 8.0
    person_ring_p90_s: float = 20.0
    machine_ring_median_s: float = 12.0
    busy_median_s: float = 3.0
    failed_median_s: float = 1.5
    ring_timeout_s: float = 25.0
    amd: bool = True
    amd_delay_s: float = 2.5
    amd_false_positive: float = 0.05  # persons taken for machines and hung up on
    amd_false_negative: float = 0.10  # machines passed to agents as persons
    machine_talk_s: float = 12.0  # an agent who gets a machine hangs up quickly
    machine_wrap_s: float = 4.0
    talk_mean_s: float = 120.0
    talk_sigma: float = 0.6  # lognormal shape
    wrap_mean_s: float = 20.0
    wrap_sigma: float = 0.4
    patience_s: float = 2.0  # the legal limit before a person counts as abandoned
    breaks_per_agent: int = 0
    break_minutes: float = 15.0
    max_lines_per_agent: float = 3.0
    tick_s: float = 1.0
    extra: dict = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        if self.agents < 1:
            raise ValueError("agents must be at least 1")
        if self.shift_hours <= 0:
            raise ValueError("shift_hours must be positive")
        rates = (self.person_rate, self.machine_rate, self.busy_rate, self.failed_rate)
        if min(rates) < 0 or self.person_rate * self.peak_drift + sum(rates[1:]) > 1 + 1e-9:
            raise ValueError("outcome rates must be >= 0 and, with the drift, sum to at most 1")
        if self.ring_timeout_s < 15:
            raise ValueError("ring_timeout_s below 15 s breaks the ring-at-least-15-s rule")

    @property
    def peak_drift(self) -> float:
        return max(m for _, m in self.drift)

    def drift_at(self, fraction: float) -> float:
        points = sorted(self.drift)
        if fraction <= points[0][0]:
            return points[0][1]
        for (x0, y0), (x1, y1) in zip(points, points[1:]):
            if fraction <= x1:
                return y0 + (y1 - y0) * (fraction - x0) / (x1 - x0 or 1.0)
        return points[-1][1]

    @property
    def person_ring_sigma(self) -> float:
        return math.log(self.person_ring_p90_s / self.person_ring_median_s) / 1.2815516

    def with_(self, **changes) -> "Scenario":
        return replace(self, **changes)


def scenario_from_dict(data: dict) -> Scenario:
    known = {f.name for f in fields(Scenario)}
    unknown = set(data) - known
    if unknown:
        raise ValueError(f"unknown scenario fields: {', '.join(sorted(unknown))}")
    data = dict(data)
    if "drift" in data:
        data["drift"] = tuple((float(x), float(y)) for x, y in data["drift"])
    return Scenario(**data)


def load_scenario(path: str | Path) -> Scenario:
    """Read a scenario from a JSON or YAML file (YAML needs PyYAML)."""
    text = Path(path).read_text()
    if str(path).endswith((".yaml", ".yml")):
        import yaml

        data = yaml.safe_load(text)
    else:
        data = json.loads(text)
    return scenario_from_dict(data or {})
