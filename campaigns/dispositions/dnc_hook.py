"""The one place a do-not-call disposition reaches the DNC list.

With the DNC package (campaigns/dnc/service.py: `scope_for`, `add`,
`announce_added`) the entry is written and announced through it; without
it the entry is written here and the number purged from the hoppers
(dialer/hopper.py).  The purge happens at once, before the caller commits:
a rollback afterwards only costs the lead its place in the hopper until
the next refill, while a late purge could let a queued call go out."""

from __future__ import annotations

import importlib
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from campaigns.models import DncEntry
from core import events


def _dnc_service():
    try:
        module = importlib.import_module("campaigns.dnc.service")
    except ImportError:
        return None
    if all(callable(getattr(module, name, None)) for name in ("scope_for", "add", "announce_added")):
        return module
    return None


def put_on_dnc(
    session: Session,
    phone_e164: str,
    campaign_id: int,
    scope: str,
    actor_id: int | None,
    attempt_id: int | None,
    now: datetime,
    redis=None,
    reason: str | None = None,
) -> DncEntry:
    """Put the number on the campaign's (scope "campaign") or the global DNC
    list; an entry already there is kept.  Flushes; the caller commits."""
    scope_value = str(campaign_id) if scope == "campaign" else "global"
    list_campaign = campaign_id if scope == "campaign" else None
    entry = session.scalar(
        select(DncEntry).where(DncEntry.phone_e164 == phone_e164, DncEntry.scope == scope_value)
    )
    service = _dnc_service()
    if entry is None and service is not None:
        entry = service.add(
            session,
            phone_e164,
            service.scope_for(session, scope, campaign_id),
            reason,
            actor_id,
            source="disposition",
        )
        entry.attempt_id = attempt_id
    elif entry is None:
        entry = DncEntry(
            phone_e164=phone_e164,
            scope=scope_value,
            campaign_id=list_campaign,
            source="disposition",
            reason=reason,
            created_by=actor_id,
            created_at=now,
            attempt_id=attempt_id,
        )
        session.add(entry)
    session.flush()
    if redis is not None:
        if service is not None:
            service.announce_added(redis, [phone_e164], list_campaign, {"source": "disposition"})
        else:
            _purge_and_publish(redis, phone_e164, list_campaign, scope_value, now)
    return entry


def _purge_and_publish(
    redis, phone_e164: str, campaign_id: int | None, scope_value: str, now: datetime
) -> None:
    try:
        from dialer.hopper import purge_number
    except ImportError:  # only before the dialer ships its hopper
        purge_number = None
    if purge_number is not None:
        purge_number(redis, phone_e164, campaign_id)
    events.publish(
        redis,
        events.DNC_EVENTS,
        {
            "type": "added",
            "numbers": [phone_e164],
            "scope": scope_value,
            "campaign_id": campaign_id,
            "at": now,
        },
    )
