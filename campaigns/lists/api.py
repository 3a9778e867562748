"""REST API for imports: upload → preview → confirm → progress → rejects / undo,
call lists of a campaign, and column-mapping templates."""
from __future__ import annotations

from flask import Response, current_app, request, stream_with_context
from flask_babel import gettext as _
from sqlalchemy import func, select

from campaigns.lists import rejects as reject_export
from campaigns.lists import service
from campaigns.lists.schemas import (
    BatchQuerySchema,
    BatchSchema,
    CallListQuerySchema,
    CallListSchema,
    ConfirmSchema,
    PreviewRequestSchema,
    PreviewRowSchema,
    RejectsQuerySchema,
    TemplateSchema,
    UndoSchema,
    UploadFormSchema,
)
from campaigns.models import CallList, Campaign, ColumnMappingTemplate, ImportBatch, Lead
from core.api.blueprint import ApiBlueprint
from core.api.errors import ApiError, not_found
from core.auth.access import current_user
from core.clock import utcnow
from core.db import db
from core.models import Role
from core.redis_conn import app_queue, app_redis

bp = ApiBlueprint("lists_api", __name__, tag="call lists", url_prefix="/lists")
IMPORT_ROLES = (Role.TECHNICIAN, Role.MANAGER)


def _problem(exc: service.ImportProblem) -> ApiError:
    return ApiError(exc.status, str(exc.message), exc.field)


def _batch_or_404(batch_id: int) -> ImportBatch:
    batch = db.session.get(ImportBatch, batch_id)
    if batch is None:
        raise not_found("import batch")
    return batch


def _status(batch: ImportBatch) -> dict:
    return service.status(batch, app_redis(), utcnow())


@bp.endpoint("/uploads", methods=["POST"], roles=IMPORT_ROLES, response=BatchSchema, status=201,
             summary="Upload a file (multipart: file + campaign_id + list_id or list_name); returns the batch "
                     "with its suggested mapping and a preview. Nothing is imported yet.")
def upload():
    form = UploadFormSchema().load(request.form.to_dict())
    upload_file = request.files.get("file")
    if upload_file is None or not upload_file.filename:
        raise ApiError(422, _("Choose a file to upload."), "file")
    path = service.store_upload(current_app.config["INSTANCE_PATH"], upload_file.filename, upload_file.save)
    try:
        batch = service.create_batch(db.session, path=path, filename=upload_file.filename, user_id=current_user.id,
                                     **form)
    except service.ImportProblem as exc:
        db.session.rollback()
        service.discard_file(path)
        raise _problem(exc) from None
    try:
        rows = service.preview(db.session, batch)
    except service.ImportProblem:
        rows = []  # e.g. no phone column recognised: the page asks the technician to pick one
    db.session.commit()
    return {**_status(batch), "preview": rows}


@bp.endpoint("/batches", roles=IMPORT_ROLES, query=BatchQuerySchema, response=BatchSchema, many=True,
             summary="Recent import batches, newest first")
def list_batches(query):
    stmt = select(ImportBatch).order_by(ImportBatch.id.desc()).limit(query["limit"])
    if query["campaign_id"]:
        stmt = stmt.where(ImportBatch.campaign_id == query["campaign_id"])
    if query["list_id"]:
        stmt = stmt.where(ImportBatch.list_id == query["list_id"])
    return [_status(b) for b in db.session.scalars(stmt)]


@bp.endpoint("/batches/<int:batch_id>", roles=IMPORT_ROLES, response=BatchSchema,
             summary="A batch with live progress (rows done, total, seconds left)")
def get_batch(batch_id: int):
    batch = _batch_or_404(batch_id)
    if service.reconcile_with_job(db.session, batch, app_redis(decode=False)):
        db.session.commit()
    return _status(batch)


@bp.endpoint("/batches/<int:batch_id>/preview", methods=["POST"], roles=IMPORT_ROLES, body=PreviewRequestSchema,
             response=PreviewRowSchema, many=True,
             summary="The first rows as they would be imported with this mapping and these options")
def preview(batch_id: int, body):
    batch = _batch_or_404(batch_id)
    try:
        return service.preview(db.session, batch, body.get("mapping"), body.get("options"))
    except service.ImportProblem as exc:
        raise _problem(exc) from None


@bp.endpoint("/batches/<int:batch_id>/confirm", methods=["POST"], roles=IMPORT_ROLES, body=ConfirmSchema,
             response=BatchSchema, status=202, summary="Confirm the mapping and options; the import job is queued")
def confirm(batch_id: int, body):
    batch = _batch_or_404(batch_id)
    try:
        service.confirm(db.session, batch, body["mapping"], body.get("options"), current_user.id,
                        body.get("save_template_as"))
    except service.ImportProblem as exc:
        db.session.rollback()
        raise _problem(exc) from None
    db.session.commit()
    batch.job_id = service.enqueue(app_queue("imports"), batch)
    db.session.commit()
    return _status(batch)


@bp.endpoint("/batches/<int:batch_id>/cancel", methods=["POST"], roles=IMPORT_ROLES, response=BatchSchema,
             status=202, summary="Cancel: at once if not started, else the running job rolls back everything")
def cancel(batch_id: int):
    batch = _batch_or_404(batch_id)
    try:
        service.cancel(db.session, batch, current_user.id, app_redis())
    except service.ImportProblem as exc:
        raise _problem(exc) from None
    db.session.commit()
    if batch.status == "cancelled":
        service.discard_file(batch.stored_path)
    return _status(batch)


