"""The nightly report's slot is REPORT_CRON in the centre's zone, claimed once."""
from __future__ import annotations

from datetime import date, datetime, timezone

from reports.jobs import run_scheduled_reports
from reports.schedule import due_slot, report_day


def test_slot_in_centre_time():
    # 00:30 in Shanghai is 16:30 UTC the day before.
    slot = due_slot("30 0 * * *", "Asia/Shanghai", datetime(2026, 11, 20, 16, 31, tzinfo=timezone.utc))
    assert slot.isoformat() == "2026-11-21T00:30:00+08:00" and report_day(slot) == date(2026, 11, 20)
    # A minute before it, the last slot was 24 h ago: past the catch-up window.
    assert due_slot("30 0 * * *", "Asia/Shanghai", datetime(2026, 11, 20, 16, 29, tzinfo=timezone.utc)) is None
    exact = due_slot("30 0 * * *", "Asia/Shanghai", datetime(2026, 11, 20, 16, 30, tzinfo=timezone.utc))
    assert exact.isoformat() == "2026-11-21T00:30:00+08:00"
    # Far from any slot (more than the catch-up window): nothing due.
    assert due_slot("30 0 * * *", "Asia/Shanghai", datetime(2026, 11, 21, 2, 0, tzinfo=timezone.utc)) is None


def test_tick_enqueues_once_per_slot(app, monkeypatch, redis_client):
    from core.redis_conn import app_queue

    monkeypatch.setenv("REPORT_CRON", "30 0 * * *")
    monkeypatch.setenv("CENTRE_TIMEZONE", "Asia/Shanghai")
    now = datetime(2026, 11, 20, 16, 40, tzinfo=timezone.utc)
    assert run_scheduled_reports(now) == "2026-11-20"
    assert run_scheduled_reports(now) is None  # another scheduler's tick: already claimed
    assert app_queue("reports").count == 1
    assert run_scheduled_reports(datetime(2026, 11, 21, 2, 0, tzinfo=timezone.utc)) is None
