"""The wallboard's pure figures: abandon windows against the cap, stats
merged over pods, percentiles, hourly bars."""
from __future__ import annotations

from console.rates import (
    AbandonFigure, abandon_from_counts, abandon_windows, hourly_buckets, merge_pod_stats, percentile,
    person_answer_rate,
)

NOW = 1_800_000_000.0
HOUR = 3600.0


def test_abandon_windows_count_24h_and_30_days_separately():
    answers = [NOW - 1 * HOUR] * 50 + [NOW - 48 * HOUR] * 50 + [NOW - 40 * 24 * HOUR] * 100
    abandons = [NOW - 2 * HOUR, NOW - 3 * HOUR, NOW - 10 * 24 * HOUR, NOW - 40 * 24 * HOUR]
    day, month = abandon_windows(answers, abandons, NOW, cap=0.03)
    assert (day.window, day.answers, day.abandons) == ("24h", 50, 2)
    assert (month.window, month.answers, month.abandons) == ("30d", 100, 3)
    assert day.rate == 0.04 and day.over_cap and not day.near_cap
    assert month.rate == 0.03 and not month.over_cap and month.near_cap


def test_a_time_after_now_is_outside_the_window():
    day, _ = abandon_windows([NOW + 10], [NOW + 10], NOW, 0.03)
    assert (day.answers, day.abandons) == (0, 0)


def test_no_answers_is_a_zero_rate_not_a_division_error():
    figure = AbandonFigure("24h", 0, 0, 0.03)
    assert figure.rate == 0.0 and not figure.over_cap and not figure.near_cap
    assert figure.as_dict() == {"window": "24h", "answers": 0, "abandons": 0, "rate": 0.0, "cap": 0.03,
                                "over_cap": False, "near_cap": False}


def test_figures_from_zcounts():
    day, month = abandon_from_counts({"24h": (200, 2), "30d": (1000, 40)}, 0.03)
    assert day.rate == 0.01 and not day.over_cap and not day.near_cap
    assert month.rate == 0.04 and month.over_cap


def test_person_answer_rate():
    assert person_answer_rate(0, 0) == 0.0
    assert person_answer_rate(200, 50) == 0.25


def test_merge_pod_stats_adds_counts_and_weights_the_dial_level():
    stats = {"p1:dial_level": "2.0", "p1:agents_ready": "3", "p1:agents_busy": "1", "p1:calls_dialing": "6",
             "p1:hopper": "40", "p2:dial_level": "1.0", "p2:agents_ready": "0", "p2:agents_busy": "0",
             "p2:calls_dialing": "0", "p2:hopper": "38", "updated": "1799999999.5", "p3:dial_level": "nan"}
    merged = merge_pod_stats(stats)
    assert merged["agents_ready"] == 3 and merged["agents_busy"] == 1 and merged["calls_dialing"] == 6
    assert merged["hopper"] == 40  # the shared hopper, not 78
    assert merged["dial_level"] == round((2.0 * 4 + 1.0 * 1) / 5, 2)
    assert merged["pods"] == ["p1", "p2"] and merged["updated"] == 1799999999.5


def test_merge_pod_stats_drops_dead_pods_and_reads_flat_fields():
    stats = {"p1:dial_level": "2.0", "p1:agents_ready": "2", "dead:agents_ready": "9", "dead:dial_level": "3"}
    merged = merge_pod_stats(stats, live_pods={"p1"})
    assert merged["agents_ready"] == 2 and merged["dial_level"] == 2.0
    flat = merge_pod_stats({"dial_level": "1.5", "agents_ready": "4", "hopper": "12"})
    assert flat["dial_level"] == 1.5 and flat["agents_ready"] == 4 and flat["hopper"] == 12
    assert merge_pod_stats({})["dial_level"] is None


def test_percentile_nearest_rank():
    values = list(range(1, 101))
    assert percentile(values, 99) == 99
    assert percentile(values, 50) == 50
    assert percentile(values, 100) == 100
    assert percentile([250.0], 99) == 250.0
    assert percentile([], 99) is None
    assert percentile([5, 1, 3], 0) == 1


def test_hourly_buckets():
    bars = hourly_buckets([(9, True, True), (9, False, False), (14, True, False), (25, True, True)])
    assert len(bars) == 24
    assert bars[9] == {"hour": 9, "dials": 2, "answers": 1, "sales": 1}
    assert bars[14] == {"hour": 14, "dials": 1, "answers": 1, "sales": 0}
    assert sum(b["dials"] for b in bars) == 3
