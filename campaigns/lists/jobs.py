"""The RQ job that runs an import batch (queue "imports")."""
from __future__ import annotations

import os

from campaigns.lists.importer import run_batch
from campaigns.lists.service import discard_file
from core.db import db
from core.jobs import _configure_from_env
from core.redis_conn import get_redis


def import_job(batch_id: int) -> dict:
    _configure_from_env()
    # A forked work horse inherits the parent's pooled connections; using them
    # from two processes corrupts both, so this process starts its own pool.
    db.engine.dispose(close=False)
    url = os.environ.get("REDIS_URL")
    client = get_redis(url) if url else None
    try:
        return run_batch(batch_id, client)
    finally:
        _discard_if_finished(batch_id)


def _discard_if_finished(batch_id: int) -> None:
    # The upload is only needed until the batch ends; its rejects are in the database.
    from campaigns.models import ImportBatch

    with db.transaction() as s:
        batch = s.get(ImportBatch, batch_id)
        if batch is not None and batch.status in ("done", "failed", "cancelled"):
            discard_file(batch.stored_path)


def expire_unconfirmed_uploads(max_age_hours: float = 48.0) -> dict:
    """Nightly: uploads never confirmed for import are cancelled and their files
    removed; folders under <instance>/imports that no batch references (an upload
    interrupted before its batch was made) go too. Nothing a running, finished or
    undoable batch needs is touched."""
    import shutil
    import time
    from datetime import timedelta

    from sqlalchemy import select

    from campaigns.models import ImportBatch
    from config import load_config
    from core import audit
    from core.clock import utcnow

    _configure_from_env()
    cutoff = utcnow() - timedelta(hours=max_age_hours)
    expired = 0
    with db.transaction() as s:
        for batch in s.scalars(select(ImportBatch).where(ImportBatch.status == "pending",
                                                         ImportBatch.created_at < cutoff)):
            discard_file(batch.stored_path)
            batch.status, batch.stored_path = "cancelled", None
            audit.record(s, None, "lists.upload_expired", "import_batch", batch.id, None,
                         {"filename": batch.filename, "max_age_hours": max_age_hours})
            expired += 1
        referenced = {os.path.realpath(os.path.dirname(p)) for p in s.scalars(
            select(ImportBatch.stored_path).where(ImportBatch.stored_path.is_not(None)))}
    try:
        from flask import current_app
        instance = current_app.instance_path
    except RuntimeError:             # a worker outside an app context reads the same settings
        instance = load_config().INSTANCE_PATH
    root = os.path.join(instance, "imports")
    orphans = 0
    if os.path.isdir(root):
        too_old = time.time() - max_age_hours * 3600
        for entry in os.scandir(root):
            if (entry.is_dir() and os.path.realpath(entry.path) not in referenced
                    and entry.stat().st_mtime < too_old):
                shutil.rmtree(entry.path, ignore_errors=True)
                orphans += 1
    return {"expired_batches": expired, "orphan_folders": orphans}
