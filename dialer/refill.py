"""Hopper refill: an RQ job that moves a campaign's eligible leads into its hopper.

Pods enqueue it when the hopper falls below its low-water mark (agents ×
dial level × a few seconds of dialling).  Every lead passes the eligibility
gate on the way in; the pod checks the gate again when it takes the lead, so
a number put on a DNC list or a window that closes in between still stops
the call.  The job also raises the low-data alert: the campaign's eligible
leads will run out within `low_data_minutes` at the current dial rate.
"""
from __future__ import annotations

import json
import os
import time as _time
from datetime import datetime, timedelta, timezone

from sqlalchemy import func, select

from campaigns.models import Callback, CallbackStatus, Campaign, DncEntry, Lead, LeadStatus
from core.clock import utcnow
from core.db import db
from dialer.eligibility import check
from dialer.hopper import Hopper
from dialer.models import CallAttempt
from dialer.rules import DncView, History, LeadView

DIALABLE = (LeadStatus.NEW, LeadStatus.RETRY, LeadStatus.CALLBACK)


def low_data_key(campaign_id: int) -> str:
    return f"campaign:{campaign_id}:low_data"


def lead_view(lead: Lead, candidate_zones: tuple[str, ...] = ()) -> LeadView:
    return LeadView(
        id=lead.id, phone_e164=lead.phone_e164, time_zone=lead.timezone, candidate_zones=candidate_zones,
        region=lead.region_code, status=lead.status.value, attempt_count=lead.attempt_count,
        last_attempt_at=lead.last_attempt_at, last_outcome=lead.last_outcome,
        next_attempt_at=lead.next_attempt_at, in_trial_sample=lead.in_trial_sample, lock_until=lead.lockout_until,
    )


def candidate_zones(phone_e164: str) -> tuple[str, ...]:
    """Every zone the number could be in (for the strictest window when the lead has none)."""
    import phonenumbers
    from phonenumbers import timezone as pn_tz

    try:
        zones = pn_tz.time_zones_for_number(phonenumbers.parse(phone_e164, None))
    except phonenumbers.NumberParseException:
        return ()
    return tuple(z for z in zones if z != "Etc/Unknown")


def dnc_views(session, campaign_id: int, phones: list[str]) -> dict[str, DncView]:
    rows = session.execute(select(DncEntry.phone_e164, DncEntry.scope)
                           .where(DncEntry.phone_e164.in_(phones),
                                  DncEntry.scope.in_(["global", str(campaign_id)]))).all()
    out: dict[str, DncView] = {}
    for phone, scope in rows:
        view = out.get(phone, DncView())
        out[phone] = DncView(is_global_dnc=view.is_global_dnc or scope == "global",
                             is_campaign_dnc=view.is_campaign_dnc or scope != "global")
    return out


def histories(session, phones: list[str], now: datetime, centre_tz: str) -> dict[str, History]:
    from zoneinfo import ZoneInfo

    local = now.astimezone(ZoneInfo(centre_tz))
    day_start = local.replace(hour=0, minute=0, second=0, microsecond=0).astimezone(timezone.utc)
    today = dict(session.execute(select(CallAttempt.phone_e164, func.count())
                                 .where(CallAttempt.phone_e164.in_(phones), CallAttempt.dialed_at >= day_start)
                                 .group_by(CallAttempt.phone_e164)).all())
    abandoned = dict(session.execute(select(CallAttempt.phone_e164, func.max(CallAttempt.ended_at))
                                     .where(CallAttempt.phone_e164.in_(phones),
                                            CallAttempt.outcome == "abandoned",
                                            CallAttempt.dialed_at >= now - timedelta(days=4))
                                     .group_by(CallAttempt.phone_e164)).all())
    return {p: History(attempts_today=int(today.get(p, 0)), last_abandoned_at=abandoned.get(p)) for p in phones}


def gate_inputs(session, campaign: Campaign, leads: list[Lead], now: datetime, centre_tz: str):
    from campaigns.rules.effective import campaign_calling_rules

    phones = [lead.phone_e164 for lead in leads]
    rules = campaign_calling_rules(campaign, caller_id_available=True)
    return rules, dnc_views(session, campaign.id, phones), histories(session, phones, now, centre_tz)


