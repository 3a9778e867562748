"""Callbacks: booked in the lead's local time, stored in UTC, dialled first when due."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from campaigns.models import Callback, CallbackStatus


def lead_zone(lead_timezone: str | None, fallback: str) -> str:
    for name in (lead_timezone, fallback):
        if name:
            try:
                ZoneInfo(name)
                return name
            except (ZoneInfoNotFoundError, ValueError):
                continue
    return "UTC"


def local_to_utc(when: datetime, zone_name: str) -> datetime:
    """A wall-clock time in the lead's zone (naive) → aware UTC.  An aware
    time is taken as it is.  A time that does not exist (DST gap) comes out
    moved forward by the gap, as a clock would (zoneinfo, fold=0)."""
    if when.tzinfo is not None:
        return when.astimezone(UTC)
    return when.replace(tzinfo=ZoneInfo(zone_name)).astimezone(UTC)


def due_callbacks(
    session: Session, campaign_id: int, now: datetime, agent_id: int | None = None, limit: int = 100
) -> list[Callback]:
    """Pending callbacks of a campaign that are due, oldest first: the hopper
    dials these before anything else.  With `agent_id`, those that agent
    may take: their own and the campaign's (unowned) ones."""
    q = select(Callback).where(
        Callback.campaign_id == campaign_id, Callback.status == CallbackStatus.PENDING, Callback.due_at <= now
    )
    if agent_id is not None:
        q = q.where(or_(Callback.agent_id == agent_id, Callback.agent_id.is_(None)))
    return list(session.scalars(q.order_by(Callback.due_at, Callback.id).limit(limit)))


def agent_callbacks(
    session: Session, agent_id: int, now: datetime, horizon_hours: float = 24
) -> list[Callback]:
    """An agent's pending callbacks that are overdue or due within the horizon (the console's reminder)."""
    q = select(Callback).where(
        Callback.agent_id == agent_id,
        Callback.status == CallbackStatus.PENDING,
        Callback.due_at <= now + timedelta(hours=horizon_hours),
    )
    return list(session.scalars(q.order_by(Callback.due_at, Callback.id)))
