"""Compile the daily outbound report of one day and scope, aggregating in SQL.

GROUP BY queries with CASE sums, each restricted to the day's UTC range and
to id lists so that SQLite and PostgreSQL walk an index whose order is the
grouping's: a million rows are then aggregated without a sort.  Hours are
UTC ranges of the local hours (right for half-hour zones and DST days too),
so no dialect-specific date arithmetic is needed for them.  Seat hours
(clipped intervals) and QA scores are small tables added after.
"""
from __future__ import annotations

from collections import defaultdict
from contextlib import contextmanager
from datetime import date, datetime

from sqlalchemy import case, func, literal, select, text
from sqlalchemy.orm import Session

from reports import metrics
from reports.window import day_range, hours

def _dispositions(session: Session, campaign_ids: list[int]) -> dict[str, list[int]]:
    """Disposition ids by flag: CASE on a short id list is cheaper than a join per call."""
    from campaigns.models import Disposition

    rows = session.execute(select(Disposition.id, Disposition.is_sale, Disposition.is_callback, Disposition.is_dnc)
                           .where(Disposition.campaign_id.in_(campaign_ids))).all()
    return {flag: [r.id for r in rows if getattr(r, flag)] or [-1]
            for flag in ("is_sale", "is_callback", "is_dnc")}


def _sums(flags: dict[str, list[int]]):
    from dialer.models import CallAttempt, CallOutcome

    ca = CallAttempt.__table__.c

    def count_if(condition):
        return func.sum(case((condition, 1), else_=0))

    return [
        func.count().label("dials"),
        func.count(ca.answered_at).label("connects"),
        count_if(ca.outcome == CallOutcome.HUMAN).label("handled"),
        count_if(ca.outcome == CallOutcome.ABANDONED).label("abandoned"),
        func.sum(func.coalesce(ca.talk_seconds, 0.0)).label("talk_seconds"),
        func.sum(func.coalesce(ca.wrapup_seconds, 0.0)).label("wrapup_seconds"),
        count_if(ca.disposition_id.in_(flags["is_sale"])).label("sales"),
        count_if(ca.disposition_id.in_(flags["is_callback"])).label("callbacks"),
        count_if(ca.disposition_id.in_(flags["is_dnc"])).label("dnc_requests"),
    ]


def _add(target: dict, row: dict) -> None:
    for key, value in row.items():
        target[key] = target.get(key, 0) + (value or 0)


def _hinted(stmt, index: str, many_campaigns: bool):
    # Across all campaigns, SQLite's planner may prefer the campaign index and
    # then sort a million rows for the GROUP BY; walking the named index yields
    # rows already in group order.  For one campaign its own index reads far
    # fewer rows and the sort is small.  PostgreSQL ignores the hint.
    if not many_campaigns:
        return stmt
    return stmt.with_hint(_attempts_table(), f"INDEXED BY {index}", "sqlite")


def _attempts_table():
    from dialer.models import CallAttempt

    return CallAttempt.__table__


