"""The import and DNC pages in a real browser (Chromium through Playwright):
upload → preview with mapping → confirm → progress → summary → undo."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from campaigns.models import DncEntry, Lead
from tests.browser.conftest import live_server, login, new_page  # noqa: F401  (fixtures)
from tests.campaigns.lists.test_import_api import run_worker

pytestmark = pytest.mark.browser


def test_import_page_end_to_end(app, session, users, campaign_list, samples, live_server, new_page):  # noqa: F811
    campaign, call_list = campaign_list
    page = new_page()
    login(page, live_server, users["technician"].username)
    page.goto(f"{live_server}/lists/import")
    page.select_option("#campaign", str(campaign.id))
    page.wait_for_selector(f'#list option[value="{call_list.id}"]', state="attached")
    page.select_option("#list", str(call_list.id))
    page.set_input_files("#file", str(samples / "cn_small_utf8.csv"))
    page.click('#upload-form button[type="submit"]')
    page.wait_for_selector("#step-map:not(.hidden)")
    assert page.locator("#preview tbody tr").count() == 20
    assert page.locator('#mapping select[data-col="手机号码"]').input_value() == "phone"
    # make 城市 a field named city, then refresh the preview
    row = page.locator("#mapping tbody tr", has_text="城市")
    row.locator("input").fill("city")
    page.click("#refresh-preview")
    page.click("#confirm")
    page.wait_for_selector("#step-progress:not(.hidden), #step-summary:not(.hidden)")
    run_worker(app)
    page.wait_for_selector("#step-summary:not(.hidden)")
    accepted = session.scalar(select(func.count()).select_from(Lead))
    assert accepted > 0
    assert f"接收 {accepted} 行" in page.inner_text("#summary-text")
    lead = session.scalars(select(Lead)).first()
    assert "city" in lead.fields
    assert page.get_attribute("#dl-csv", "href").endswith("/rejects?format=csv")
    page.on("dialog", lambda dialog: dialog.accept())
    page.click("#undo")
    page.wait_for_function("document.getElementById('undo-text').textContent.length > 0")
    assert session.scalar(select(func.count()).select_from(Lead)) == 0


def test_dnc_page_add_and_remove(app, session, users, live_server, new_page):  # noqa: F811
    page = new_page()
    login(page, live_server, users["manager"].username)
    page.goto(f"{live_server}/dnc/")
    page.fill('#add-form input[name="phone"]', "138 0013 8000")
    page.fill('#add-form input[name="reason"]', "客户投诉")
    page.click('#add-form button[type="submit"]')
    page.wait_for_selector("#entries tbody tr")
    assert "+8613800138000" in page.inner_text("#entries")
    assert session.scalar(select(func.count()).select_from(DncEntry)) == 1
    page.on("dialog", lambda dialog: dialog.accept("录入错误"))
    page.click("#entries tbody tr button")
    page.wait_for_function("document.querySelectorAll('#entries tbody tr').length === 0")
    assert session.scalar(select(func.count()).select_from(DncEntry)) == 0


def test_dnc_page_bulk_import_waits_for_the_job(app, session, users, live_server, new_page, tmp_path):  # noqa: F811
    """The page posts the file, shows the job queued, and reports the counts
    once a worker has run it; a refused file shows its reason."""
    numbers = tmp_path / "registry.txt"
    numbers.write_text("13800138000\n13900139000\n不是号码\n", encoding="utf-8")
    page = new_page()
    login(page, live_server, users["manager"].username)
    page.goto(f"{live_server}/dnc/")
    page.set_input_files('#import-form input[name="file"]', str(numbers))
    page.fill('#import-form input[name="registry_name"]', "工信部")
    page.click('#import-form button[type="submit"]')
    page.wait_for_selector('#import-result[data-status="queued"]')
    assert page.is_disabled('#import-form button[type="submit"]')
    run_worker(app)
    page.wait_for_selector('#import-result[data-status="finished"]')
    assert page.inner_text("#import-result").startswith("新增 2 个") and "无效 1 个" in page.inner_text("#import-result")
    page.wait_for_function("document.querySelectorAll('#entries tbody tr').length === 2")
    assert session.scalar(select(func.count()).select_from(DncEntry)) == 2

    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    page.set_input_files('#import-form input[name="file"]', str(empty))
    page.click('#import-form button[type="submit"]')
    page.wait_for_selector("#import-result.error")
    assert page.inner_text("#import-result")
    assert not page.is_disabled('#import-form button[type="submit"]')
