"""`apply_disposition`: the single service the agent console and the dialer
call when a call gets its disposition.  Updates the attempt and the lead by
the recycle rules, books the callback, puts a do-not-call number on the DNC
list at once.  Also seeds a new campaign's dispositions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from campaigns.defaults import disposition_rows
from campaigns.dispositions.callbacks import lead_zone, local_to_utc
from campaigns.dispositions.dnc_hook import put_on_dnc
from campaigns.dispositions.recycle import DispositionRule, LeadState, next_step
from campaigns.models import Callback, CallbackStatus, Campaign, Disposition, Lead, LeadStatus
from campaigns.rules.effective import campaign_rules
from core import audit
from dialer.models import CallAttempt


class DispositionError(Exception):
    def __init__(self, message: str, field: str = "_schema"):
        super().__init__(message)
        self.field = field


@dataclass
class DispositionResult:
    lead: Lead
    attempt: CallAttempt | None
    disposition: Disposition
    callback: Callback | None
    dnc_scope: str | None
    why: str


def seed_dispositions(session: Session, campaign_id: int) -> None:
    """The usual dispositions (campaigns/defaults.py) for a new campaign."""
    session.execute(Disposition.__table__.insert(), disposition_rows(campaign_id))


def _resolve(session: Session, campaign_id: int, disposition) -> Disposition:
    if isinstance(disposition, Disposition):
        row = disposition
    elif isinstance(disposition, int):
        row = session.get(Disposition, disposition)
    else:
        row = session.scalar(
            select(Disposition).where(
                Disposition.campaign_id == campaign_id, Disposition.code == str(disposition)
            )
        )
    if row is None or row.campaign_id != campaign_id or not row.active:
        raise DispositionError("Unknown disposition for this campaign.", "disposition")
    return row


def apply_disposition(
    session: Session,
    attempt_or_lead,
    disposition,
    agent,
    now: datetime,
    callback_at: datetime | None = None,
    note: str | None = None,
    redis=None,
    callback_for_campaign: bool = False,
) -> DispositionResult:
    """Apply a disposition (row, id or code) to a call attempt or a lead.

    `callback_at` is the lead's local wall-clock time (naive) or an aware
    time; it is stored in UTC.  A callback belongs to `agent` unless
    `callback_for_campaign`.  Flushes; the caller commits (the DNC entry
    commits with it, and the hopper is purged at once)."""
    attempt = attempt_or_lead if isinstance(attempt_or_lead, CallAttempt) else None
    lead = session.get(Lead, attempt.lead_id) if attempt is not None and attempt.lead_id else attempt_or_lead
    if not isinstance(lead, Lead):
        raise DispositionError("The call has no lead.")
    campaign = session.get(Campaign, lead.campaign_id)
    row = _resolve(session, campaign.id, disposition)
    agent_id = getattr(agent, "id", agent)
    rules = campaign_rules(campaign)

    due_at, local_text, zone = None, None, None
    if row.is_callback:
        if callback_at is None:
            raise DispositionError("A callback needs a date and time.", "callback_at")
        zone = lead_zone(lead.timezone, campaign.timezone)
        due_at = local_to_utc(callback_at, zone)
        if due_at <= now:
            raise DispositionError("The callback time must be in the future.", "callback_at")
        # As the agent meant it: the wall-clock time in the lead's zone.
        local_text = due_at.astimezone(ZoneInfo(zone)).replace(tzinfo=None).isoformat(timespec="minutes")

    earlier = (
        session.scalar(
            select(func.count())
            .select_from(CallAttempt)
            .where(
                CallAttempt.lead_id == lead.id,
                CallAttempt.disposition_code == row.code,
                CallAttempt.id != (attempt.id if attempt is not None else -1),
            )
        )
        or 0
    )
    step = next_step(
        LeadState(lead.status.value, lead.attempt_count, earlier), DispositionRule.of(row), rules, now, due_at
    )

    if attempt is not None:
        attempt.disposition_id, attempt.disposition_code = row.id, row.code
        if note:
            attempt.notes = note if not attempt.notes else f"{attempt.notes}\n{note}"
    lead.status = LeadStatus(step.status)
    lead.next_attempt_at = step.next_attempt_at
    lead.disposition_code = row.code

    # Any pending callback of this lead is settled by this call.
    session.execute(
        update(Callback)
        .where(Callback.lead_id == lead.id, Callback.status == CallbackStatus.PENDING)
        .values(status=CallbackStatus.DONE)
    )
    callback = None
    if row.is_callback:
        callback = Callback(
            campaign_id=campaign.id,
            lead_id=lead.id,
            agent_id=None if callback_for_campaign else agent_id,
            due_at=due_at,
            local_time=local_text,
            lead_timezone=zone,
            note=note or "",
            attempt_id=attempt.id if attempt is not None else None,
            created_by=agent_id,
            created_at=now,
        )
        session.add(callback)

    dnc_scope = None
    if row.is_dnc:
        dnc_scope = rules.get("dnc_scope", "campaign")
        put_on_dnc(
            session,
            lead.phone_e164,
            campaign.id,
            dnc_scope,
            agent_id,
            attempt.id if attempt is not None else None,
            now,
            redis,
            reason=note,
        )
    audit.record(
        session,
        agent_id,
        "lead.disposition",
        "lead",
        lead.id,
        note,
        {
            "disposition": row.code,
            "status": step.status,
            "why": step.why,
            "attempt_id": attempt.id if attempt is not None else None,
            "callback_due_at": due_at.isoformat() if due_at else None,
            "dnc_scope": dnc_scope,
        },
    )
    session.flush()
    return DispositionResult(lead, attempt, row, callback, dnc_scope, step.why)
