"""Hopper refill through the gate, the low-data alert, the dry-run, the abandon guard."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import update

from core.clock import utcnow
from dialer import abandon
from dialer.hopper import Hopper
from dialer.refill import low_data_key, refill_hopper
from tests.dialer.callcentre import seed_campaign


@pytest.fixture
def campaign(session, app):
    return seed_campaign(session, leads=30, agents=1)


def test_refill_pushes_only_eligible_leads(session, redis_client, campaign):
    from campaigns.models import DncEntry, Lead

    cid = campaign["campaign_id"]
    leads = session.query(Lead).order_by(Lead.id).all()
    session.add(DncEntry(phone_e164=leads[0].phone_e164, scope="global", source="manual"))
    session.add(DncEntry(phone_e164=leads[1].phone_e164, scope=str(cid), campaign_id=cid, source="manual"))
    session.execute(update(Lead).where(Lead.id == leads[2].id).values(status="done"))
    session.execute(update(Lead).where(Lead.id == leads[3].id).values(next_attempt_at=utcnow() + timedelta(hours=5)))
    session.commit()
    result = refill_hopper(cid, target=100)
    hopper = Hopper(redis_client, cid)
    taken = {t.lead_id for t in hopper.take("p", 100, now=1.0)}
    assert result["pushed"] == len(taken) == 26
    assert not {l.id for l in leads[:4]} & taken
    assert result["skipped"] == {"DNC_GLOBAL": 1, "DNC_CAMPAIGN": 1}


def test_outside_calling_hours_nothing_is_pushed(session, redis_client, campaign):
    from campaigns.models import Campaign

    cid = campaign["campaign_id"]
    c = session.get(Campaign, cid)
    now_sh = utcnow().astimezone(__import__("zoneinfo").ZoneInfo("Asia/Shanghai"))
    # A one-hour window that is closed now and does not wrap midnight.
    start = now_sh + timedelta(hours=2) if now_sh.hour < 20 else now_sh - timedelta(hours=3)
    closed_start, closed_end = start.strftime("%H:00"), (start + timedelta(hours=1)).strftime("%H:00")
    c.rules = {**c.rules, "calling_hours": {"start": closed_start, "end": closed_end}}
    session.commit()
    result = refill_hopper(cid, target=100)
    assert result["pushed"] == 0
    assert result["skipped"] == {"OUTSIDE_HOURS": 30}


def test_low_data_alert(session, redis_client, campaign):
    from dialer.models import CallAttempt

    cid = campaign["campaign_id"]
    now = utcnow()
    # 300 dials in the last ten minutes: 30 per minute, 30 leads left -> about a minute of data.
    session.add_all([CallAttempt(uuid=f"u{i}", campaign_id=cid, phone_e164="+8613800000001",
                                 dialed_at=now - timedelta(seconds=i)) for i in range(300)])
    session.commit()
    refill_hopper(cid, target=5, now=now)
    alert = json.loads(redis_client.get(low_data_key(cid)))
    assert alert["eligible_left"] == 30 and alert["minutes_left"] == 1.0
    # With plenty of leads and no recent dials the alert clears.
    session.query(CallAttempt).delete()
    session.commit()
    refill_hopper(cid, target=5, now=now)
    assert redis_client.get(low_data_key(cid)) is None


def test_dry_run_counts_each_rule(as_role, session, campaign):
    from campaigns.models import DncEntry, Lead

    cid = campaign["campaign_id"]
    leads = session.query(Lead).order_by(Lead.id).all()
    session.add(DncEntry(phone_e164=leads[0].phone_e164, scope="global", source="manual"))
    session.execute(update(Lead).where(Lead.id.in_([leads[1].id, leads[2].id])).values(status="done"))
    session.commit()
    r = as_role("manager").get(f"/api/v1/dialer/campaigns/{cid}/eligibility")
    assert r.status_code == 200, r.json
    assert r.json["total"] == 30 and r.json["eligible"] == 27
    assert r.json["excluded_by"] == {"DNC_GLOBAL": 1, "FINAL_STATUS": 2}
    assert as_role("agent").get(f"/api/v1/dialer/campaigns/{cid}/eligibility").status_code == 403


def test_abandon_accounting_and_guard(redis_client):
    for i in range(40):
        abandon.record_answer(redis_client, 9, f"a{i}", 1000.0 + i)
    abandon.record_abandon(redis_client, 9, "a1", 1001.0)
    rate = abandon.rate(redis_client, 9, now=1100.0, window_seconds=3600)
    assert (rate.answers, rate.abandons) == (40, 1)
    assert not abandon.at_cap(rate, 0.03)
    abandon.record_abandon(redis_client, 9, "a2", 1002.0)
    assert abandon.at_cap(abandon.rate(redis_client, 9, 1100.0, 3600), 0.03)  # 2/40 = 5 % > 3 %
    # Outside the window the old answers and abandons no longer count.
    assert abandon.rate(redis_client, 9, 1000.0 + 86400 * 2, 86400).answers == 0
    # One abandon among very few answers is judged against at least 20 answers.
    abandon.record_answer(redis_client, 10, "b1", 5.0)
    abandon.record_abandon(redis_client, 10, "b1", 6.0)
    assert abandon.at_cap(abandon.rate(redis_client, 10, 10.0, 3600), 0.03)  # 1/20 = 5 %
    assert not abandon.at_cap(abandon.rate(redis_client, 10, 10.0, 3600), 0.06)


def test_pacer_falls_back_to_progressive_at_the_cap():
    from dialer.pacing import PacingSnapshot, make_pacer

    pacer = make_pacer("predictive", target_abandon_rate=0.03, max_lines_per_agent=3.0)
    snap = PacingSnapshot(now=100.0, agents_ready=10, agents_busy=0, calls_dialing=0, calls_waiting=0)
    pacer.set_abandon_state(0.05, True)
    assert pacer.calls_to_place(snap) == 10  # one line per ready agent
    pacer.set_abandon_state(0.01, False)
    assert pacer.calls_to_place(snap) >= 10
