"""Caller IDs from the database: usable candidates of a campaign with today's
use, the pick the dialer makes (cursor in Redis), automatic cool-down and
per-number statistics from CallAttempt rows."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from campaigns.callerids.rotation import Candidate, choose, cooldown_after_cap, going_bad
from campaigns.models import CallerId, Campaign, campaign_caller_pools
from campaigns.settlement.calc import day_bounds
from dialer.models import CallAttempt, CallOutcome

SHORT_CALL_SECONDS = 6.0


def cursor_key(campaign_id: int) -> str:
    return f"campaign:{campaign_id}:callerid_cursor"


def _today_start(now: datetime, centre_tz: str) -> datetime:
    from zoneinfo import ZoneInfo

    return day_bounds(now.astimezone(ZoneInfo(centre_tz)).date(), centre_tz)[0]


def campaign_candidates(session: Session, campaign_id: int, now: datetime, centre_tz: str) -> list[Candidate]:
    """Every number in the campaign's pools, with its dials since the centre's midnight."""
    since = _today_start(now, centre_tz)
    used = (
        select(CallAttempt.caller_id_id, func.count().label("n"))
        .where(CallAttempt.dialed_at >= since, CallAttempt.caller_id_id.is_not(None))
        .group_by(CallAttempt.caller_id_id)
        .subquery()
    )
    rows = session.execute(
        select(CallerId, func.coalesce(used.c.n, 0))
        .join(campaign_caller_pools, campaign_caller_pools.c.pool_id == CallerId.pool_id)
        .outerjoin(used, used.c.caller_id_id == CallerId.id)
        .where(campaign_caller_pools.c.campaign_id == campaign_id)
        .order_by(CallerId.id)
    ).all()
    seen, out = set(), []
    for cid, n in rows:
        if cid.id in seen:
            continue
        seen.add(cid.id)
        out.append(
            Candidate(
                id=cid.id,
                number=cid.number_e164,
                area_code=cid.area_code,
                region=cid.region,
                daily_cap=cid.daily_cap,
                used_today=int(n),
                cooldown_until=cid.cooldown_until,
                verified=cid.verified,
                active=cid.active,
                trunk_id=cid.trunk_id,
            )
        )
    return out


def apply_cooldowns(session: Session, candidates: list[Candidate], now: datetime, centre_tz: str) -> int:
    """Put numbers that reached their daily cap to rest until the centre's next midnight."""
    changed = 0
    for cand in candidates:
        until = cooldown_after_cap(cand, now, centre_tz)
        if until is not None and (cand.cooldown_until is None or cand.cooldown_until < until):
            row = session.get(CallerId, cand.id)
            row.cooldown_until = until
            changed += 1
    if changed:
        session.flush()
    return changed


def pick_caller_id(
    session: Session,
    campaign: Campaign,
    now: datetime,
    centre_tz: str,
    lead_number: str | None = None,
    lead_region: str | None = None,
    redis=None,
) -> Candidate | None:
    """The caller ID for the next call of a campaign by its strategy.  The
    round-robin cursor lives in Redis so all pods share one rotation."""
    candidates = campaign_candidates(session, campaign.id, now, centre_tz)
    apply_cooldowns(session, candidates, now, centre_tz)
    state = None
    if redis is not None:
        raw = redis.get(cursor_key(campaign.id))
        state = int(raw) if raw not in (None, b"", "") else None
    chosen = choose(
        campaign.caller_id_strategy or "round_robin", candidates, lead_number, lead_region, state, now
    )
    if chosen is not None and redis is not None:
        redis.set(cursor_key(campaign.id), chosen.id)
    return chosen


def number_stats(
    session: Session,
    since: datetime,
    until: datetime,
    pool_id: int | None = None,
    short_seconds: float = SHORT_CALL_SECONDS,
) -> list[dict]:
    """Per caller ID: dials, person answers, answer rate, share of very short
    talks among them (a sign the number is flagged as spam) and a warning."""
    human = CallAttempt.outcome.in_([CallOutcome.HUMAN, CallOutcome.ABANDONED])
    q = (
        select(
            CallerId.id,
            CallerId.number_e164,
            CallerId.label,
            CallerId.pool_id,
            func.count(CallAttempt.id),
            func.sum(case((human, 1), else_=0)),
            func.sum(
                case(
                    (
                        (CallAttempt.outcome == CallOutcome.HUMAN)
                        & (func.coalesce(CallAttempt.talk_seconds, 0) < short_seconds),
                        1,
                    ),
                    else_=0,
                )
            ),
            func.sum(case((CallAttempt.outcome == CallOutcome.HUMAN, 1), else_=0)),
        )
        .outerjoin(
            CallAttempt,
            (CallAttempt.caller_id_id == CallerId.id)
            & (CallAttempt.dialed_at >= since)
            & (CallAttempt.dialed_at < until),
        )
        .group_by(CallerId.id, CallerId.number_e164, CallerId.label, CallerId.pool_id)
        .order_by(CallerId.id)
    )
    if pool_id is not None:
        q = q.where(CallerId.pool_id == pool_id)
    out = []
    for cid, number, label, pid, dials, answered, short, talked in session.execute(q).all():
        dials, answered, short, talked = (
            int(dials or 0),
            int(answered or 0),
            int(short or 0),
            int(talked or 0),
        )
        answer_rate = answered / dials if dials else 0.0
        short_share = short / talked if talked else 0.0
        out.append(
            {
                "caller_id": cid,
                "number": number,
                "label": label,
                "pool_id": pid,
                "dials": dials,
                "person_answers": answered,
                "answer_rate": round(answer_rate, 4),
                "short_calls": short,
                "short_call_share": round(short_share, 4),
                "going_bad": going_bad(dials, answer_rate, short_share),
            }
        )
    return out
