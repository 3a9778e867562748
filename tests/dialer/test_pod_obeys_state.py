"""A pod obeys the campaign's state within a second: after a pause (or a stop
for rectification) no new call is placed, and calls in progress finish."""
from __future__ import annotations

import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from core.clock import utcnow
from tests.dialer.callcentre import CallCentre, seed_campaign, set_live

pytestmark = [pytest.mark.sip, pytest.mark.slow]


def test_pause_stops_new_calls_within_a_second(app, session, redis_client, tmp_path, database_url, redis_url):
    from dialer.models import CallAttempt

    seeded = seed_campaign(session, leads=60, agents=3)
    cid = seeded["campaign_id"]
    set_live(redis_client, cid)
    cc = CallCentre(tmp_path, database_url, redis_url, carrier_mix="person=60,no_answer=40")
    try:
        cc.start_carrier(talk=(8.0, 10.0), ring=(1.0, 3.0))
        cc.start_worker()
        cc.start_pod()
        time.sleep(2.0)
        cc.start_softphones(seeded["pins"])
        cc.start_agentbot(cid, seeded["agent_ids"])
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            session.rollback()
            bridged = session.scalar(select(func.count()).select_from(CallAttempt).where(
                CallAttempt.campaign_id == cid, CallAttempt.bridged_at.is_not(None), CallAttempt.ended_at.is_(None)))
            if bridged:
                break
            time.sleep(0.2)
        assert bridged, cc.log_text("pod-1")
        paused_at = utcnow()
        set_live(redis_client, cid, "paused")
        time.sleep(12.0)  # longer than any talk and ring time: what was up has finished
        session.rollback()
        late = session.scalar(select(func.count()).select_from(CallAttempt).where(
            CallAttempt.campaign_id == cid, CallAttempt.dialed_at > paused_at + timedelta(seconds=1)))
        up_at_pause = list(session.scalars(select(CallAttempt).where(
            CallAttempt.campaign_id == cid, CallAttempt.dialed_at <= paused_at)))
    finally:
        cc.stop()
    assert late == 0
    assert up_at_pause and all(a.ended_at is not None for a in up_at_pause)
    # Calls in progress were not cut: the bridged ones ended as talks, hung up by the customer.
    talked = [a for a in up_at_pause if a.bridged_at is not None]
    assert talked and all(a.outcome.value == "human" and a.hangup_by == "customer" for a in talked)
