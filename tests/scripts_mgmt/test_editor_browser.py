"""The version editor in headless Chromium: live preview from the server,
the questionnaire drawn by questionnaire.js with its branching, saving."""
from __future__ import annotations

import contextlib
import shutil
import threading

import pytest
from werkzeug.serving import make_server

from scripts_mgmt import service
from scripts_mgmt.models import ScriptVersion
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser
sync_api = pytest.importorskip("playwright.sync_api")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture
def live_url(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(5)


@contextlib.contextmanager
def _context(chromium):
    context = chromium.new_context(locale="zh-CN")
    try:
        yield context
    finally:
        context.close()


def _logged_in(browser, live_url: str, username: str):
    page = browser.new_page()
    page.goto(live_url + "/login")
    page.fill('input[name="username"]', username)
    page.fill('input[name="password"]', PASSWORD)
    page.click('main button[type="submit"]')  # the top bar's language switch is a submit button too
    return page


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed")
def test_editor_preview_and_questionnaire_branching(chromium, live_url, session, users, make_campaign, make_lead, survey):
    campaign = make_campaign()
    make_lead(campaign, {"姓名": "<b>张三</b>"})
    script = service.create_script(session, users["technician"], "话术", campaign.id)
    version_id = script.versions[0].id
    service.update_draft(
        session, script.versions[0], users["technician"], content="您好，**{{姓名}}**", questionnaire=survey
    )
    session.commit()

    with _context(chromium) as browser:
        page = _logged_in(browser, live_url, users["technician"].username)
        page.goto(f"{live_url}/scripts/versions/{version_id}")

        preview = page.locator("#preview")
        sync_api.expect(preview.locator("strong .script-var")).to_have_text("<b>张三</b>")  # shown, not parsed
        assert preview.locator("b").count() == 0
        page.fill("#content", "您好 {{城市}}")
        sync_api.expect(preview.locator(".script-var.missing")).to_have_text("[缺少: 城市]")

        form = page.locator("#q-preview")
        sync_api.expect(form.locator('[data-question="interested"]')).to_be_visible()
        assert form.locator('[data-question="reason"]').count() == 0
        assert form.locator('[data-section="detail"]').count() == 1
        form.locator('[data-question="interested"] label', has_text="否").click()
        sync_api.expect(form.locator('[data-question="reason"]')).to_be_visible()
        assert form.locator('[data-section="detail"]').count() == 0  # "no" ends the questionnaire
        form.locator('[data-question="reason"] label', has_text="其他").click()
        sync_api.expect(form.locator('[data-question="reason_text"]')).to_be_visible()

        page.click("#save")
        sync_api.expect(page.locator("#saved")).to_have_text("已保存。")
    session.expire_all()
    assert session.get(ScriptVersion, version_id).content == "您好 {{城市}}"


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed")
def test_list_pages_create_and_the_scorecard_editor_scores(chromium, live_url, session, users, make_campaign):
    make_campaign()
    with _context(chromium) as browser:
        page = _logged_in(browser, live_url, users["manager"].username)
        page.goto(live_url + "/scripts/")
        page.fill('#new-script input[name="name"]', "新话术")
        page.select_option('#new-script select[name="campaign_id"]', index=1)
        page.click('#new-script button[type="submit"]')
        page.wait_for_url("**/scripts/versions/*")
        sync_api.expect(page.locator("h1")).to_contain_text("新话术 · v1")

        page.goto(live_url + "/scripts/scorecards/")
        page.fill('#new-scorecard input[name="name"]', "FQA 标准")
        page.click('#new-scorecard button[type="submit"]')
        page.wait_for_url("**/scripts/scorecards/versions/*")
        for key, weight, auto_fail in (("greet", "40", False), ("info", "60", False), ("abuse", "0", True)):
            page.click("#add-item")
            row = page.locator("#items tbody tr").last
            row.locator('[name="key"]').fill(key)
            row.locator('[name="label"]').fill(key)
            row.locator('[name="weight"]').fill(weight)
            if auto_fail:
                row.locator('[name="auto_fail"]').check()
        page.click("#save")
        sync_api.expect(page.locator("#score-result")).to_have_text("已保存。")
        page.locator("#items tbody tr").nth(1).locator('[name="mark"]').select_option("0.5")
        page.click("#try-score")
        sync_api.expect(page.locator("#score-result")).to_contain_text("70")
        page.locator("#items tbody tr").nth(2).locator('[name="mark"]').select_option("0")
        page.click("#try-score")
        sync_api.expect(page.locator("#score-result")).to_contain_text("一票否决")
