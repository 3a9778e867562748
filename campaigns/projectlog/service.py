"""The automatic daily summary of a campaign and the manager's notes.

A "day" is a calendar day in the centre's time zone (config TIMEZONE)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from campaigns.models import Disposition, ProjectLogEntry
from campaigns.settlement.calc import day_bounds
from campaigns.settlement.service import campaign_intervals, seat_seconds
from core import audit
from dialer.models import CallAttempt, CallOutcome


def daily_summary(session: Session, campaign_id: int, day: date, centre_tz: str, now: datetime) -> dict:
    """Dials, person answers, sales, abandon rate, talk time and seat hours of one day.

    Abandon rate = abandoned / (person-answered + abandoned), the regulators'
    "calls answered by a person" denominator."""
    start, end = day_bounds(day, centre_tz)
    in_day = (
        (CallAttempt.campaign_id == campaign_id)
        & (CallAttempt.dialed_at >= start)
        & (CallAttempt.dialed_at < end)
    )
    dials, humans, abandoned, machines, talk = session.execute(
        select(
            func.count(CallAttempt.id),
            func.sum(case((CallAttempt.outcome == CallOutcome.HUMAN, 1), else_=0)),
            func.sum(case((CallAttempt.outcome == CallOutcome.ABANDONED, 1), else_=0)),
            func.sum(case((CallAttempt.outcome == CallOutcome.MACHINE, 1), else_=0)),
            func.coalesce(func.sum(CallAttempt.talk_seconds), 0.0),
        ).where(in_day)
    ).one()
    sales = (
        session.scalar(
            select(func.count(CallAttempt.id))
            .join(Disposition, Disposition.id == CallAttempt.disposition_id)
            .where(in_day, Disposition.is_sale.is_(True))
        )
        or 0
    )
    humans, abandoned = int(humans or 0), int(abandoned or 0)
    answered = humans + abandoned
    seconds = seat_seconds(campaign_intervals(session, campaign_id, start, end, now), centre_tz)
    seat_hours = sum(v for (agent, d), v in seconds.items() if d == day) / 3600
    agents = len({agent for (agent, d) in seconds if d == day})
    return {
        "day": day.isoformat(),
        "dials": int(dials or 0),
        "person_answers": humans,
        "machines": int(machines or 0),
        "abandoned": abandoned,
        "abandon_rate": round(abandoned / answered, 4) if answered else 0.0,
        "sales": int(sales),
        "talk_seconds": round(float(talk or 0), 1),
        "seat_hours": round(seat_hours, 2),
        "agents": agents,
    }


def save_note(
    session: Session, campaign_id: int, day: date, author, note: str, summary: dict
) -> ProjectLogEntry:
    """The author's note for the day (one per author and day), with the day's
    figures frozen beside it."""
    entry = session.scalar(
        select(ProjectLogEntry).where(
            ProjectLogEntry.campaign_id == campaign_id,
            ProjectLogEntry.day == day,
            ProjectLogEntry.author_id == author.id,
        )
    )
    if entry is None:
        entry = ProjectLogEntry(campaign_id=campaign_id, day=day, author_id=author.id)
        session.add(entry)
    entry.note, entry.summary = note, summary
    session.flush()
    audit.record(session, author, "projectlog.note", "campaign", campaign_id, None, {"day": day.isoformat()})
    return entry


def entries(
    session: Session, campaign_id: int, start: date | None = None, end: date | None = None
) -> list[ProjectLogEntry]:
    q = select(ProjectLogEntry).where(ProjectLogEntry.campaign_id == campaign_id)
    if start:
        q = q.where(ProjectLogEntry.day >= start)
    if end:
        q = q.where(ProjectLogEntry.day <= end)
    return list(session.scalars(q.order_by(ProjectLogEntry.day.desc(), ProjectLogEntry.id)))
