"""Seat hours and the settlement formula.  Pure; tested against hand-computed figures.

Which time counts (seat time): an agent is on the seat from login to logout,
and the dialer writes every part of it as a state interval, so seat time is
the sum of the intervals in LOGGED_IN_STATES: ready + talking + wrap-up +
paused + preview.  Paused time counts because the contract bills the seat,
not the talk: breaks, training and meetings happen on a paid seat.  Time
outside any interval (logged out) does not count.  Intervals are clipped at
the day boundaries of the centre's time zone (config TIMEZONE), so a shift
over midnight is split between the two days.

The formula (DOMAIN.md, from the client's contract):

    settled seats of kind k = Σ_i min(h_i, 166.64) / 166.64 × ratio_k
    overtime seats           = Σ_i max(h_i − 166.64, 0) / 166.64 × ratio_overtime
    monthly fee              = Σ seats × seat price × assessment factor + bonus − penalties

where h_i is agent i's seat hours in the month and k its seat kind
(User.seat_kind: trainee, agent, team_lead).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

LOGGED_IN_STATES = frozenset({"ready", "talking", "wrapup", "paused", "preview"})
STANDARD_HOURS = Decimal("166.64")
SEAT_KINDS = ("trainee", "agent", "team_lead", "overtime")
DEFAULT_SEAT_RATIOS = {"trainee": 1.0, "agent": 1.0, "team_lead": 1.0, "overtime": 1.0}


@dataclass(frozen=True)
class Interval:
    agent_id: int
    state: str
    started_at: datetime
    ended_at: datetime


def day_bounds(day: date, tz: str) -> tuple[datetime, datetime]:
    """[start, end) of a calendar day in the zone, in UTC.  Converted to UTC
    because arithmetic between two times of one ZoneInfo is wall-clock
    arithmetic and would make a DST day 24 hours long."""
    zone = ZoneInfo(tz)
    return (
        datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC),
        datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone).astimezone(UTC),
    )


def seconds_per_agent_day(intervals: list[Interval], tz: str) -> dict[tuple[int, date], float]:
    """Seat seconds per (agent, local day), intervals split at local midnights."""
    zone = ZoneInfo(tz)
    out: dict[tuple[int, date], float] = defaultdict(float)
    for iv in intervals:
        if iv.state not in LOGGED_IN_STATES or iv.ended_at <= iv.started_at:
            continue
        day = iv.started_at.astimezone(zone).date()
        while True:
            start, end = day_bounds(day, tz)
            lo, hi = max(iv.started_at, start), min(iv.ended_at, end)
            if hi > lo:
                out[(iv.agent_id, day)] += (hi - lo).total_seconds()
            if iv.ended_at <= end:
                break
            day += timedelta(days=1)
    return dict(out)


def clip(intervals: list[Interval], start: datetime, end: datetime) -> list[Interval]:
    """The parts of the intervals inside [start, end)."""
    out = []
    for iv in intervals:
        lo, hi = max(iv.started_at, start), min(iv.ended_at, end)
        if hi > lo:
            out.append(Interval(iv.agent_id, iv.state, lo, hi))
    return out


def _d(value) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _q(value: Decimal, places: str) -> Decimal:
    return value.quantize(Decimal(places), rounding=ROUND_HALF_UP)


def settle(
    agent_hours: dict[int, tuple[str, float]],
    seat_ratios: dict[str, float],
    seat_price,
    assessment_factor=1,
    bonus=0,
    penalties=0,
    standard_hours=STANDARD_HOURS,
) -> dict:
    """The month's figures from each agent's (seat kind, hours).

    Seats are kept to 4 decimals, money to 2, rounding half up, and the fee
    is computed from the unrounded seats so rounding does not compound."""
    standard = _d(standard_hours)
    ratios = {**DEFAULT_SEAT_RATIOS, **(seat_ratios or {})}
    per_agent, per_kind = (
        [],
        {kind: {"hours": Decimal(0), "seats": Decimal(0), "agents": 0} for kind in SEAT_KINDS},
    )
    total = Decimal(0)
    for agent_id, (kind, hours) in sorted(agent_hours.items()):
        kind = kind if kind in ratios and kind != "overtime" else "agent"
        h = _d(hours)
        regular, overtime = min(h, standard), max(h - standard, Decimal(0))
        seats = regular / standard * _d(ratios[kind])
        ot_seats = overtime / standard * _d(ratios["overtime"])
        total += seats + ot_seats
        per_kind[kind]["hours"] += regular
        per_kind[kind]["seats"] += seats
        per_kind[kind]["agents"] += 1
        if overtime:
            per_kind["overtime"]["hours"] += overtime
            per_kind["overtime"]["seats"] += ot_seats
            per_kind["overtime"]["agents"] += 1
        per_agent.append(
            {
                "agent_id": agent_id,
                "seat_kind": kind,
                "hours": str(_q(h, "0.01")),
                "regular_hours": str(_q(regular, "0.01")),
                "overtime_hours": str(_q(overtime, "0.01")),
                "seats": str(_q(seats, "0.0001")),
                "overtime_seats": str(_q(ot_seats, "0.0001")),
            }
        )
    base = total * _d(seat_price) * _d(assessment_factor)
    fee = base + _d(bonus) - _d(penalties)
    return {
        "standard_hours": str(standard),
        "seat_ratios": {k: float(v) for k, v in ratios.items()},
        "per_agent": per_agent,
        "per_kind": {
            k: {
                "hours": str(_q(v["hours"], "0.01")),
                "seats": str(_q(v["seats"], "0.0001")),
                "agents": v["agents"],
            }
            for k, v in per_kind.items()
        },
        "total_seats": str(_q(total, "0.0001")),
        "seat_price": str(_q(_d(seat_price), "0.01")),
        "assessment_factor": str(_d(assessment_factor)),
        "bonus": str(_q(_d(bonus), "0.01")),
        "penalties": str(_q(_d(penalties), "0.01")),
        "base_fee": str(_q(base, "0.01")),
        "total_fee": str(_q(fee, "0.01")),
    }
