"""REST API for do-not-call lists: add, remove, search, bulk import, export."""
from __future__ import annotations

import os
import shutil
import tempfile
import uuid

from flask import Response, current_app, request
from flask_babel import gettext as _

from campaigns.dnc import service
from campaigns.dnc.jobs import JOB_KIND, dnc_import_job
from campaigns.dnc.schemas import (
    DncAddSchema,
    DncEntrySchema,
    DncExportQuerySchema,
    DncImportFormSchema,
    DncImportJobSchema,
    DncPageSchema,
    DncRemoveSchema,
    DncSearchSchema,
)
from campaigns.lists.rejects import csv_chunks
from campaigns.models import DncEntry
from core.api.blueprint import ApiBlueprint
from core.api.errors import ApiError, not_found
from core.auth.access import current_user
from core.db import db
from core.models import Role
from core.redis_conn import app_queue, app_redis

bp = ApiBlueprint("dnc_api", __name__, tag="do not call", url_prefix="/dnc")
DNC_ROLES = (Role.TECHNICIAN, Role.MANAGER)


def _problem(exc: service.DncProblem) -> ApiError:
    return ApiError(exc.status, str(exc.message), exc.field)


@bp.endpoint("/entries", roles=DNC_ROLES, query=DncSearchSchema, response=DncPageSchema,
             summary="Search DNC entries by number digits or reason, scope, campaign, registry")
def search(query):
    entries, total = service.search(db.session, query["q"], query["scope"], query["campaign_id"],
                                    query["registry_name"], query["limit"], query["offset"])
    return {"total": total, "entries": entries}


@bp.endpoint("/entries", methods=["POST"], roles=DNC_ROLES, body=DncAddSchema, response=DncEntrySchema, status=201,
             summary="Add one number (global or a campaign's); it leaves the hoppers at once")
def add(body):
    try:
        scope = service.scope_for(db.session, body["scope"], body.get("campaign_id"))
        entry = service.add(db.session, body["phone"], scope, body["reason"], current_user.id)
    except service.DncProblem as exc:
        db.session.rollback()
        raise _problem(exc) from None
    db.session.commit()
    service.announce_added(app_redis(), [entry.phone_e164], scope.campaign_id, {"scope": scope.value})
    return entry


@bp.endpoint("/entries/<int:entry_id>", roles=DNC_ROLES, response=DncEntrySchema, summary="One DNC entry")
def get_entry(entry_id: int):
    entry = db.session.get(DncEntry, entry_id)
    if entry is None:
        raise not_found("DNC entry")
    return entry


@bp.endpoint("/entries/<int:entry_id>/remove", methods=["POST"], roles=DNC_ROLES, body=DncRemoveSchema,
             status=204, summary="Remove one number from a DNC list (a reason is required)")
def remove(entry_id: int, body):
    entry = db.session.get(DncEntry, entry_id)
    if entry is None:
        raise not_found("DNC entry")
    gone = service.remove(db.session, entry, body["reason"], current_user.id)
    db.session.commit()
    service.announce_removed(app_redis(), gone)
    return None


@bp.endpoint("/imports", methods=["POST"], roles=DNC_ROLES, response=DncImportJobSchema, status=202,
             summary="Bulk import a CSV/TXT/XLSX of numbers (multipart: file, scope, campaign_id, registry_name); "
                     "runs as a job: poll GET /dnc/imports/<job_id>")
def bulk_import():
    form = DncImportFormSchema().load(request.form.to_dict())
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise ApiError(422, _("Choose a file to upload."), "file")
    scope = form["scope"]
    try:
        service.scope_for(db.session, scope, form.get("campaign_id"))
    except service.DncProblem as exc:
        raise _problem(exc) from None
    folder = tempfile.mkdtemp(prefix="dnc-", dir=_upload_dir())
    path = os.path.join(folder, "upload")
    try:
        upload.save(path)
        service.check_file(path, upload.filename, form.get("encoding"))
        job = app_queue("imports").enqueue(
            dnc_import_job, path, upload.filename, scope, form.get("campaign_id"), current_user.id,
            form.get("registry_name"), form.get("reason"), form.get("encoding"),
            job_id=f"dnc-import-{uuid.uuid4().hex[:12]}", job_timeout=3600, result_ttl=7 * 86400,
            meta={"kind": JOB_KIND, "user_id": current_user.id, "filename": upload.filename})
    except Exception as exc:
        shutil.rmtree(folder, ignore_errors=True)  # refused or not queued: nothing stays behind
        if isinstance(exc, service.DncProblem):
            raise _problem(exc) from None
        raise
    return {"job_id": job.id, "status": "queued", "filename": upload.filename}


@bp.endpoint("/imports/<job_id>", roles=DNC_ROLES, response=DncImportJobSchema,
             summary="A bulk import's state: queued, started, finished (with the counts), refused (with the "
                     "reason) or failed")
def import_state(job_id: str):
    from rq.exceptions import NoSuchJobError
    from rq.job import Job

    try:
        job = Job.fetch(job_id, connection=app_redis(decode=False))
    except NoSuchJobError:
        raise not_found("import job") from None
    if job.meta.get("kind") != JOB_KIND:
        raise not_found("import job")
    state = {"job_id": job.id, "filename": job.meta.get("filename")}
    status = job.get_status()
    if status == "finished":
        result = job.return_value() or {}
        if "errors" in result:
            return {**state, "status": "refused", "errors": result["errors"]}
        return {**state, "status": "finished", "result": result}
    if status in ("failed", "stopped", "canceled"):
        return {**state, "status": "failed",
                "errors": {"_schema": [_("The import stopped before it finished; nothing was added. "
                                         "Try again, or ask an administrator to look at the worker's log.")]}}
    return {**state, "status": "started" if status == "started" else "queued"}


def _upload_dir() -> str:
    # Under <instance>/imports with the call lists' uploads: the nightly sweep
    # removes folders a lost job left behind.
    path = os.path.join(current_app.config["INSTANCE_PATH"], "imports")
    os.makedirs(path, exist_ok=True)
    return path


@bp.endpoint("/export", roles=DNC_ROLES, query=DncExportQuerySchema, summary="Export DNC entries as CSV (UTF-8 with BOM)")
def export(query):
    rows = service.export_rows(db.session, query["scope"], query["campaign_id"], query["registry_name"])
    response = Response(b"".join(csv_chunks(rows, "utf-8-sig")), mimetype="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="dnc.csv"'
    return response
