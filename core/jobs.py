"""Core background jobs and the periodic-job table read by `rq cron`."""
from __future__ import annotations

import json
import os

from sqlalchemy import func, select

from core.clock import utcnow
from core.db import db


def _configure_from_env() -> None:
    # Jobs run in worker processes: bind the session factory from the same
    # settings the web app uses (the worker exports them).
    if db.engine is None:
        from config import load_config

        db.configure(load_config().DATABASE_URL)


def lead_status_counts(campaign_id: int) -> dict:
    """Count a campaign's leads by status and publish the figures in Redis
    (`campaign:<id>:lead_counts`) for the wallboard; returns them."""
    from campaigns.models import Lead
    from core.redis_conn import get_redis

    _configure_from_env()
    with db.transaction() as session:
        rows = session.execute(
            select(Lead.status, func.count()).where(Lead.campaign_id == campaign_id).group_by(Lead.status)
        ).all()
    counts = {status.value: n for status, n in rows}
    counts["total"] = sum(n for _, n in rows)
    url = os.environ.get("REDIS_URL")
    if url:
        get_redis(url).set(
            f"campaign:{campaign_id}:lead_counts", json.dumps({"at": utcnow().isoformat(), **counts}), ex=3600
        )
    return counts