def _attempt_groups(session: Session, campaign_ids: list[int], day: date, tz: str) -> dict:
    """Sums per campaign, hour, caller ID and agent, each read in index order (no sort).

    Campaigns and hours: one query per hour of the day, grouped by campaign,
    on the (campaign_id, dialed_at) index.  Caller IDs and agents: one query
    each on the (caller_id_id, dialed_at) and (agent_id, dialed_at) indexes,
    restricted to the known ids (an IN list the index can seek with).  Calls
    without a caller ID record are what is left of the campaign totals."""
    from campaigns.models import CallerId
    from core.models import User

    ca = _attempts_table().c
    flags = _dispositions(session, campaign_ids)
    sums = _sums(flags)
    names = [c.name for c in sums]
    start, end = day_range(day, tz)
    in_campaigns = ca.campaign_id.in_(campaign_ids)
    out: dict[str, dict] = {"campaigns": {}, "caller_ids": {}, "hours": {}, "agents": {}}
    for index, (_, hour_start, hour_end) in enumerate(hours(day, tz)):
        stmt = (select(ca.campaign_id, *sums).where(in_campaigns, ca.dialed_at >= hour_start, ca.dialed_at < hour_end)
                .group_by(ca.campaign_id))
        for row in session.execute(stmt):
            values = dict(zip(names, row[1:]))
            _add(out["campaigns"].setdefault(row[0], {}), values)
            _add(out["hours"].setdefault(index, {}), values)
    in_day = [ca.dialed_at >= start, ca.dialed_at < end, in_campaigns]
    numbers = dict(session.execute(select(CallerId.id, CallerId.number_e164)).all())
    if numbers:
        stmt = _hinted(select(ca.caller_id_id, *sums).where(ca.caller_id_id.in_(list(numbers)), *in_day)
                       .group_by(ca.caller_id_id), "ix_call_attempts_callerid_dialed", len(campaign_ids) > 1)
        for row in session.execute(stmt):
            _add(out["caller_ids"].setdefault(numbers[row[0]], {}), dict(zip(names, row[1:])))
    rest = {}
    for values in out["campaigns"].values():
        _add(rest, values)
    for values in out["caller_ids"].values():
        for key, value in values.items():
            rest[key] -= value or 0
    if rest.get("dials"):
        out["caller_ids"][None] = rest
    users = list(session.scalars(select(User.id)))  # anyone may take calls
    if users:
        stmt = _hinted(select(ca.agent_id, *sums).where(ca.agent_id.in_(users), *in_day).group_by(ca.agent_id),
                       "ix_call_attempts_agent_dialed", len(campaign_ids) > 1)
        for row in session.execute(stmt):
            out["agents"][row[0]] = dict(zip(names, row[1:]))
    for groups in out.values():
        for values in groups.values():
            values["person_answers"] = values["handled"] + values["abandoned"]
    return out


def _seat_seconds(session: Session, campaign_ids: list[int], start: datetime, end: datetime,
                  now: datetime) -> tuple[dict, dict]:
    """Logged-in seconds inside the day (an open interval runs to `now`), per agent and per campaign."""
    from core.types import UTCDateTime
    from dialer.models import AgentStateInterval

    i = AgentStateInterval.__table__.c
    stop_at = min(end, now)
    lo, hi, now_ = (literal(v, UTCDateTime()) for v in (start, stop_at, now))
    if session.get_bind().dialect.name == "postgresql":
        seconds = func.extract("epoch", func.least(func.coalesce(i.ended_at, now_), hi) - func.greatest(i.started_at, lo))
    else:
        seconds = (func.julianday(func.min(func.coalesce(i.ended_at, now_), hi))
                   - func.julianday(func.max(i.started_at, lo))) * 86400.0
    rows = session.execute(
        select(i.agent_id, i.campaign_id, func.sum(seconds)).where(
            i.campaign_id.in_(campaign_ids), i.started_at < stop_at,
            (i.ended_at.is_(None)) | (i.ended_at > start)).group_by(i.agent_id, i.campaign_id)
    ).all()
    by_agent: dict = defaultdict(float)
    by_campaign: dict = defaultdict(float)
    for agent_id, campaign_id, total in rows:
        by_agent[agent_id] += float(total or 0)
        by_campaign[campaign_id] += float(total or 0)
    return by_agent, by_campaign


def _qa_scores(session: Session, campaign_ids: list[int], start: datetime, end: datetime) -> tuple[dict, dict]:
    """Average final QA total per agent and per campaign, of reviews finished in the day."""
    from recordings.models import QaReview as R

    where = [R.status == "final", R.campaign_id.in_(campaign_ids), R.finished_at >= start, R.finished_at < end,
             R.total.is_not(None)]
    out = []
    for key in (R.agent_id, R.campaign_id):
        rows = session.execute(select(key, func.avg(R.total), func.count()).where(*where).group_by(key)).all()
        out.append({k: (round(float(avg), 2), n) for k, avg, n in rows})
    return out[0], out[1]