def refill_hopper(campaign_id: int, target: int = 50, now: datetime | None = None) -> dict:
    """Push up to `target` eligible leads into the campaign's hopper; returns counts."""
    from core.jobs import _configure_from_env
    from core.redis_conn import get_redis

    _configure_from_env()
    now = now or utcnow()
    client = get_redis(os.environ["REDIS_URL"])
    centre_tz = os.environ.get("CENTRE_TIMEZONE", "Asia/Shanghai")
    hopper = Hopper(client, campaign_id)
    pushed, skipped = 0, {}
    with db.transaction() as s:
        campaign = s.get(Campaign, campaign_id)
        if campaign is None:
            return {"pushed": 0, "error": "no such campaign"}
        due_cb = [cb.lead_id for cb in s.scalars(
            select(Callback).where(Callback.campaign_id == campaign_id, Callback.status == CallbackStatus.PENDING,
                                   Callback.due_at <= now).order_by(Callback.due_at).limit(target))]
        room = max(target - hopper.size(), 0)
        query = (select(Lead).where(Lead.campaign_id == campaign_id, Lead.status.in_(DIALABLE),
                                    (Lead.next_attempt_at.is_(None)) | (Lead.next_attempt_at <= now))
                 .order_by(Lead.priority.desc(), Lead.next_attempt_at.asc().nulls_first(), Lead.id)
                 .limit(room * 3 + len(due_cb)))
        if campaign.state.value == "trial":
            query = query.where(Lead.in_trial_sample.is_(True))
        leads = list(s.scalars(query))
        if due_cb:
            leads = list(s.scalars(select(Lead).where(Lead.id.in_(due_cb)))) + [l for l in leads if l.id not in due_cb]
        if not leads:
            _low_data(client, s, campaign, now, 0)
            return {"pushed": 0, "skipped": {}, "eligible_left": 0}
        rules, dnc, hist = gate_inputs(s, campaign, leads, now, centre_tz)
        batch = []
        for lead in leads:
            if len(batch) >= room + len(due_cb):
                break
            view = lead_view(lead, () if lead.timezone else candidate_zones(lead.phone_e164))
            decision = check(view, rules, dnc.get(lead.phone_e164, DncView()),
                             hist.get(lead.phone_e164, History()), now)
            if not decision.dial:
                skipped[decision.reason.value] = skipped.get(decision.reason.value, 0) + 1
                continue
            # Due callbacks dial first; then priority and age.
            rank = 0.0 if lead.id in due_cb else 1.0 + (1e9 - lead.priority) + lead.id / 1e12
            batch.append((lead.id, lead.phone_e164, rank))
        pushed = hopper.push(batch)
        left = _low_data(client, s, campaign, now, len(batch))
    return {"pushed": pushed, "skipped": skipped, "eligible_left": left}


def _low_data(client, session, campaign: Campaign, now: datetime, just_pushed: int) -> int:
    """Raise or clear the low-data alert; returns the count of dialable leads left."""
    left = session.scalar(select(func.count()).select_from(Lead).where(
        Lead.campaign_id == campaign.id, Lead.status.in_(DIALABLE),
        (Lead.next_attempt_at.is_(None)) | (Lead.next_attempt_at <= now + timedelta(hours=1)))) or 0
    dials_10min = session.scalar(select(func.count()).select_from(CallAttempt).where(
        CallAttempt.campaign_id == campaign.id, CallAttempt.dialed_at >= now - timedelta(minutes=10))) or 0
    per_minute = dials_10min / 10.0
    threshold = float((campaign.dial_settings or {}).get("low_data_minutes", 30))
    minutes_left = left / per_minute if per_minute else None
    key = low_data_key(campaign.id)
    if minutes_left is not None and minutes_left < threshold:
        info = {"campaign_id": campaign.id, "eligible_left": left, "dials_per_minute": round(per_minute, 2),
                "minutes_left": round(minutes_left, 1), "threshold_minutes": threshold, "at": now.isoformat()}
        if client.set(key, json.dumps(info), ex=600, get=True) is None:
            from core.events import CAMPAIGN_EVENTS, publish

            publish(client, CAMPAIGN_EVENTS, {"type": "low_data", **info})
    else:
        client.delete(key)
    return int(left)


def request_refill(client, queue, campaign_id: int, target: int) -> bool:
    """Enqueue one refill per campaign at a time (pods call this every tick when low)."""
    if not client.set(f"hopper:{campaign_id}:refilling", _time.time(), nx=True, ex=5):
        return False
    queue.enqueue(refill_hopper, campaign_id, target, job_timeout=120, result_ttl=60, failure_ttl=3600)
    return True
