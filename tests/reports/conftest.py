"""A small, hand-checkable day of calls in Shanghai time (UTC+8)."""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

import pytest

TZ = "Asia/Shanghai"


def utc(day, hh, mm=0):
    return datetime(2026, 11, day, hh, mm, tzinfo=timezone.utc)


@pytest.fixture
def instance(tmp_path, monkeypatch):
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path / "inst"))
    monkeypatch.setenv("CENTRE_TIMEZONE", TZ)
    return tmp_path / "inst"


@pytest.fixture
def day_of_calls(session, users):
    """Campaign A: 6 dials on 20 Nov local (one the evening before in UTC), one the day after."""
    from campaigns.models import CallerId, CallerIdPool, Campaign, Disposition
    from dialer.models import AgentSession, AgentState, AgentStateInterval, CallAttempt, CallOutcome

    a = Campaign(code="A", name="Alpha", report_recipients=["client@example.com"])
    b = Campaign(code="B", name="Beta")
    session.add_all([a, b])
    session.flush()
    sale = Disposition(campaign_id=a.id, code="SALE", label_zh="成功", label_en="Sale", is_sale=True)
    cb = Disposition(campaign_id=a.id, code="CB", label_zh="回拨", label_en="Callback", is_callback=True)
    dnc = Disposition(campaign_id=a.id, code="DNC", label_zh="退订", label_en="Opt out", is_dnc=True)
    session.add_all([sale, cb, dnc])
    session.flush()
    agent = users["agent"]
    pool = CallerIdPool(name="pool")
    session.add(pool)
    session.flush()
    numbers = {}
    for number in ("+862100000001", "+862100000002"):
        numbers[number] = CallerId(pool_id=pool.id, number_e164=number)
        session.add(numbers[number])
    session.flush()

    def attempt(campaign, dialed, outcome, disposition=None, talk=None, wrap=None, caller="+862100000001",
                agent_id=None):
        answered = dialed + timedelta(seconds=10) if outcome in (
            CallOutcome.HUMAN, CallOutcome.ABANDONED, CallOutcome.MACHINE) else None
        row = CallAttempt(uuid=str(uuid.uuid4()), campaign_id=campaign.id, phone_e164="+8613800000000",
                          caller_id_number=caller, caller_id_id=numbers[caller].id if caller else None,
                          dialed_at=dialed, answered_at=answered, outcome=outcome,
                          agent_id=agent_id, talk_seconds=talk, wrapup_seconds=wrap,
                          disposition_id=disposition.id if disposition else None)
        session.add(row)
        return row

    # 16:30 UTC on the 19th is 00:30 on the 20th in Shanghai: inside the day.
    attempt(a, utc(19, 16, 30), CallOutcome.NO_ANSWER)
    attempt(a, utc(20, 1, 5), CallOutcome.HUMAN, sale, talk=120, wrap=30, agent_id=agent.id)
    attempt(a, utc(20, 1, 40), CallOutcome.HUMAN, cb, talk=60, wrap=20, agent_id=agent.id, caller="+862100000002")
    attempt(a, utc(20, 2, 10), CallOutcome.HUMAN, dnc, talk=30, wrap=10, agent_id=agent.id)
    attempt(a, utc(20, 2, 20), CallOutcome.ABANDONED)
    attempt(a, utc(20, 2, 30), CallOutcome.MACHINE)
    attempt(a, utc(20, 16, 0), CallOutcome.HUMAN, sale, talk=99, wrap=1, agent_id=agent.id)  # the 21st locally
    attempt(b, utc(20, 3, 0), CallOutcome.BUSY, caller=None)  # no caller ID record
    s = AgentSession(agent_id=agent.id, campaign_id=a.id, login_at=utc(19, 15))
    session.add(s)
    session.flush()
    # 15:00–17:00 UTC on the 19th: only the hour after local midnight (16:00 UTC) counts.
    session.add(AgentStateInterval(session_id=s.id, agent_id=agent.id, campaign_id=a.id, state=AgentState.READY,
                                   started_at=utc(19, 15), ended_at=utc(19, 17)))
    session.add(AgentStateInterval(session_id=s.id, agent_id=agent.id, campaign_id=a.id, state=AgentState.TALKING,
                                   started_at=utc(20, 1), ended_at=utc(20, 2, 30)))
    session.commit()
    return {"a": a, "b": b, "agent": agent}
