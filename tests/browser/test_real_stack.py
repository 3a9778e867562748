"""The console and wallboard against the running stack: a real pod, the
carrier simulator and the softphone simulator, over SIP on loopback.  An agent
logs in, connects the softphone by PIN, goes ready, takes a real call (the
carrier's person), fills the questionnaire, hangs up and sets a disposition;
the wallboard shows the call and the agent's states."""
from __future__ import annotations

import time

import pytest
from sqlalchemy import select, update

from tests.browser.conftest import keep_screen_pops, login, shot
from tests.browser.test_console_browser import answer_yes_no
from tests.dialer.callcentre import CallCentre, hours_around_now, set_live

pytestmark = [pytest.mark.browser, pytest.mark.sip, pytest.mark.slow]


def test_agent_takes_a_real_call_end_to_end(new_page, live_server, world, session, redis_client, tmp_path,
                                             database_url, redis_url):
    from campaigns.models import CallerId, CallerIdPool, Campaign, Lead, LeadStatus, campaign_caller_pools
    from dialer.models import CallAttempt
    from scripts_mgmt.models import QuestionnaireAnswer

    campaign = session.get(Campaign, world.campaign.id)
    campaign.rules = {"calling_hours": hours_around_now("Asia/Shanghai"), "min_ring_seconds": 2,
                      "ring_timeout_seconds": 10}
    campaign.dial_mode, campaign.dial_settings = "progressive", {"amd": True}
    pool = CallerIdPool(name="browser pool")
    pool.numbers = [CallerId(number_e164="+862161234567", verified=True, daily_cap=100)]
    session.add(pool)
    session.flush()
    session.execute(campaign_caller_pools.insert().values(campaign_id=campaign.id, pool_id=pool.id))
    # Only one lead to dial, and the carrier answers it as a person (number ending 990).
    session.execute(update(Lead).where(Lead.campaign_id == campaign.id).values(status="done"))
    session.execute(update(Lead).where(Lead.id == world.lead.id).values(status="new", phone_e164="+8613812345990"))
    session.commit()
    set_live(redis_client, campaign.id)

    cc = CallCentre(tmp_path, database_url, redis_url, carrier_mix="person=1")
    try:
        cc.start_carrier(talk=(120.0, 120.0))
        cc.start_worker()
        cc.start_pod()
        page = new_page()
        login(page, live_server, world.agent.username)
        page.goto(f"{live_server}/console/")
        page.wait_for_selector('#stream-status[data-ok="true"]')
        page.select_option("#campaign-select", str(campaign.id))
        page.check('input[name="method"][value="pin"]')
        page.click("#pick-campaign")
        page.wait_for_selector("#connect-help:has-text('PIN')")
        shot(page, "real-console-not-connected")

        time.sleep(1.5)
        cc.start_softphones([world.agent.agent_pin])  # the agent's softphone dials the pod with its PIN
        page.wait_for_selector('#softphone[data-connected="true"]', timeout=30000)
        supervisor = new_page()
        login(supervisor, live_server, "supervisor1")
        supervisor.goto(f"{live_server}/console/wallboard")
        supervisor.wait_for_selector(f'#agents tr[data-agent="{world.agent.id}"]', timeout=15000)

        page.click("#btn-ready")
        page.wait_for_selector('#state-pill[data-state="ready"]')
        # The pod dials the lead, the carrier's person answers, AMD says HUMAN, the pod bridges.
        drawn = page.wait_for_selector("#call[data-drawn]", timeout=60000)
        uuid = drawn.get_attribute("data-drawn")
        assert page.inner_text("#state-pill") == "通话中"
        supervisor.wait_for_selector(f'#calls tr[data-call="{uuid}"]', timeout=15000)
        supervisor.wait_for_selector(f'#agents tr[data-agent="{world.agent.id}"][data-state="talking"]')
        shot(supervisor, "real-wallboard-call")

        answer_yes_no(page, "interested", yes=True)
        page.wait_for_selector('[data-question="budget"]')
        page.fill('[data-question="budget"] input', "8000")
        page.locator('[data-question="budget"] input').dispatch_event("change")
        page.click("body")
        page.keyboard.press("1")  # SALE
        page.fill("#note", "真实通话")
        shot(page, "real-console-screen-pop")
        page.click("#btn-hangup")  # the pod hangs up the customer leg
        page.wait_for_selector('#state-pill[data-state="wrapup"]', timeout=15000)
        supervisor.wait_for_selector(f'#agents tr[data-agent="{world.agent.id}"][data-state="wrapup"]')
        page.click("#btn-dispose")
        page.wait_for_selector('#state-pill[data-state="ready"]', timeout=15000)
        supervisor.wait_for_selector(f'#agents tr[data-agent="{world.agent.id}"][data-state="ready"]')
        shot(supervisor, "real-wallboard-after-call")
        samples = page.evaluate("window.consoleScreenPops")
    finally:
        cc.stop()

    session.expire_all()
    attempt = session.scalar(select(CallAttempt).where(CallAttempt.uuid == uuid))
    assert attempt.outcome.value == "human" and attempt.agent_id == world.agent.id
    assert attempt.amd_result == "HUMAN" and attempt.hangup_by == "dialer"
    assert attempt.disposition_code == "SALE" and attempt.wrapup_ended_at is not None
    assert attempt.script_version_id == world.version.id  # the pinned, approved version used for the call
    stored = session.scalar(select(QuestionnaireAnswer).where(QuestionnaireAnswer.attempt_id == attempt.id))
    assert stored.answers == {"interested": True, "budget": 8000}
    assert session.get(Lead, world.lead.id).status is LeadStatus.DONE
    carrier = cc.carrier_calls()
    assert [c["number"].lstrip("+") for c in carrier] == ["8613812345990"]
    assert [s["attempt_uuid"] for s in samples] == [uuid] and samples[0]["bridge_to_render_ms"] > 0
    keep_screen_pops("real-stack", samples)
    print(f"\nreal-stack screen pop: {[round(s['bridge_to_render_ms']) for s in samples]} ms from the bridge")
