"""End to end on loopback: carrier simulator + 3 simulated agents + 1 pod +
RQ worker + Redis + database.  A 100-lead campaign runs to the end."""
from __future__ import annotations

import time
from collections import Counter

import pytest
from sqlalchemy import func, select

from tests.dialer.callcentre import CallCentre, seed_campaign, set_live

pytestmark = [pytest.mark.sip, pytest.mark.slow]

CLOSED = {"done", "dnc", "invalid", "retry", "callback"}


def _wait_until_done(session, campaign_id, cc, timeout):
    from campaigns.models import Lead
    from dialer.models import CallAttempt

    start = time.monotonic()
    deadline = start + timeout
    while time.monotonic() < deadline:
        session.rollback()
        dialled = session.scalar(select(func.count()).select_from(CallAttempt).where(
            CallAttempt.campaign_id == campaign_id))
        if dialled == 0 and time.monotonic() - start > 60:
            raise AssertionError(f"nothing dialled in 60 s\n{cc.log_text('pod-1')}\n{cc.log_text('worker')}")
        open_leads = session.scalar(select(func.count()).select_from(Lead).where(
            Lead.campaign_id == campaign_id, Lead.status.in_(["new", "dialing", "queued"])))
        open_attempts = session.scalar(select(func.count()).select_from(CallAttempt).where(
            CallAttempt.campaign_id == campaign_id, CallAttempt.ended_at.is_(None)))
        pending_wrapup = session.scalar(select(func.count()).select_from(CallAttempt).where(
            CallAttempt.campaign_id == campaign_id, CallAttempt.outcome == "human",
            CallAttempt.disposition_code.is_(None)))
        if open_leads == 0 and open_attempts == 0 and pending_wrapup == 0:
            return
        for name, proc in cc.procs.items():
            assert proc.poll() is None, f"{name} died:\n{cc.log_text(name)}"
        time.sleep(1.0)
    raise AssertionError(f"campaign did not finish: {open_leads} leads open, {open_attempts} attempts open, "
                         f"{pending_wrapup} waiting for disposition\n{cc.log_text('pod-1')}")


def _wait_for_archive(session, attempts, timeout=90):
    from recordings.models import Recording

    human = {a.id for a in attempts if a.outcome is not None and a.outcome.value == "human"}
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        session.rollback()
        done = set(session.scalars(select(Recording.attempt_id).where(Recording.status == "archived")))
        if human <= done:
            return
        time.sleep(1)


def test_hundred_lead_campaign_runs_to_the_end(app, session, redis_client, tmp_path, database_url, redis_url):
    from campaigns.models import Lead
    from dialer import abandon
    from dialer.models import AgentStateInterval, CallAttempt

    seeded = seed_campaign(session, leads=100, agents=3)
    cid = seeded["campaign_id"]
    set_live(redis_client, cid)
    cc = CallCentre(tmp_path, database_url, redis_url,
                    carrier_mix="person=45,machine=20,busy=10,no_answer=10,invalid=10,congestion=5")
    try:
        cc.start_carrier()
        cc.start_worker()
        cc.start_pod()
        time.sleep(2.0)
        cc.start_softphones(seeded["pins"])
        cc.start_agentbot(cid, seeded["agent_ids"])
        _wait_until_done(session, cid, cc, timeout=420)
        session.rollback()
        attempts = list(session.scalars(select(CallAttempt).where(CallAttempt.campaign_id == cid)))
        _wait_for_archive(session, attempts)
    finally:
        codes = cc.stop()
    assert codes.get("pod-1") == 0, cc.log_text("pod-1")

    session.rollback()
    attempts = list(session.scalars(select(CallAttempt).where(CallAttempt.campaign_id == cid)))
    leads = list(session.scalars(select(Lead).where(Lead.campaign_id == cid)))
    # Every lead ends in a consistent state.
    assert {l.status.value for l in leads} <= CLOSED
    by_lead = Counter(a.lead_id for a in attempts)
    for lead in leads:
        assert lead.attempt_count == by_lead[lead.id] >= 1
        if lead.status.value == "dnc":
            assert lead.disposition_code == "DNC"
    # Call-attempt rows match the carrier's log one to one.
    carrier = cc.carrier_calls()
    assert len(carrier) == len(attempts)
    assert Counter(c["number"].lstrip("+") for c in carrier) == Counter(a.phone_e164.lstrip("+") for a in attempts)
    carrier_outcomes = Counter(c["outcome"] for c in carrier)
    ours = Counter(a.outcome.value for a in attempts)
    assert carrier_outcomes["busy"] == ours["busy"]
    assert carrier_outcomes["invalid"] == ours["invalid"]
    assert carrier_outcomes["congestion"] == ours["congestion"]
    assert carrier_outcomes["no_answer"] == ours["no_answer"]
    assert carrier_outcomes["person"] + carrier_outcomes["machine"] == sum(1 for a in attempts if a.answered_at)
    for a in attempts:
        assert a.ended_at is not None and a.dialed_at <= a.ended_at
        if a.outcome.value == "human":
            assert a.bridged_at is not None and a.agent_id is not None and a.disposition_code
            assert a.wait_seconds is not None and a.wait_seconds <= 2.0
    # The reported abandon rate equals abandoned rows over person answers.
    persons = sum(1 for a in attempts if a.outcome.value in ("human", "abandoned"))
    abandoned = sum(1 for a in attempts if a.outcome.value == "abandoned")
    reported = abandon.rate(redis_client, cid, time.time(), 86400)
    assert (reported.answers, reported.abandons) == (persons, abandoned)
    # Every bridged call was recorded, and the worker archived the recordings (FLAC, verified).
    from recordings.models import Recording

    recs = {r.attempt_id: r for r in session.scalars(select(Recording))}
    for a in attempts:
        if a.outcome.value == "human":
            rec = recs.get(a.id)
            assert rec is not None and rec.sha256 and rec.status == "archived", (a.id, rec and rec.status, rec and rec.error, rec and rec.size_bytes)
    # Seat time was logged for every agent.
    agents_with_time = set(session.scalars(select(AgentStateInterval.agent_id)
                                           .where(AgentStateInterval.campaign_id == cid)))
    assert agents_with_time == set(seeded["agent_ids"])
    print(f"\nE2E: {len(attempts)} attempts, outcomes {dict(ours)}, abandon {abandoned}/{persons}")
