"""Seat hours from the database and the month's settlement of a campaign."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from campaigns.models import Campaign, Settlement
from campaigns.settlement.calc import (
    DEFAULT_SEAT_RATIOS,
    Interval,
    clip,
    day_bounds,
    seconds_per_agent_day,
    settle,
)
from core import audit
from core.models import User
from dialer.models import AgentStateInterval


class SettlementError(Exception):
    pass


def campaign_intervals(
    session: Session, campaign_id: int, start: datetime, end: datetime, now: datetime
) -> list[Interval]:
    """The campaign's state intervals overlapping [start, end), clipped to it;
    an interval still open counts up to `now`."""
    rows = session.execute(
        select(
            AgentStateInterval.agent_id,
            AgentStateInterval.state,
            AgentStateInterval.started_at,
            AgentStateInterval.ended_at,
        ).where(
            AgentStateInterval.campaign_id == campaign_id,
            AgentStateInterval.started_at < end,
            (AgentStateInterval.ended_at.is_(None)) | (AgentStateInterval.ended_at > start),
        )
    )
    intervals = [
        Interval(agent, state.value, started, ended or max(started, min(now, end)))
        for agent, state, started, ended in rows
    ]
    return clip(intervals, start, end)


def seat_seconds(intervals: list[Interval], centre_tz: str) -> dict:
    return seconds_per_agent_day(intervals, centre_tz)


def month_range(month: str) -> tuple[date, date]:
    """First day and the day after the last of 'YYYY-MM'."""
    try:
        first = date.fromisoformat(month + "-01")
    except ValueError:
        raise SettlementError("month must be YYYY-MM") from None
    nxt = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    return first, nxt


def seat_hours(session: Session, campaign_id: int, month: str, centre_tz: str, now: datetime) -> dict:
    """Per agent: seat kind, hours per day and the month's total."""
    first, nxt = month_range(month)
    start, _ = day_bounds(first, centre_tz)
    end, _ = day_bounds(nxt, centre_tz)
    seconds = seat_seconds(campaign_intervals(session, campaign_id, start, end, now), centre_tz)
    agents = {u.id: u for u in session.scalars(select(User).where(User.id.in_({a for a, _ in seconds})))}
    out: dict[int, dict] = {}
    for (agent_id, day), secs in sorted(seconds.items()):
        user = agents.get(agent_id)
        row = out.setdefault(
            agent_id,
            {
                "agent_id": agent_id,
                "name": (user.display_name or user.username) if user else str(agent_id),
                "seat_kind": user.seat_kind if user else "agent",
                "days": {},
                "hours": 0.0,
            },
        )
        row["days"][day.isoformat()] = round(secs / 3600, 4)
        row["hours"] += secs / 3600
    for row in out.values():
        row["hours"] = round(row["hours"], 4)
    return out


def compute(
    session: Session,
    campaign: Campaign,
    month: str,
    centre_tz: str,
    now: datetime,
    actor,
    seat_price=None,
    assessment_factor=1,
    bonus=0,
    penalties=0,
    seat_ratios=None,
    note=None,
) -> Settlement:
    """Compute (or recompute) the month's draft settlement from the seat hours."""
    row = session.scalar(
        select(Settlement).where(Settlement.campaign_id == campaign.id, Settlement.month == month)
    )
    if row is not None and row.status == "final":
        raise SettlementError("This month's settlement is final.")
    price = seat_price if seat_price is not None else (campaign.seat_price or 0)
    ratios = {**DEFAULT_SEAT_RATIOS, **(seat_ratios or {})}
    hours = seat_hours(session, campaign.id, month, centre_tz, now)
    figures = settle(
        {a: (r["seat_kind"], r["hours"]) for a, r in hours.items()},
        ratios,
        price,
        assessment_factor,
        bonus,
        penalties,
    )
    names = {a: r["name"] for a, r in hours.items()}
    for agent in figures["per_agent"]:
        agent["name"] = names.get(agent["agent_id"], "")
        agent["days"] = hours[agent["agent_id"]]["days"]
    if row is None:
        row = Settlement(
            campaign_id=campaign.id, month=month, created_by=getattr(actor, "id", None), created_at=now
        )
        session.add(row)
    row.seat_price, row.assessment_factor, row.bonus, row.penalties = (
        price,
        assessment_factor,
        bonus,
        penalties,
    )
    row.seat_ratios, row.figures, row.total_fee, row.note = ratios, figures, figures["total_fee"], note
    session.flush()
    audit.record(
        session,
        actor,
        "settlement.compute",
        "campaign",
        campaign.id,
        None,
        {"month": month, "total_fee": figures["total_fee"]},
    )
    return row


def finalise(session: Session, row: Settlement, actor) -> Settlement:
    if row.status == "final":
        raise SettlementError("This month's settlement is final.")
    row.status = "final"
    audit.record(
        session,
        actor,
        "settlement.finalise",
        "campaign",
        row.campaign_id,
        None,
        {"month": row.month, "total_fee": str(row.total_fee)},
    )
    session.flush()
    return row


KIND_ZH = {"trainee": "实习座席", "agent": "座席", "team_lead": "班长", "overtime": "加班"}


def settlement_xlsx(campaign: Campaign, row: Settlement) -> bytes:
    """The settlement as a workbook with Chinese headers: summary, per agent, per day."""
    from openpyxl import Workbook

    f = row.figures or {}
    book = Workbook()
    sheet = book.active
    sheet.title = "结算汇总"
    sheet.append(["项目", campaign.name])
    sheet.append(["客户", campaign.client_name])
    sheet.append(["结算月份", row.month])
    sheet.append(["状态", "已确认" if row.status == "final" else "草稿"])
    sheet.append([])
    sheet.append(["座席类型", "折算工时(小时)", "结算座席数", "人数", "座席系数"])
    for kind in ("trainee", "agent", "team_lead", "overtime"):
        k = (f.get("per_kind") or {}).get(kind, {})
        sheet.append(
            [
                KIND_ZH[kind],
                float(k.get("hours", 0)),
                float(k.get("seats", 0)),
                k.get("agents", 0),
                (f.get("seat_ratios") or {}).get(kind),
            ]
        )
    sheet.append([])
    for label, key in [
        ("标准工时(小时)", "standard_hours"),
        ("结算座席合计", "total_seats"),
        ("座席单价", "seat_price"),
        ("考核系数", "assessment_factor"),
        ("基础费用", "base_fee"),
        ("奖励", "bonus"),
        ("扣罚", "penalties"),
        ("月度费用", "total_fee"),
    ]:
        sheet.append([label, float(f.get(key, 0) or 0)])
    agents = book.create_sheet("座席工时")
    agents.append(
        ["座席ID", "姓名", "座席类型", "工时(小时)", "标准内工时", "加班工时", "结算座席数", "加班座席数"]
    )
    for a in f.get("per_agent", []):
        agents.append(
            [
                a["agent_id"],
                a.get("name", ""),
                KIND_ZH.get(a["seat_kind"], a["seat_kind"]),
                float(a["hours"]),
                float(a["regular_hours"]),
                float(a["overtime_hours"]),
                float(a["seats"]),
                float(a["overtime_seats"]),
            ]
        )
    daily = book.create_sheet("每日工时")
    daily.append(["座席ID", "姓名", "日期", "工时(小时)"])
    for a in f.get("per_agent", []):
        for day, hours in sorted((a.get("days") or {}).items()):
            daily.append([a["agent_id"], a.get("name", ""), day, hours])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
