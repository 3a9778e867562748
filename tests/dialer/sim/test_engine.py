"""The simulator: seeded and repeatable, sane figures, pacers compared fairly."""

from __future__ import annotations

import pytest

from dialer.pacing import make_pacer
from dialer.sim import Scenario, run

SHORT = Scenario(name="short", agents=10, shift_hours=0.5, seed=3)


def test_same_seed_same_shift():
    first = run(SHORT, make_pacer("ratio", ratio=2.0)).summary()
    again = run(SHORT, make_pacer("ratio", ratio=2.0)).summary()
    assert first == again
    assert run(SHORT.with_(seed=4), make_pacer("ratio", ratio=2.0)).summary() != first


def test_progressive_never_abandons_without_breaks():
    result = run(SHORT, make_pacer("progressive"))
    assert result.dials > 100
    assert result.abandoned == 0
    assert 0.3 < result.occupancy < 1.0


def test_figures_add_up():
    result = run(SHORT.with_(amd=False), make_pacer("ratio", ratio=3.0))
    assert result.person_answers <= result.dials
    assert result.abandoned <= result.person_answers
    assert result.bridged >= result.person_answers - result.abandoned
    assert result.talk_seconds + result.wrap_seconds <= result.agent_seconds
    assert result.agent_seconds == pytest.approx(10 * 0.5 * 3600)
    assert 0 < result.talk_minutes_per_agent_hour < 60


def test_breaks_take_agents_off_the_floor():
    with_breaks = run(SHORT.with_(breaks_per_agent=1, break_minutes=10), make_pacer("progressive"))
    assert with_breaks.agent_seconds < 10 * 0.5 * 3600


def test_predictive_keeps_agents_busier_than_progressive_within_the_cap():
    scenario = Scenario(name="one hour", agents=20, shift_hours=1.0, seed=5)
    predictive = run(scenario, make_pacer("predictive"))
    progressive = run(scenario, make_pacer("progressive"))
    assert predictive.occupancy > progressive.occupancy + 0.1
    assert predictive.abandon_rate <= 0.03


def test_the_line_cap_holds():
    scenario = SHORT.with_(max_lines_per_agent=1.5)
    result = run(scenario, make_pacer("ratio", ratio=4.0), series_every_s=10)
    assert max(row["dialing"] for row in result.series) <= 15


@pytest.mark.slow
def test_predictive_holds_three_percent_with_five_agents():
    scenario = Scenario(name="small team", agents=5, shift_hours=4.0, seed=11, person_rate=0.2)
    assert run(scenario, make_pacer("predictive")).abandon_rate <= 0.03
