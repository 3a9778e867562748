"""Periodic jobs, as data, for `rq cron` (started by `flask worker`)."""
from __future__ import annotations

# (queue, function path, cron expression or interval seconds, kwargs)
PERIODIC_JOBS: list[dict] = []


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
