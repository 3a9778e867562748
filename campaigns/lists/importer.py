"""Running one import batch end to end: read, normalise, dedup, DNC-scrub and
insert every row of the file.

All of a batch's leads and rejects are written in ONE database transaction,
committed together with the batch's final status.  That is the rule that
keeps the dialer from ever seeing half a batch: until the commit no other
connection can see any of the batch's leads (whatever query the hopper refill
uses), a cancel or a crash rolls everything back, and undo has exactly one
set of rows to consider.  A million rows in one transaction is fine on both
databases (PostgreSQL keeps them in the heap, SQLite in its WAL).  The cost
on SQLite is that the import holds the single writer lock while it runs
(≈20 s per million rows), so other writers wait (busy_timeout is 30 s).
Live progress goes to Redis, not to the batch row, for the same reason.

Reading and row logic run in a forked producer process for big files while
this process writes, so an import uses two cores (see `pipeline`).
"""
from __future__ import annotations

import logging
import os
from itertools import islice

from sqlalchemy.orm import Session

from campaigns.lists import pipeline, progress
from campaigns.lists.engine import Hygiene, RowProcessor
from campaigns.lists.mapping import resolve
from campaigns.lists.normalise import Normaliser
from campaigns.lists.sources import SourceError, SourceInfo, rows
from campaigns.lists.writers import BulkWriter
from campaigns.models import Campaign, ImportBatch
from core import audit
from core.clock import utcnow
from core.db import db

log = logging.getLogger(__name__)
CHUNK = 5000
PARALLEL_MIN_ROWS = 50_000  # below this, forking a producer costs more than it saves


class ImportCancelled(Exception):
    pass


def source_info(batch: ImportBatch) -> SourceInfo:
    src = dict(batch.options.get("source") or {})
    return SourceInfo(kind=batch.file_kind, encoding=batch.encoding, sheet=batch.sheet,
                      delimiter=src.get("delimiter", ","), has_header=src.get("has_header", True),
                      header=src.get("header", []), rows_estimate=src.get("rows_estimate", 0),
                      sheets=src.get("sheets", []))


def hygiene_for(options: dict) -> Hygiene:
    return Hygiene(dedup_file=options.get("dedup_file", True), dedup_list=options.get("dedup_list", True),
                   dedup_campaign=options.get("dedup_campaign", True))


def run_batch(batch_id: int, redis_client=None, chunk: int = CHUNK, parallel: bool | None = None) -> dict:
    """Import a queued batch; returns its summary.  Safe to call twice: only a
    batch in state "queued" is run."""
    now = utcnow()
    with db.transaction() as s:
        batch = s.get(ImportBatch, batch_id)
        if batch is None or batch.status != "queued":
            return {"status": batch.status if batch else "missing"}
        info = source_info(batch)
        estimate = max(0, info.rows_estimate - (1 if info.has_header else 0))
        batch.status, batch.started_at, batch.rows_total, batch.rows_done = "running", now, estimate, 0
        campaign = s.get(Campaign, batch.campaign_id)
        region = campaign.default_region if campaign else "CN"
        path, mapping, options = batch.stored_path, dict(batch.mapping), dict(batch.options)
        list_id, campaign_id, actor = batch.list_id, batch.campaign_id, batch.created_by
    progress.publish(redis_client, batch_id, state="running", rows_done=0, rows_total=estimate,
                     accepted=0, rejected=0, started_at=now.isoformat())
    try:
        tally = _import(batch_id, path, info, mapping, options, region, campaign_id, list_id, actor,
                        estimate, redis_client, chunk, parallel)
    except ImportCancelled:
        _finish_unsuccessfully(batch_id, "cancelled", None, actor)
        progress.publish(redis_client, batch_id, state="cancelled")
        return {"status": "cancelled"}
    except SourceError as exc:
        _finish_unsuccessfully(batch_id, "failed", str(exc.message), actor)
        progress.publish(redis_client, batch_id, state="failed", error=str(exc.message))
        return {"status": "failed", "error": str(exc.message)}
    except Exception as exc:
        log.exception("import batch %s failed", batch_id)
        message = f"{exc.__class__.__name__}: {exc}"[:500]
        _finish_unsuccessfully(batch_id, "failed", message, actor)
        progress.publish(redis_client, batch_id, state="failed", error=message)
        raise
    progress.publish(redis_client, batch_id, state="done", rows_done=tally["rows"], rows_total=tally["rows"],
                     accepted=tally["accepted"], rejected=tally["rejected"])
    return {"status": "done", **tally}


