"""Import batches from upload to undo: store and inspect the file, preview,
confirm (enqueue), cancel, undo.  Called by the API, the pages and the CLI;
raises `ImportProblem` (a status and a message) for the caller to report."""
from __future__ import annotations

import os
import shutil
import uuid

from campaigns.lists.i18n import Message as _l
from sqlalchemy import delete, exists, select, update
from werkzeug.utils import secure_filename

from campaigns.lists import progress
from campaigns.lists.engine import LEAD_COLUMNS, Hygiene, RowProcessor
from campaigns.lists.importer import hygiene_for, source_info
from campaigns.lists.mapping import MappingError, fit_template, resolve, suggest
from campaigns.lists.normalise import Normaliser, Normalised
from campaigns.lists.reasons import reason_text
from campaigns.lists.sources import SourceError, inspect, rows
from campaigns.lists.writers import load_dnc
from campaigns.models import CallList, Campaign, ColumnMappingTemplate, ImportBatch, Lead, LeadStatus
from core import audit
from core.clock import utcnow
from dialer.models import CallAttempt

PREVIEW_ROWS = 20
OPTION_KEYS = ("dedup_file", "dedup_list", "dedup_campaign")
TERMINAL = ("done", "failed", "cancelled", "undone")


class ImportProblem(Exception):
    def __init__(self, status: int, message, field: str = "_schema"):
        super().__init__(str(message))
        self.status, self.message, self.field = status, message, field


def get_batch(session, batch_id: int) -> ImportBatch:
    batch = session.get(ImportBatch, batch_id)
    if batch is None:
        raise ImportProblem(404, _l("Import batch not found."))
    return batch


def resolve_list(session, campaign_id: int, list_id: int | None, list_name: str | None, user_id) -> CallList:
    campaign = session.get(Campaign, campaign_id)
    if campaign is None:
        raise ImportProblem(404, _l("Campaign not found."), "campaign_id")
    if list_id is not None:
        call_list = session.get(CallList, list_id)
        if call_list is None or call_list.campaign_id != campaign_id:
            raise ImportProblem(422, _l("That list does not belong to this campaign."), "list_id")
        return call_list
    if not list_name:
        raise ImportProblem(422, _l("Choose a list or name a new one."), "list_id")
    call_list = CallList(campaign_id=campaign_id, name=list_name[:200], created_by=user_id)
    session.add(call_list)
    session.flush()
    return call_list


def store_upload(instance_path: str, filename: str, save) -> str:
    """Keep the uploaded file under the instance folder; `save(path)` writes it."""
    folder = os.path.join(instance_path, "imports", uuid.uuid4().hex)
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, secure_filename(filename) or "upload")
    save(path)
    return path


def discard_file(path: str | None) -> None:
    """Remove an upload's folder (only folders `store_upload` made: <instance>/imports/<token>/)."""
    if path and os.path.basename(os.path.dirname(os.path.dirname(path))) == "imports":
        shutil.rmtree(os.path.dirname(path), ignore_errors=True)


def create_batch(session, *, path: str, filename: str, campaign_id: int, list_id: int | None = None,
                 list_name: str | None = None, user_id: int | None = None, encoding: str | None = None,
                 sheet: str | None = None, has_header: bool | None = None,
                 template_id: int | None = None) -> ImportBatch:
    """Inspect a stored upload and make a pending batch with a suggested mapping.
    The file is removed again if it cannot be imported."""
    try:
        call_list = resolve_list(session, campaign_id, list_id, list_name, user_id)
        info = inspect(path, filename, encoding=encoding, sheet=sheet, has_header=has_header)
    except SourceError as exc:
        discard_file(path)
        raise ImportProblem(422, exc.message, "file") from None
    except ImportProblem:
        discard_file(path)
        raise
    campaign = session.get(Campaign, campaign_id)
    sample = [cells for _, cells in rows(path, info, limit=PREVIEW_ROWS) if cells is not None]
    if template_id is not None:
        template = session.get(ColumnMappingTemplate, template_id)
        if template is None:
            discard_file(path)
            raise ImportProblem(404, _l("Mapping template not found."), "template_id")
        mapping = fit_template(template.mapping, info.header)
    else:
        normaliser = Normaliser(campaign.default_region)
        mapping = suggest(info.header, sample, lambda v: not isinstance(normaliser.normalise(v or ""), str))
    batch = ImportBatch(
        list_id=call_list.id, campaign_id=campaign_id, filename=filename[:255], stored_path=path,
        file_kind=info.kind, encoding=info.encoding, sheet=info.sheet, mapping=mapping, status="pending",
        options={"dedup_file": True, "dedup_list": True, "dedup_campaign": True,
                 "source": {"delimiter": info.delimiter, "has_header": info.has_header, "header": info.header,
                            "rows_estimate": info.rows_estimate, "sheets": info.sheets}},
        rows_total=max(0, info.rows_estimate - (1 if info.has_header else 0)), created_by=user_id,
    )
    session.add(batch)
    session.flush()
    audit.record(session, user_id, "lists.upload", "import_batch", batch.id, None,
                 {"filename": filename, "encoding": info.encoding, "kind": info.kind, "list_id": call_list.id})
    return batch