def _labels(session: Session, agent_ids, campaign_ids) -> tuple[dict, dict]:
    from campaigns.models import Campaign
    from core.models import User

    agents = {u.id: u.display_name or u.username for u in
              session.scalars(select(User).where(User.id.in_([a for a in agent_ids if a is not None])))}
    campaigns = {c.id: (c.code, c.name) for c in
                 session.scalars(select(Campaign).where(Campaign.id.in_(list(campaign_ids))))}
    return agents, campaigns


@contextmanager
def _sqlite_cache(session: Session, kib: int = 262144):
    """A bigger SQLite page cache while compiling: the agent and caller-ID
    passes read table pages out of order, and the default 2 MB cache makes
    each a system call (measured: about a third less CPU on a million rows)."""
    if session.get_bind().dialect.name != "sqlite":
        yield
        return
    before = session.execute(text("PRAGMA cache_size")).scalar()
    session.execute(text(f"PRAGMA cache_size=-{int(kib)}"))
    try:
        yield
    finally:
        session.execute(text(f"PRAGMA cache_size={int(before)}"))


def compile_day(session: Session, day: date, tz: str, now: datetime, campaign_id: int | None = None) -> dict:
    """The report's data: totals and the four breakdowns, JSON-ready."""
    from campaigns.models import Campaign

    start, end = day_range(day, tz)
    if campaign_id is None:
        campaign_ids = list(session.scalars(select(Campaign.id)))
    else:
        campaign_ids = [campaign_id]
    with _sqlite_cache(session):
        groups = _attempt_groups(session, campaign_ids, day, tz)
    seat_agent, seat_campaign = _seat_seconds(session, campaign_ids, start, end, now)
    qa_agent, qa_campaign = _qa_scores(session, campaign_ids, start, end)
    agent_ids = set(groups["agents"]) | set(seat_agent) | set(qa_agent)
    used_campaigns = set(groups["campaigns"]) | set(seat_campaign) | set(qa_campaign)
    agent_names, campaign_names = _labels(session, agent_ids, used_campaigns)

    def extras(sums, seats, qa, key):
        sums = dict(sums)
        sums["seat_hours"] = seats.get(key, 0.0) / 3600
        if key in qa:
            sums["qa_average"], sums["qa_reviews"] = qa[key]
        return sums

    campaigns = []
    for cid in sorted(used_campaigns):
        code, name = campaign_names.get(cid, (str(cid), ""))
        row = metrics.derive(extras(groups["campaigns"].get(cid, {}), seat_campaign, qa_campaign, cid))
        campaigns.append({"key": cid, "label": code, "name": name, **row})
    agents = []
    for aid in sorted(agent_ids, key=lambda a: (a is None, agent_names.get(a, ""), a or 0)):
        row = metrics.derive(extras(groups["agents"].get(aid, {}), seat_agent, qa_agent, aid))
        agents.append({"key": aid, "label": agent_names.get(aid, "—") if aid is not None else "—", **row})
    caller_ids = [{"key": number, "label": number or "—", **metrics.derive(sums)}
                  for number, sums in sorted(groups["caller_ids"].items(), key=lambda kv: kv[0] or "")]
    by_hour = []
    for index, (label, _, _) in enumerate(hours(day, tz)):
        sums = groups["hours"].get(index)
        if sums:
            by_hour.append({"key": index, "label": label, **metrics.derive(sums)})
    return {
        "day": day.isoformat(), "timezone": tz, "scope": "all" if campaign_id is None else str(campaign_id),
        "campaign_id": campaign_id, "utc_range": [start.isoformat(), end.isoformat()],
        "generated_at": now.isoformat(), "totals": metrics.total(campaigns),
        "campaigns": campaigns, "agents": agents, "caller_ids": caller_ids, "hours": by_hour,
    }
