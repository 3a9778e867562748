"""Pods survive crashes: two pods serve one campaign; one is killed with
SIGKILL mid-campaign and restarted under the same pod id.  No lead and no call
record is lost: its open attempts are closed as interrupted, its leads come
back, and the restarted pod is back within 10 s."""
from __future__ import annotations

import signal
import time
from collections import Counter

import pytest
from sqlalchemy import func, select

from core import events
from tests.dialer.callcentre import CallCentre, seed_campaign, set_live
from tests.dialer.test_pod_e2e import CLOSED, _wait_until_done

pytestmark = [pytest.mark.sip, pytest.mark.slow]


def test_pod_killed_mid_campaign_loses_nothing(app, session, redis_client, tmp_path, database_url, redis_url):
    from campaigns.models import Lead
    from dialer.models import AgentSession, CallAttempt

    seeded = seed_campaign(session, leads=60, agents=4)
    cid = seeded["campaign_id"]
    set_live(redis_client, cid)
    cc = CallCentre(tmp_path, database_url, redis_url, carrier_mix="person=70,machine=10,busy=10,no_answer=10")
    try:
        cc.start_carrier(talk=(6.0, 10.0))
        cc.start_worker()
        cc.start_pod("pod-1")
        cc.start_pod("pod-2")
        time.sleep(2.0)
        cc.start_softphones(seeded["pins"][:2], "pod-1")
        cc.start_softphones(seeded["pins"][2:], "pod-2")
        cc.start_agentbot(cid, seeded["agent_ids"])
        # Wait until pod-1 has calls up, then kill it without warning.
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            session.rollback()
            up = session.scalar(select(func.count()).select_from(CallAttempt).where(
                CallAttempt.pod_id == "pod-1", CallAttempt.ended_at.is_(None), CallAttempt.bridged_at.is_not(None)))
            if up:
                break
            time.sleep(0.3)
        assert up, cc.log_text("pod-1")
        session.rollback()
        open_at_kill = set(session.scalars(select(CallAttempt.id).where(CallAttempt.pod_id == "pod-1",
                                                                       CallAttempt.ended_at.is_(None))))
        killed_at = time.monotonic()
        cc.kill("pod-1", signal.SIGKILL)
        redis_client.delete(events.pod_status_key("pod-1"))  # the restarted pod must write a fresh heartbeat
        cc.start_pod("pod-1")
        cc.procs["softphone-pod-1"].terminate()  # the agents' calls to the dead pod are gone
        while redis_client.hget(events.pod_status_key("pod-1"), "heartbeat") is None:
            assert time.monotonic() - killed_at < 30, cc.log_text("pod-1")
            time.sleep(0.1)
        back_in = time.monotonic() - killed_at
        cc.procs["softphone-pod-1"].wait(20)
        cc.start_softphones(seeded["pins"][:2], "pod-1")  # the agents dial in again
        _wait_until_done(session, cid, cc, timeout=420)
    finally:
        codes = cc.stop()
    assert codes.get("pod-2") == 0 and codes.get("pod-1") == 0
    print(f"\nrestarted pod back in {back_in:.2f} s; {len(open_at_kill)} attempts open at the kill")
    assert back_in <= 10.0

    session.rollback()
    attempts = {a.id: a for a in session.scalars(select(CallAttempt).where(CallAttempt.campaign_id == cid))}
    # Every attempt that was open at the kill is closed as interrupted, none is left open.
    for attempt_id in open_at_kill:
        assert attempts[attempt_id].outcome.value == "interrupted"
        assert attempts[attempt_id].ended_at is not None
    assert all(a.ended_at is not None for a in attempts.values())
    # No lead lost: each ends closed with its attempts counted, interrupted ones dialled again.
    leads = list(session.scalars(select(Lead).where(Lead.campaign_id == cid)))
    assert {l.status.value for l in leads} <= CLOSED
    counts = Counter(a.lead_id for a in attempts.values())
    for lead in leads:
        assert lead.attempt_count == counts[lead.id] >= 1
    # Every call the carrier saw has its row (the killed pod wrote rows before its INVITEs).
    carrier = Counter(c["number"].lstrip("+") for c in cc.carrier_calls())
    ours = Counter(a.phone_e164.lstrip("+") for a in attempts.values())
    assert not (carrier - ours), carrier - ours
    # The dead pod's agent sessions were closed.
    stale = session.scalar(select(func.count()).select_from(AgentSession).where(AgentSession.logout_at.is_(None)))
    assert stale == 0