def merged_options(batch: ImportBatch, options: dict | None) -> dict:
    out = dict(batch.options)
    for key in OPTION_KEYS:
        if options and key in options:
            out[key] = bool(options[key])
    return out


def preview(session, batch: ImportBatch, mapping: dict | None = None, options: dict | None = None) -> list[dict]:
    """The first rows as they would be imported, with reasons for rejects.
    Nothing is written."""
    if batch.stored_path is None or not os.path.exists(batch.stored_path):
        raise ImportProblem(409, _l("The uploaded file is no longer available."))
    info = source_info(batch)
    mapping = mapping if mapping is not None else batch.mapping
    try:
        resolved = resolve(mapping, info.header)
    except MappingError as exc:
        raise ImportProblem(422, str(exc), "mapping") from None
    campaign = session.get(Campaign, batch.campaign_id)
    normaliser = Normaliser(campaign.default_region)
    try:
        sample = list(rows(batch.stored_path, info, limit=PREVIEW_ROWS))
    except UnicodeDecodeError:
        raise ImportProblem(422, _l("The file is not valid %(enc)s text. Choose another encoding.",
                                    enc=batch.encoding), "encoding") from None
    hygiene = hygiene_for(merged_options(batch, options))
    _preview_hygiene(session, hygiene, normaliser, resolved.phone, sample, batch)
    processor = RowProcessor(normaliser, resolved, hygiene)
    out = []
    for rownum, cells in sample:
        leads, rejects = processor.process([(rownum, cells)])
        if leads:
            lead = dict(zip(LEAD_COLUMNS, leads[0]))
            out.append({"row": rownum, "cells": cells, "status": "accepted", "phone_e164": lead["phone_e164"],
                        "alt_phones": _json(lead["alt_phones"]), "number_type": lead["number_type"],
                        "region_code": lead["region_code"], "geo": lead["geo"], "timezone": lead["timezone"],
                        "name": lead["name"], "fields": _json(lead["fields"])})
        else:
            _, reason, detail, _raw = rejects[0]
            out.append({"row": rownum, "cells": cells or [], "status": "rejected", "reason": reason,
                        "reason_text": reason_text(reason), "detail": detail})
    return out


def _json(value: str):
    import json

    return json.loads(value)


def _preview_hygiene(session, hygiene: Hygiene, normaliser, phone_idx, sample, batch) -> None:
    """Only the preview's own numbers are looked up, not the whole campaign."""
    numbers = set()
    for _, cells in sample:
        for i in phone_idx:
            if cells is not None and i < len(cells):
                res = normaliser.normalise(cells[i])
                if isinstance(res, Normalised):
                    numbers.add(res.e164)
    if not numbers:
        return
    for phone, lid in session.execute(
        select(Lead.phone_e164, Lead.list_id).where(Lead.campaign_id == batch.campaign_id,
                                                    Lead.phone_e164.in_(numbers))
    ):
        (hygiene.in_list if lid == batch.list_id else hygiene.in_campaign).add(int(phone[1:]))
    dnc = load_dnc(session.connection(), batch.campaign_id)
    hygiene.dnc.update({k: v for k, v in dnc.items() if f"+{k}" in numbers})


def confirm(session, batch: ImportBatch, mapping: dict, options: dict | None, user_id,
            save_template_as: str | None = None) -> ImportBatch:
    """Fix the mapping and options and mark the batch queued (the caller enqueues it after commit)."""
    if batch.status != "pending":
        raise ImportProblem(409, _l("This import was already confirmed (it is %(status)s).", status=batch.status))
    info = source_info(batch)
    try:
        resolve(mapping, info.header)
    except MappingError as exc:
        raise ImportProblem(422, str(exc), "mapping") from None
    if save_template_as:
        if session.scalar(select(ColumnMappingTemplate).where(ColumnMappingTemplate.name == save_template_as)):
            raise ImportProblem(409, _l("A mapping template with that name exists."), "save_template_as")
        session.add(ColumnMappingTemplate(name=save_template_as, mapping=mapping, created_by=user_id))
    batch.mapping = mapping
    batch.options = merged_options(batch, options)
    batch.status = "queued"
    audit.record(session, user_id, "lists.confirm", "import_batch", batch.id, None,
                 {"mapping": mapping, "options": {k: batch.options.get(k) for k in OPTION_KEYS}})
    return batch


def enqueue(queue, batch: ImportBatch) -> str:
    job = queue.enqueue("campaigns.lists.jobs.import_job", batch.id, job_id=f"import-{batch.id}-{uuid.uuid4().hex[:8]}",
                        job_timeout=3 * 3600, result_ttl=24 * 3600, failure_ttl=7 * 24 * 3600)
    return job.id


