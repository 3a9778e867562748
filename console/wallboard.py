"""The supervisor's wallboard: agents with their state and time in state,
calls in progress, and per campaign the dial level, abandon rates against
the cap, person-answer rate, hopper level with the low-data warning, today's
sales and per-hour figures.  Live figures come from Redis, the day's totals
from the database (the centre's day, in its time zone)."""
from __future__ import annotations

import json
from datetime import datetime, time as dtime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from campaigns.models import Campaign, Disposition
from console import live, rates
from console.access import visible_agents, watched_campaigns
from core.models import User
from dialer import abandon
from dialer.hopper import Hopper
from dialer.models import CallAttempt, CallOutcome
from dialer.refill import low_data_key

PERSON = (CallOutcome.HUMAN, CallOutcome.ABANDONED)


def day_bounds(now: datetime, zone: str) -> tuple[datetime, datetime]:
    """Start and end (UTC) of the centre's calendar day that contains `now`."""
    tz = ZoneInfo(zone)
    local = now.astimezone(tz)
    start = datetime.combine(local.date(), dtime(0), tz)
    return start.astimezone(ZoneInfo("UTC")), (start + timedelta(days=1)).astimezone(ZoneInfo("UTC"))


def abandon_figures(redis, campaign_id: int, now: float, cap: float) -> list[dict]:
    """24 h and 30 days from the pods' shared `abandon:<id>:*` sets (ZCOUNTs)."""
    counts = {}
    for name, span in (("24h", rates.DAY), ("30d", rates.MONTH)):
        found = abandon.rate(redis, campaign_id, now, span)
        counts[name] = (found.answers, found.abandons)
    return [f.as_dict() for f in rates.abandon_from_counts(counts, cap)]


def day_figures(session: Session, campaign_id: int, start: datetime, end: datetime, zone: str) -> dict:
    """Dials, person answers and sales of the day, in total and per local hour."""
    rows = session.execute(
        select(CallAttempt.dialed_at, CallAttempt.outcome, Disposition.is_sale)
        .outerjoin(Disposition, Disposition.id == CallAttempt.disposition_id)
        .where(CallAttempt.campaign_id == campaign_id, CallAttempt.dialed_at >= start,
               CallAttempt.dialed_at < end)
    ).all()
    tz = ZoneInfo(zone)
    buckets = rates.hourly_buckets([(at.astimezone(tz).hour, outcome in PERSON, bool(sale))
                                    for at, outcome, sale in rows])
    finished = sum(1 for _, outcome, _ in rows if outcome is not None)
    answers = sum(1 for _, outcome, _ in rows if outcome in PERSON)
    return {"dials": len(rows), "finished": finished, "person_answers": answers,
            "person_answer_rate": round(rates.person_answer_rate(finished, answers), 4),
            "sales": sum(1 for *_, sale in rows if sale), "hours": buckets}


def campaign_figures(session: Session, redis, campaign: Campaign, pods: set[str], now: datetime,
                     centre_zone: str) -> dict:
    from campaigns.rules.effective import campaign_rules

    rules = campaign_rules(campaign)
    cap = float(rules.get("abandon_cap", 0.03))
    stats = rates.merge_pod_stats(redis.hgetall(f"campaign:{campaign.id}:stats"), pods)
    hopper = Hopper(redis, campaign.id).size()
    low_raw = redis.get(low_data_key(campaign.id))
    try:
        low_data = json.loads(low_raw) if low_raw else None
    except ValueError:
        low_data = None
    start, end = day_bounds(now, centre_zone)
    return {"id": campaign.id, "code": campaign.code, "name": campaign.name, "state": campaign.state.value,
            "dial_level": stats["dial_level"], "calls_dialing": stats["calls_dialing"],
            "calls_waiting": stats["calls_waiting"], "agents_ready": stats["agents_ready"],
            "agents_busy": stats["agents_busy"], "hopper": hopper, "low_data": low_data,
            "abandon": abandon_figures(redis, campaign.id, now.timestamp(), cap), "abandon_cap": cap,
            "today": day_figures(session, campaign.id, start, end, centre_zone)}


def build(session: Session, redis, viewer: User, now: datetime, centre_zone: str) -> dict:
    agents = visible_agents(session, viewer)
    ids = [a.id for a in agents]
    snapshot = live.agents_snapshot(redis, ids)
    epoch = now.timestamp()
    agent_rows = []
    for a in agents:
        s = snapshot[a.id]
        agent_rows.append({"id": a.id, "name": a.display_name or a.username, "username": a.username,
                           **{k: s[k] for k in ("state", "reason", "since", "campaign_id", "pod_id",
                                                "attempt_uuid", "connected")},
                           "seconds_in_state": max(0, int(epoch - s["since"])) if s["since"] else None})
    campaigns = watched_campaigns(session, viewer, ids)
    campaign_ids = {c.id for c in campaigns}
    names = {a.id: a.display_name or a.username for a in agents}
    calls = [dict(c, agent_name=names.get(c["agent_id"]),
                  seconds=max(0, int(epoch - c["since"])) if c.get("since") else None)
             for c in live.live_calls(redis)
             if c["agent_id"] in names or (c["agent_id"] is None and c["campaign_id"] in campaign_ids)]
    pods = live.live_pods(redis)
    return {"at": now, "agents": agent_rows, "calls": calls,
            "campaigns": [campaign_figures(session, redis, c, pods, now, centre_zone) for c in campaigns]}


def may_monitor(session: Session, viewer: User, call: dict) -> bool:
    return call.get("agent_id") in {a.id for a in visible_agents(session, viewer)}