def _import(batch_id, path, info, mapping, options, region, campaign_id, list_id, actor, estimate,
            redis_client, chunk, parallel) -> dict:
    resolved = resolve(mapping, info.header)
    with db.engine.connect() as conn:
        writer = BulkWriter(conn, campaign_id, list_id, batch_id, utcnow())
        writer.tune()
        try:
            return _import_in_transaction(conn, writer, batch_id, path, info, resolved, options, region, list_id,
                                          actor, estimate, redis_client, chunk, parallel)
        finally:
            writer.untune()


def _import_in_transaction(conn, writer, batch_id, path, info, resolved, options, region, list_id, actor,
                           estimate, redis_client, chunk, parallel) -> dict:
    with conn.begin():
        writer.lock_campaign()
        hygiene = hygiene_for(options)
        writer.load_hygiene(hygiene)
        processor = RowProcessor(Normaliser(region), resolved, hygiene)

        def produce():
            source = rows(path, info)
            while True:
                block = list(islice(source, chunk))
                if not block:
                    return
                leads, rejects = processor.process(block)
                yield writer.encode(leads, rejects), processor.tally.as_dict()

        if parallel is None:
            parallel = estimate >= PARALLEL_MIN_ROWS and (os.cpu_count() or 1) >= 2
        blocks = pipeline.forked(produce) if parallel and pipeline.can_fork() else pipeline.inline(produce)
        tally = {"rows": 0, "accepted": 0, "rejected": 0, "by_reason": {}}
        try:
            for payload, tally in blocks:
                writer.write(payload)
                if progress.cancel_requested(redis_client, batch_id):
                    raise ImportCancelled()
                progress.publish(redis_client, batch_id, rows_done=tally["rows"], accepted=tally["accepted"],
                                 rejected=tally["rejected"], rows_total=max(estimate, tally["rows"]))
        except pipeline.ProducerFailed as exc:
            if exc.kind == "decode":
                raise SourceError("wrong_encoding", _wrong_encoding(info.encoding, exc.row)) from None
            raise RuntimeError(exc.text) from None
        finally:
            blocks.close()
        session = Session(bind=conn)
        batch = session.get(ImportBatch, batch_id)
        batch.status = "done"
        batch.rows_done = batch.rows_total = tally["rows"]
        batch.accepted, batch.rejected = tally["accepted"], tally["rejected"]
        batch.reject_summary = tally["by_reason"]
        batch.finished_at = utcnow()
        audit.record(session, actor, "lists.import", "import_batch", batch_id, None,
                     {"accepted": tally["accepted"], "rejected": tally["rejected"],
                      "by_reason": tally["by_reason"], "list_id": list_id})
        session.flush()
        session.close()
    return tally


def _wrong_encoding(encoding, row):
    from campaigns.lists.i18n import Message as _l

    return _l("The file is not valid %(enc)s text (near row %(row)d). Choose another encoding.",
              enc=encoding or "?", row=row)


def _finish_unsuccessfully(batch_id: int, status: str, error: str | None, actor) -> None:
    with db.transaction() as s:
        batch = s.get(ImportBatch, batch_id)
        if batch is None:
            return
        batch.status = status
        batch.error = error
        batch.finished_at = utcnow()
        audit.record(s, actor, f"lists.import_{status}", "import_batch", batch_id, error, {})
