"""The agent console and the wallboard in headless Chromium, driven by the
pod side (tests/browser/pod_driver.py): log in, pick the campaign, connect,
go ready, take a call with its screen pop, fill the branching questionnaire,
reload mid-call without losing the draft, set the disposition; the
wallboard follows; screen-pop latency measured over a series of calls."""
from __future__ import annotations

import os
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from console.rates import percentile
from tests.browser.conftest import keep_screen_pops, login, shot

pytestmark = pytest.mark.browser


def wait_for(predicate, timeout=8.0, interval=0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError("condition not met in time")


def commands(pod, cmd):
    return [c for c in pod.received if c.get("cmd") == cmd]


def open_console(new_page, live_server, world, pod):
    page = new_page()
    login(page, live_server, "agent1")
    page.goto(f"{live_server}/console/")
    page.wait_for_selector('#stream-status[data-ok="true"]')
    return page


def test_agent_connects_goes_ready_and_pauses(new_page, live_server, world, pod):
    page = open_console(new_page, live_server, world, pod)
    assert page.inner_text("#state-pill") == "离线"
    page.select_option("#campaign-select", str(world.campaign.id))
    page.check('input[name="method"][value="pin"]')
    page.click("#pick-campaign")
    help_text = page.wait_for_selector("#connect-help:has-text('PIN')").inner_text()
    assert pod.sip in help_text and world.agent.agent_pin in help_text
    shot(page, "console-not-connected")

    page.check('input[name="method"][value="pod_calls"]')
    page.click("#pick-campaign")
    page.wait_for_selector("#connect-help:has-text('sip:agent1@127.0.0.1:5062')")

    pod.connect_agent(world.agent.id)  # the softphone answered the pod's call
    page.wait_for_selector('#softphone[data-connected="true"]')
    assert page.inner_text("#campaign-name") == "信用卡回访"
    page.click("#btn-ready")
    page.wait_for_selector('#state-pill[data-state="ready"]')
    assert page.inner_text("#state-pill") == "就绪"
    page.select_option("#pause-reason", "meal")
    page.click("#btn-pause")
    page.wait_for_selector('#state-pill[data-state="paused"]')
    assert page.inner_text("#state-reason") == "用餐"
    assert [c.get("reason") for c in commands(pod, "pause")] == ["meal"]


def connected_ready_console(new_page, live_server, world, pod):
    page = open_console(new_page, live_server, world, pod)
    page.select_option("#campaign-select", str(world.campaign.id))
    page.click("#pick-campaign")
    page.wait_for_selector("#campaign-name:has-text('信用卡回访')")
    pod.connect_agent(world.agent.id)
    page.wait_for_selector('#softphone[data-connected="true"]')
    page.click("#btn-ready")
    page.wait_for_selector('#state-pill[data-state="ready"]')
    return page


def answer_yes_no(page, question, yes):
    page.locator(f'[data-question="{question}"] input[type="radio"]').nth(0 if yes else 1).check()


def test_agent_takes_a_call_fills_the_questionnaire_and_sets_the_disposition(
        new_page, live_server, world, pod, session):
    from campaigns.models import Lead, LeadStatus
    from dialer.models import CallAttempt
    from scripts_mgmt.models import QuestionnaireAnswer

    page = connected_ready_console(new_page, live_server, world, pod)
    supervisor = new_page()
    login(supervisor, live_server, "supervisor1")
    supervisor.goto(f"{live_server}/console/wallboard")
    row = supervisor.wait_for_selector(f'#agents tr[data-agent="{world.agent.id}"][data-state="ready"]')
    assert "BANK1" in row.inner_text()
    assert "正式作业" in supervisor.inner_text(f'article[data-campaign="{world.campaign.id}"] .c-name')

    uuid = pod.bridge_call(world.agent.id, world.lead.id)
    page.wait_for_selector(f'#call[data-drawn="{uuid}"]')
    assert page.inner_text("#state-pill") == "通话中"
    assert page.inner_text('#lead-fields dd[data-field="name"]') == "张三"
    assert page.inner_text('#lead-fields dd[data-field="phone"]') == "+86138****5678"
    assert "张三" in page.inner_text("#script") and "1234" in page.inner_text("#script")
    assert page.is_disabled("#btn-ready") and not page.is_disabled("#btn-hangup")

    # The wallboard shows the call and the agent talking.
    supervisor.wait_for_selector(f'#calls tr[data-call="{uuid}"]')
    supervisor.wait_for_selector(f'#agents tr[data-agent="{world.agent.id}"][data-state="talking"]')
    shot(supervisor, "wallboard-call-in-progress")
    supervisor.click(f'#calls tr[data-call="{uuid}"] button.listen')
    wait_for(lambda: commands(pod, "monitor"))
    assert commands(pod, "monitor")[0]["listen_uri"] == "sip:sup1@127.0.0.1:5063"

    # Branching: "not interested" asks for the reason and skips the details ...
    answer_yes_no(page, "interested", yes=False)
    page.wait_for_selector('[data-question="reason"]')
    assert page.locator('[data-question="budget"]').count() == 0
    # ... "interested" hides the reason and asks for the budget.
    answer_yes_no(page, "interested", yes=True)
    page.wait_for_selector('[data-question="budget"]')
    assert page.locator('[data-question="reason"]').count() == 0
    page.fill('[data-question="budget"] input', "5000")
    page.locator('[data-question="budget"] input').dispatch_event("change")

    page.fill("#objection-search", "贵")
    page.wait_for_function("document.querySelectorAll('#objections li').length === 1")
    assert "分期免息" in page.inner_text("#objections")

    page.click("#keypad button[data-digit='5']")
    wait_for(lambda: commands(pod, "dtmf"))
    assert commands(pod, "dtmf")[0]["digits"] == "5"

    page.click("body")
    page.keyboard.press("1")  # hotkey of SALE
    assert page.is_checked('#dispositions input[value="SALE"]')
    page.fill("#note", "客户同意办理")
    shot(page, "console-call-screen-pop")

    # A reload mid-call loses neither the call nor the disposition being typed.
    page.reload()
    page.wait_for_selector(f'#call[data-drawn="{uuid}"]')
    assert page.is_checked('#dispositions input[value="SALE"]')
    assert page.input_value("#note") == "客户同意办理"
    assert page.input_value('[data-question="budget"] input') == "5000"

    pod.end_call(uuid)
    page.wait_for_selector('#state-pill[data-state="wrapup"]')
    page.wait_for_selector("#wrapup-timer:not([hidden])")
    assert page.is_disabled("#btn-ready")
    supervisor.wait_for_selector(f'#agents tr[data-agent="{world.agent.id}"][data-state="wrapup"]')
    supervisor.wait_for_selector(f'#calls tr[data-call="{uuid}"]', state="detached")
    shot(page, "console-wrapup")

    page.click("#btn-dispose")
    page.wait_for_selector("#call", state="hidden")
    page.wait_for_selector('#state-pill[data-state="ready"]')
    assert commands(pod, "wrapup_done")[0]["attempt_uuid"] == uuid
    supervisor.wait_for_selector(f'#agents tr[data-agent="{world.agent.id}"][data-state="ready"]')
    shot(supervisor, "wallboard-after-call")
    assert page.evaluate(f"localStorage.getItem('console:draft:{uuid}')") is None

    session.expire_all()
    attempt = session.scalar(select(CallAttempt).where(CallAttempt.uuid == uuid))
    assert attempt.disposition_code == "SALE" and attempt.notes == "客户同意办理"
    stored = session.scalar(select(QuestionnaireAnswer).where(QuestionnaireAnswer.attempt_id == attempt.id))
    assert stored.answers == {"interested": True, "budget": 5000}
    assert session.get(Lead, world.lead.id).status is LeadStatus.DONE
    # The wallboard's campaign card: today's sale and the hourly chart.
    supervisor.wait_for_selector(f'article[data-campaign="{world.campaign.id}"] .c-sales:has-text("1")',
                                 timeout=15000)
    assert supervisor.locator(f'article[data-campaign="{world.campaign.id}"] svg rect').count() > 0


CALLS_FOR_LATENCY = int(os.environ.get("SCREEN_POP_CALLS", "25"))


def test_screen_pop_timings_over_a_series_of_calls(new_page, live_server, world, pod, as_role):
    """Every call of a series is drawn, disposed of and timed once; the
    supervisors' summary counts them all and reports the same percentiles.
    Whether p99 is within 300 ms is for scripts/bench_screen_pop.py to say."""
    page = connected_ready_console(new_page, live_server, world, pod)
    leads = [world.lead, world.lead2]
    uuids = []
    for n in range(CALLS_FOR_LATENCY):
        uuid = pod.bridge_call(world.agent.id, leads[n % 2].id)
        uuids.append(uuid)
        page.wait_for_selector(f'#call[data-drawn="{uuid}"]')
        pod.end_call(uuid)
        page.wait_for_selector('#state-pill[data-state="wrapup"]')
        answer_yes_no(page, "interested", yes=False)
        page.locator('[data-question="reason"] input[type="radio"]').nth(0).check()
        page.click("body")
        page.keyboard.press("8")  # HUNG_UP: a retry, so the lead can be called again
        page.click("#btn-dispose")
        page.wait_for_selector('#state-pill[data-state="ready"]')
    samples = page.evaluate("window.consoleScreenPops")
    assert [s["attempt_uuid"] for s in samples] == uuids
    bridge_ms = [s["bridge_to_render_ms"] for s in samples]
    event_ms = [s["event_to_render_ms"] for s in samples]
    # the event reaches the page after the bridge (same machine; Date.now() has 1 ms steps)
    assert all(0 <= e <= b + 2 for b, e in zip(bridge_ms, event_ms)), samples
    keep_screen_pops("series", samples)
    print(f"\nscreen pop over {len(bridge_ms)} calls: bridge→drawn p50 {percentile(bridge_ms, 50):.0f} ms, "
          f"p99 {percentile(bridge_ms, 99):.0f} ms, max {max(bridge_ms):.0f} ms; "
          f"event→drawn p99 {percentile(event_ms, 99):.0f} ms")
    summary = wait_for(lambda: (s := as_role("supervisor").get("/api/v1/console/metrics/screen-pop").json)
                       ["count"] == CALLS_FOR_LATENCY and s)
    assert summary["p99_ms"] == pytest.approx(percentile(bridge_ms, 99), abs=0.5)
    assert summary["target_ms"] == 300


def test_a_network_blip_keeps_the_call_and_the_draft(new_page, live_server, world, pod, app):
    """Streams cut every 1.5 s here (as by a flaky network or proxy): the
    console reconnects, gets the live snapshot first, and reaches the right
    state even when events fall into a gap; the draft survives."""
    app.config["CONSOLE_SSE_MAX_SECONDS"] = 1.5
    page = connected_ready_console(new_page, live_server, world, pod)
    uuid = pod.bridge_call(world.agent.id, world.lead.id)
    page.wait_for_selector(f'#call[data-drawn="{uuid}"]')
    page.fill("#note", "正在输入")
    opens = page.evaluate("window.consoleStreamOpens")
    wait_for(lambda: page.evaluate("window.consoleStreamOpens") >= opens + 2, timeout=12)
    pod.end_call(uuid)
    page.wait_for_selector('#state-pill[data-state="wrapup"]', timeout=10000)
    assert page.get_attribute("#call", "data-uuid") == uuid
    assert page.input_value("#note") == "正在输入"
    answer_yes_no(page, "interested", yes=False)
    page.locator('[data-question="reason"] input[type="radio"]').nth(1).check()
    page.check('#dispositions input[value="NOT_INTERESTED"]')
    page.click("#btn-dispose")
    page.wait_for_selector('#state-pill[data-state="ready"]', timeout=10000)
    assert commands(pod, "wrapup_done")[0]["attempt_uuid"] == uuid


def test_preview_manual_dial_and_english(new_page, live_server, world, pod):
    page = connected_ready_console(new_page, live_server, world, pod)
    pod.offer_preview(world.agent.id, world.lead2.id)
    page.wait_for_selector("#preview:not([hidden])")
    assert "李四" in page.inner_text("#preview-lead")
    page.click("#btn-preview-skip")
    wait_for(lambda: commands(pod, "preview_skip"))
    assert commands(pod, "preview_skip")[0]["lead_id"] == world.lead2.id
    page.click("#btn-preview-dial")
    wait_for(lambda: commands(pod, "preview_dial"))
    pod.set_state(world.agent.id, "ready")
    page.wait_for_selector("#preview", state="hidden")
    page.fill("#manual-number", "138 0000 1111")
    page.click("#btn-manual")
    wait_for(lambda: commands(pod, "manual_dial"))
    assert commands(pod, "manual_dial")[0]["number"] == "13800001111"

    page.click("#lang-switch")
    page.wait_for_selector("#stream-status[data-ok='true']")
    assert page.inner_text("#state-pill") == "ready"
    assert "Agent console" in page.title()
    assert page.inner_text("#btn-ready") == "Ready"
    shot(page, "console-english")


def test_a_disposition_set_during_the_call_releases_the_agent_when_it_ends(new_page, live_server, world, pod):
    """The pod acts on wrapup_done in wrap-up only: the console tells it again then."""
    page = connected_ready_console(new_page, live_server, world, pod)
    uuid = pod.bridge_call(world.agent.id, world.lead.id)
    page.wait_for_selector(f'#call[data-drawn="{uuid}"]')
    answer_yes_no(page, "interested", yes=False)
    page.locator('[data-question="reason"] input[type="radio"]').nth(0).check()
    page.check('#dispositions input[value="NOT_INTERESTED"]')
    page.click("#btn-dispose")
    page.wait_for_selector("#call", state="hidden")
    wait_for(lambda: commands(pod, "wrapup_done"))
    assert page.inner_text("#state-pill") == "通话中"  # the pod ignored it: the call is still up
    pod.end_call(uuid)
    page.wait_for_selector('#state-pill[data-state="ready"]')
    assert len(commands(pod, "wrapup_done")) >= 2
    assert page.is_hidden("#call")


def test_hang_up_and_book_a_callback_in_the_leads_local_time(new_page, live_server, world, pod, session):
    from campaigns.models import Callback

    page = connected_ready_console(new_page, live_server, world, pod)
    uuid = pod.bridge_call(world.agent.id, world.lead.id)
    page.wait_for_selector(f'#call[data-drawn="{uuid}"]')
    page.click("#btn-hangup")
    page.wait_for_selector('#state-pill[data-state="wrapup"]')
    assert commands(pod, "hangup")
    answer_yes_no(page, "interested", yes=False)
    page.locator('[data-question="reason"] input[type="radio"]').nth(1).check()
    page.click("body")
    page.keyboard.press("2")  # CALLBACK
    page.wait_for_selector("#callback-row:not([hidden])")
    assert "Asia/Shanghai" in page.inner_text("#callback-label")
    local = (datetime.now(ZoneInfo("Asia/Shanghai")) + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    page.fill("#callback-at", local)
    page.click("#btn-dispose")
    page.wait_for_selector('#state-pill[data-state="ready"]')
    page.wait_for_selector(f"#callback-list li:has-text('{local}')")  # the agent's reminder list
    callback = session.scalars(select(Callback)).one()
    assert callback.local_time == local and callback.agent_id == world.agent.id
    assert callback.due_at == datetime.fromisoformat(local).replace(tzinfo=ZoneInfo("Asia/Shanghai"))
