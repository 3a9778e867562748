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