@bp.endpoint("/batches/<int:batch_id>/undo", methods=["POST"], roles=IMPORT_ROLES, body=UndoSchema,
             response=BatchSchema, summary="Remove the batch's leads never dialled; keeps and reports the others")
def undo(batch_id: int, body):
    batch = _batch_or_404(batch_id)
    try:
        service.undo(db.session, batch, current_user.id, app_redis(), body.get("reason"))
    except service.ImportProblem as exc:
        db.session.rollback()
        raise _problem(exc) from None
    db.session.commit()
    return _status(batch)


@bp.endpoint("/batches/<int:batch_id>/rejects", roles=IMPORT_ROLES, query=RejectsQuerySchema,
             summary="Rejected rows with reasons: CSV in the file's own encoding, or XLSX")
def download_rejects(batch_id: int, query):
    batch = _batch_or_404(batch_id)
    stem = (batch.filename.rsplit(".", 1)[0] or "import")[:80]
    rows = reject_export.reject_rows(db.session, batch)
    if query["format"] == "xlsx":
        body = reject_export.xlsx_bytes(rows)
        return _download(body, f"{stem}-rejected.xlsx",
                         "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    encoding = batch.encoding or "utf-8"
    # streamed: a big batch can have a hundred thousand rejects
    return _download(stream_with_context(reject_export.csv_chunks(rows, encoding)), f"{stem}-rejected.csv",
                     f"text/csv; charset={encoding}")


def _download(body, filename: str, mimetype: str) -> Response:
    from urllib.parse import quote

    response = Response(body, mimetype=mimetype.split(";")[0])
    response.headers["Content-Type"] = mimetype
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"rejected.{filename.rsplit('.', 1)[-1]}\"; filename*=UTF-8''{quote(filename)}"
    )
    return response


# -- call lists --------------------------------------------------------------------------

@bp.endpoint("/lists", roles=IMPORT_ROLES, query=CallListQuerySchema, response=CallListSchema, many=True,
             summary="A campaign's call lists with their lead counts")
def list_lists(query):
    counts = dict(db.session.execute(
        select(Lead.list_id, func.count()).where(Lead.campaign_id == query["campaign_id"]).group_by(Lead.list_id)
    ).all())
    lists = db.session.scalars(select(CallList).where(CallList.campaign_id == query["campaign_id"])
                               .order_by(CallList.id)).all()
    return [_list_out(cl, counts.get(cl.id, 0)) for cl in lists]


@bp.endpoint("/lists", methods=["POST"], roles=IMPORT_ROLES, body=CallListSchema, response=CallListSchema,
             status=201, summary="Create a call list in a campaign")
def create_list(body):
    if db.session.get(Campaign, body["campaign_id"]) is None:
        raise not_found("campaign")
    call_list = CallList(campaign_id=body["campaign_id"], name=body["name"], created_by=current_user.id)
    db.session.add(call_list)
    db.session.commit()
    return _list_out(call_list, 0)


def _list_out(call_list: CallList, lead_count: int) -> dict:
    return {"id": call_list.id, "campaign_id": call_list.campaign_id, "name": call_list.name,
            "active": call_list.active, "created_at": call_list.created_at, "lead_count": lead_count}


# -- mapping templates -------------------------------------------------------------------

def _template_or_404(template_id: int) -> ColumnMappingTemplate:
    template = db.session.get(ColumnMappingTemplate, template_id)
    if template is None:
        raise not_found("mapping template")
    return template


def _name_taken(name: str, other_than: int | None = None) -> bool:
    stmt = select(ColumnMappingTemplate.id).where(ColumnMappingTemplate.name == name)
    found = db.session.scalar(stmt)
    return found is not None and found != other_than


@bp.endpoint("/templates", roles=IMPORT_ROLES, response=TemplateSchema, many=True, summary="Mapping templates")
def list_templates():
    return db.session.scalars(select(ColumnMappingTemplate).order_by(ColumnMappingTemplate.name)).all()


@bp.endpoint("/templates", methods=["POST"], roles=IMPORT_ROLES, body=TemplateSchema, response=TemplateSchema,
             status=201, summary="Save a mapping template")
def create_template(body):
    if _name_taken(body["name"]):
        raise ApiError(409, _("A mapping template with that name exists."), "name")
    template = ColumnMappingTemplate(name=body["name"], mapping=body["mapping"], created_by=current_user.id)
    db.session.add(template)
    db.session.commit()
    return template


@bp.endpoint("/templates/<int:template_id>", roles=IMPORT_ROLES, response=TemplateSchema, summary="A mapping template")
def get_template(template_id: int):
    return _template_or_404(template_id)


@bp.endpoint("/templates/<int:template_id>", methods=["PUT"], roles=IMPORT_ROLES, body=TemplateSchema,
             response=TemplateSchema, summary="Rename or change a mapping template")
def update_template(template_id: int, body):
    template = _template_or_404(template_id)
    if _name_taken(body["name"], template_id):
        raise ApiError(409, _("A mapping template with that name exists."), "name")
    template.name, template.mapping = body["name"], body["mapping"]
    db.session.commit()
    return template


@bp.endpoint("/templates/<int:template_id>", methods=["DELETE"], roles=IMPORT_ROLES, status=204,
             summary="Delete a mapping template")
def delete_template(template_id: int):
    db.session.delete(_template_or_404(template_id))
    db.session.commit()
    return None
