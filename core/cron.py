"""Periodic jobs, as data, for `rq cron` (started by `flask worker`)."""
from __future__ import annotations

# (queue, function path, cron expression or interval seconds, kwargs)
PERIODIC_JOBS: list[dict] = []

# Recordings and reports.  rq cron reads these expressions in the worker's
# local time zone; the daily report's own time (REPORT_CRON) is evaluated in
# the centre's TIMEZONE by the job it ticks every minute (reports/schedule.py).
PERIODIC_JOBS += [
    {"queue": "reports", "func": "reports.jobs.run_scheduled_reports", "cron": "* * * * *"},
    {"queue": "recordings", "func": "recordings.jobs.sweep_recordings", "cron": "0 2 * * *"},
    {"queue": "recordings", "func": "recordings.jobs.purge_recordings", "cron": "30 3 * * *"},
    {"queue": "recordings", "func": "recordings.jobs.build_daily_bundles", "cron": "0 5 * * *"},
    # call-list uploads never confirmed for import (and interrupted uploads) after 48 h
    {"queue": "imports", "func": "campaigns.lists.jobs.expire_unconfirmed_uploads", "cron": "15 4 * * *"},
]


def _resolve(path: str):
    import importlib

    module, _, name = path.rpartition(".")
    return getattr(importlib.import_module(module), name)


def register(cron) -> None:
    """Called by the cron launcher with an rq.cron.CronScheduler."""
    for job in PERIODIC_JOBS:
        cron.register(
            _resolve(job["func"]),
            queue_name=job["queue"],
            interval=job.get("interval"),
            cron=job.get("cron"),
            kwargs=job.get("kwargs") or {},
        )
