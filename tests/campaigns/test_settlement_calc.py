"""Seat hours and the settlement formula against hand-computed figures."""

from datetime import UTC, date, datetime
from decimal import Decimal

from campaigns.settlement.calc import Interval, day_bounds, seconds_per_agent_day, settle


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def test_settle_by_hand():
    # A: agent 176.64 h = 166.64 regular + 10 overtime; B: trainee 83.32 h = half a seat; C: team lead 166.64 h.
    figures = settle(
        {1: ("agent", 176.64), 2: ("trainee", 83.32), 3: ("team_lead", 166.64)},
        {"trainee": 0.8, "agent": 1.0, "team_lead": 1.2, "overtime": 1.5},
        seat_price=8000,
        assessment_factor=Decimal("0.95"),
        bonus=500,
        penalties=200,
    )
    # seats: 1.0 + 0.4 + 1.2 + 10/166.64*1.5 (= 0.0900144) = 2.6900144
    assert figures["total_seats"] == "2.6900"
    assert figures["per_kind"]["trainee"]["seats"] == "0.4000"
    assert figures["per_kind"]["team_lead"]["seats"] == "1.2000"
    assert figures["per_kind"]["overtime"] == {"hours": "10.00", "seats": "0.0900", "agents": 1}
    # base = 2.6 * 7600 + 15/166.64 * 7600 = 19760 + 684.1094575 = 20444.11; fee = base + 500 - 200
    assert figures["base_fee"] == "20444.11"
    assert figures["total_fee"] == "20744.11"


def test_unknown_seat_kind_counts_as_agent():
    figures = settle({1: ("mystery", 166.64)}, {}, seat_price=100)
    assert figures["per_agent"][0]["seat_kind"] == "agent" and figures["total_fee"] == "100.00"


def test_intervals_split_at_centre_midnight_and_states_counted():
    # Shanghai is UTC+8: 15:00 UTC = 23:00 local; a ready stint to 01:30 local.
    ivs = [
        Interval(7, "ready", utc(2026, 11, 1, 15, 0), utc(2026, 11, 1, 17, 30)),
        Interval(7, "paused", utc(2026, 11, 2, 2, 0), utc(2026, 11, 2, 2, 30)),
        Interval(7, "talking", utc(2026, 11, 2, 3, 0), utc(2026, 11, 2, 3, 15)),
        Interval(7, "logged_out", utc(2026, 11, 2, 4, 0), utc(2026, 11, 2, 9, 0)),  # not a seat state
        Interval(8, "wrapup", utc(2026, 11, 2, 1, 0), utc(2026, 11, 2, 1, 6)),
    ]
    seconds = seconds_per_agent_day(ivs, "Asia/Shanghai")
    assert seconds[(7, date(2026, 11, 1))] == 3600
    assert seconds[(7, date(2026, 11, 2))] == 5400 + 1800 + 900
    assert seconds[(8, date(2026, 11, 2))] == 360


def test_day_bounds_over_dst():
    start, end = day_bounds(date(2026, 3, 8), "America/New_York")  # spring forward: a 23-hour day
    assert (end - start).total_seconds() == 23 * 3600
