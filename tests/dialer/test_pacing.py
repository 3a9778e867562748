"""The pacing contract: modes, settings, the abandon guard, and predictive
mode's robustness to whatever events and snapshots it is given."""

from __future__ import annotations

import random

import pytest

from dialer.pacing import EVENT_KINDS, PacingEvent, PacingSnapshot, make_pacer


def snap(now=0.0, ready=0, busy=0, dialing=0, waiting=0) -> PacingSnapshot:
    return PacingSnapshot(now=now, agents_ready=ready, agents_busy=busy, calls_dialing=dialing, calls_waiting=waiting)


def test_preview_never_places_calls():
    assert make_pacer("preview").calls_to_place(snap(ready=10)) == 0


@pytest.mark.parametrize(
    ("ready", "dialing", "waiting", "expected"), [(5, 0, 0, 5), (5, 3, 1, 1), (2, 3, 0, 0), (0, 0, 0, 0)]
)
def test_progressive_keeps_one_line_per_ready_agent(ready, dialing, waiting, expected):
    pacer = make_pacer("progressive")
    assert pacer.calls_to_place(snap(ready=ready, busy=3, dialing=dialing, waiting=waiting)) == expected


@pytest.mark.parametrize(
    ("ratio", "ready", "dialing", "expected"), [(2.0, 5, 0, 10), (2.0, 5, 4, 6), (1.5, 1, 0, 2), (1.2, 3, 5, 0)]
)
def test_ratio_keeps_ratio_times_ready_agents_in_flight(ratio, ready, dialing, expected):
    assert make_pacer("ratio", ratio=ratio).calls_to_place(snap(ready=ready, busy=2, dialing=dialing)) == expected


@pytest.mark.parametrize(
    ("mode", "settings"),
    [
        ("turbo", {}),
        ("ratio", {}),
        ("ratio", {"ratio": -1}),
        ("ratio", {"ratio": "lots"}),
        ("ratio", {"ratio": 2, "speed": 3}),
        ("predictive", {"target_abandon_rate": 3}),
        ("predictive", {"max_lines_per_agent": 0}),
        ("predictive", {"warp": 1}),
        ("vicidial", {"drop_method": "panic"}),
    ],
)
def test_unknown_modes_and_bad_settings_raise_value_error(mode, settings):
    with pytest.raises(ValueError):
        make_pacer(mode, **settings)


def test_unknown_event_kind_is_refused():
    with pytest.raises(ValueError):
        make_pacer("predictive").observe(PacingEvent("exploded", 1.0))


@pytest.mark.parametrize("mode", ["ratio", "vicidial", "predictive"])
def test_at_the_abandon_cap_every_mode_paces_progressively_until_back_under(mode):
    settings = {"ratio": {"ratio": 3.0}, "predictive": {"warmup_outcomes": 0}}.get(mode, {})
    pacer = make_pacer(mode, **settings)
    state = snap(now=1.0, ready=4, busy=6, dialing=1)
    pacer.set_abandon_state(0.031, at_cap=True)
    assert pacer.calls_to_place(state) == 3
    pacer.set_abandon_state(0.02, at_cap=False)
    if mode != "vicidial":  # vicidial starts at level 1.0, which is progressive anyway
        assert pacer.calls_to_place(state) > 3


def test_predictive_dials_ahead_for_idle_agents_within_the_line_cap():
    pacer = make_pacer("predictive", max_lines_per_agent=2.0, warmup_outcomes=0)
    placed = pacer.calls_to_place(snap(ready=10))
    assert 10 < placed <= 20


def test_predictive_is_progressive_until_it_has_seen_some_outcomes():
    pacer = make_pacer("predictive", warmup_outcomes=5)
    assert pacer.calls_to_place(snap(ready=10, dialing=2)) == 8


def test_predictive_places_nothing_without_agents():
    pacer = make_pacer("predictive")
    assert pacer.calls_to_place(snap(ready=0, busy=0, dialing=0)) == 0


