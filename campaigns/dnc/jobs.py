"""The RQ job that bulk-imports a DNC file (queue "imports").

A registry file can hold millions of numbers: normalising and inserting them
takes longer than a web request may.  The API stores the upload, checks that
it is a readable table, and enqueues this job; the page polls
`GET /api/v1/dnc/imports/<job_id>`.  The numbers go in one transaction, so a
refused file or a killed worker adds nothing; a refused file is an answer
(the job's result carries the error), not a failure RQ would retry.
"""
from __future__ import annotations

import os
import shutil

from rq import get_current_job

from campaigns.dnc import service
from core.db import db
from core.jobs import _configure_from_env
from core.redis_conn import get_redis

JOB_KIND = "dnc_import"


def dnc_import_job(path: str, filename: str, scope: str, campaign_id: int | None, user_id: int | None,
                   registry_name: str | None = None, reason: str | None = None,
                   encoding: str | None = None) -> dict:
    """Add the file's numbers; returns the counts (see DncImportResultSchema) or
    {"errors": {field: [message]}} when the file is refused."""
    _configure_from_env()
    # A forked work horse inherits the parent's pooled connections: a fresh pool.
    db.engine.dispose(close=False)
    try:
        with db.transaction() as session:
            target = service.scope_for(session, scope, campaign_id)
            summary = service.bulk_import(session, path, filename, target, user_id, registry_name, reason,
                                          encoding)
    except service.DncProblem as exc:
        return {"errors": {exc.field: [str(exc.message)]}}
    finally:
        shutil.rmtree(os.path.dirname(path), ignore_errors=True)
    numbers = summary.pop("numbers")
    summary["removed_from_hoppers"] = service.announce_added(
        _redis(), numbers, target.campaign_id, {"scope": target.value, "registry_name": registry_name})
    return summary


def _redis():
    """The app's Redis: the one `flask worker` exports, else the worker's own
    connection (the numbers must leave the hoppers, so never none)."""
    url = os.environ.get("REDIS_URL")
    if url:
        return get_redis(url)
    job = get_current_job()
    if job is None:
        raise RuntimeError("REDIS_URL is not set and this is not running in an RQ worker")
    return job.connection
