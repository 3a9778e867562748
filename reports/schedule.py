"""When the nightly report is due.  Pure.

`rq cron` evaluates cron expressions in the worker's own local time zone
(rq.cron uses `datetime.astimezone()`), which on servers is usually UTC, not
the centre's.  So RQ's cron only ticks `reports.jobs.run_scheduled_reports`
every minute, and this module decides, in the centre's TIMEZONE, whether a
slot of REPORT_CRON has come: the report time means the same wall-clock time
wherever the worker runs.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from croniter import croniter

DEFAULT_CRON = "30 0 * * *"
CATCH_UP = timedelta(hours=6)  # a scheduler down at the slot still runs it when back within this


def valid(expr: str) -> bool:
    return croniter.is_valid(expr)


def due_slot(expr: str, tz: str, now: datetime, catch_up: timedelta = CATCH_UP) -> datetime | None:
    """The latest slot at or before `now` if it is at most `catch_up` old (aware, in `tz`)."""
    local_now = now.astimezone(ZoneInfo(tz))
    previous = croniter(expr, local_now + timedelta(seconds=1)).get_prev(datetime)
    return previous if now - previous <= catch_up else None


def report_day(slot: datetime) -> date:
    """A slot compiles the day before its own local date (00:30 on the 21st → the 20th)."""
    return slot.date() - timedelta(days=1)