def _random_session(seed: int, pacer) -> list[int]:
    rng = random.Random(seed)
    answers = []
    kinds = sorted(EVENT_KINDS)
    for second in range(600):
        for _ in range(rng.randint(0, 3)):
            pacer.observe(PacingEvent(rng.choice(kinds), second + rng.random(), rng.uniform(0, 400)))
        state = snap(second, rng.randint(0, 8), rng.randint(0, 20), rng.randint(0, 40), rng.randint(0, 3))
        answers.append(pacer.calls_to_place(state))
    return answers


def test_predictive_is_deterministic_and_sane_whatever_it_is_told():
    # Events that contradict the snapshots (as a confused harness might send)
    # must not break it: answers stay within 0 .. the line cap.
    first = _random_session(7, make_pacer("predictive"))
    second = _random_session(7, make_pacer("predictive"))
    assert first == second
    assert all(0 <= n <= 3 * 28 for n in first)


def test_predictive_holds_back_when_calls_in_flight_already_cover_the_agents():
    pacer = make_pacer("predictive")
    for i in range(40):
        pacer.observe(PacingEvent("dialed", 0.0))
    assert pacer.calls_to_place(snap(now=1.0, ready=2, busy=0, dialing=40)) == 0


def _learned(abandons: int, **settings):
    pacer = make_pacer("predictive", guard_min_answers=0, **settings)
    for i in range(100):
        pacer.observe(PacingEvent("dialed", float(i)))
        pacer.observe(PacingEvent("human" if i % 4 == 0 else "no_answer", i + 8.0, 8.0))
    for i in range(abandons):
        pacer.observe(PacingEvent("abandoned", 110.0 + i, 2.0))
    return pacer


def test_predictive_backs_off_to_near_riskless_calls_over_the_target_on_its_own_counts():
    state = snap(now=120.0, ready=3, busy=5, dialing=1)
    within, over = _learned(abandons=0), _learned(abandons=5)  # 5 of 25 answers: far over 3 %
    placed_within, placed_over = within.calls_to_place(state), over.calls_to_place(state)
    assert placed_within > placed_over >= 2
    assert over.risk == over.over_risk
    assert all(score <= over.over_risk for score in over.last_scores[: placed_over])


def test_predictive_with_over_risk_zero_falls_back_to_progressive_over_the_target():
    state = snap(now=120.0, ready=3, busy=5, dialing=1)
    assert _learned(abandons=0, over_risk=0.0).calls_to_place(state) > 2
    assert _learned(abandons=5, over_risk=0.0).calls_to_place(state) == 2


def test_predictive_budget_counts_answers_beyond_the_floor_at_aim():
    default = make_pacer("predictive")
    assert default.aim == default.safety
    assert default.allowed_abandons(50) == pytest.approx(0.03 * 0.85 * 100)
    spender = make_pacer("predictive", aim=0.95)
    assert spender.allowed_abandons(100) == pytest.approx(0.03 * 0.85 * 100)
    assert spender.allowed_abandons(1100) == pytest.approx(0.03 * (0.85 * 1100 + 0.10 * 1000))


@pytest.mark.parametrize("settings", [{"aim": 0.5}, {"aim": 1.5}, {"safety": 0.9, "aim": 0.85}, {"over_risk": -0.1}])
def test_predictive_refuses_bad_budget_settings(settings):
    with pytest.raises(ValueError):
        make_pacer("predictive", **settings)


def test_vicidial_raises_its_level_while_agents_wait_and_drops_it_over_the_cap():
    pacer = make_pacer("vicidial")
    for second in range(61):
        pacer.calls_to_place(snap(now=float(second), ready=5, busy=5))
    assert pacer.level > 1.0
    for i in range(10):
        pacer.observe(PacingEvent("human", 61.0 + i, 8.0))
    pacer.observe(PacingEvent("abandoned", 72.0, 2.0))
    for second in range(73, 140):
        pacer.calls_to_place(snap(now=float(second), ready=5, busy=5))
    assert pacer.level == 1.0