def cancel(session, batch: ImportBatch, user_id, redis_client) -> str:
    """Cancel a batch: at once if it has not started, else ask the running job
    to roll back.  Returns the batch's state after the request."""
    if batch.status in TERMINAL:
        raise ImportProblem(409, _l("This import has already finished (%(status)s).", status=batch.status))
    changed = session.execute(
        update(ImportBatch).where(ImportBatch.id == batch.id, ImportBatch.status.in_(("pending", "queued")))
        .values(status="cancelled", finished_at=utcnow())
    ).rowcount
    progress.request_cancel(redis_client, batch.id)
    audit.record(session, user_id, "lists.cancel", "import_batch", batch.id, None, {"was": batch.status})
    if changed:
        session.refresh(batch)
        progress.publish(redis_client, batch.id, state="cancelled")
        return "cancelled"
    return "cancelling"


def undo(session, batch: ImportBatch, user_id, redis_client=None, reason: str | None = None) -> dict:
    """Remove the batch's leads that were never dialled; keep and report the others."""
    if batch.status != "done":
        raise ImportProblem(409, _l("Only a finished import can be undone (this one is %(status)s).",
                                    status=batch.status))
    dialled = (Lead.attempt_count > 0) | exists().where(CallAttempt.lead_id == Lead.id)
    kept_ids = list(session.scalars(select(Lead.id).where(Lead.batch_id == batch.id, dialled).order_by(Lead.id)))
    queued = session.execute(
        select(Lead.phone_e164).where(Lead.batch_id == batch.id, Lead.status == LeadStatus.QUEUED, ~dialled)
    ).scalars().all()
    removed = session.execute(delete(Lead).where(Lead.batch_id == batch.id, ~dialled)).rowcount
    batch.status = "undone"
    batch.undone_at = utcnow()
    batch.undone_by = user_id
    summary = {"removed": removed, "kept": len(kept_ids), "kept_lead_ids": kept_ids[:1000]}
    batch.options = {**batch.options, "undo": summary}
    audit.record(session, user_id, "lists.undo", "import_batch", batch.id, reason,
                 {"removed": removed, "kept": len(kept_ids)})
    session.flush()
    if redis_client is not None and queued:
        _purge_from_hopper(redis_client, queued, batch.campaign_id)
    return summary


def _purge_from_hopper(redis_client, numbers, campaign_id) -> None:
    try:
        from dialer.hopper import purge_number
    except ImportError:  # pragma: no cover - the hopper ships with the dialer
        return
    for phone in set(numbers):
        purge_number(redis_client, phone, campaign_id)


def reconcile_with_job(session, batch: ImportBatch, rq_connection) -> bool:
    """A batch still "queued"/"running" whose RQ job has died (worker killed,
    timeout, Redis lost) is marked failed; its transaction never committed,
    so nothing of it was imported.  Returns True if the batch changed."""
    if batch.status not in ("queued", "running") or not batch.job_id:
        return False
    from rq.exceptions import NoSuchJobError
    from rq.job import Job, JobStatus

    try:
        state = Job.fetch(batch.job_id, connection=rq_connection).get_status()
    except NoSuchJobError:
        state = None
    if state not in (None, JobStatus.FAILED, JobStatus.STOPPED, JobStatus.CANCELED):
        return False
    changed = session.execute(
        update(ImportBatch).where(ImportBatch.id == batch.id, ImportBatch.status == batch.status)
        .values(status="failed", finished_at=utcnow(),
                error="The import worker stopped before the end; nothing of this file was imported.")
    ).rowcount
    if changed:
        audit.record(session, None, "lists.import_failed", "import_batch", batch.id, "worker stopped",
                     {"job_status": str(state)})
        session.refresh(batch)
    return bool(changed)


def status(batch: ImportBatch, redis_client, now) -> dict:
    """The batch with live progress (Redis while running) and time left."""
    live = progress.read(redis_client, batch.id) if batch.status in ("queued", "running") else {}
    rows_done = int(live.get("rows_done", batch.rows_done or 0))
    rows_total = int(live.get("rows_total", batch.rows_total or 0)) or None
    accepted = int(live.get("accepted", batch.accepted or 0))
    rejected = int(live.get("rejected", batch.rejected or 0))
    state = batch.status
    if state == "running" and progress.cancel_requested(redis_client, batch.id):
        state = "cancelling"
    return {
        "id": batch.id, "campaign_id": batch.campaign_id, "list_id": batch.list_id, "filename": batch.filename,
        "file_kind": batch.file_kind, "encoding": batch.encoding, "sheet": batch.sheet,
        "sheets": (batch.options.get("source") or {}).get("sheets", []),
        "header": (batch.options.get("source") or {}).get("header", []),
        "status": state, "rows_done": rows_done, "rows_total": rows_total, "accepted": accepted,
        "rejected": rejected, "reject_summary": batch.reject_summary or {},
        "reject_reasons": {k: reason_text(k) for k in (batch.reject_summary or {})},
        "mapping": batch.mapping, "options": {k: batch.options.get(k, True) for k in OPTION_KEYS},
        "error": batch.error, "created_at": batch.created_at, "started_at": batch.started_at,
        "finished_at": batch.finished_at, "undone_at": batch.undone_at,
        "undo": batch.options.get("undo"),
        "seconds_left": progress.eta_seconds(rows_done, rows_total, batch.started_at, now)
        if state == "running" else None,
    }
