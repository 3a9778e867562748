"""Scripts and their versions: CRUD, drafts, approval, retirement, diff,
preview, import/export, questionnaire parsing, pinning to a campaign."""

from __future__ import annotations

from flask import Response
from sqlalchemy import select

from core.api import ApiError, not_found
from core.auth.access import current_user
from core.db import db
from scripts_mgmt import exchange, service
from scripts_mgmt.api import APPROVERS, EDITORS, READERS, bp, get_or_404, issues
from scripts_mgmt.console import render
from scripts_mgmt.diff import diff_versions
from scripts_mgmt.models import Script, ScriptVersion
from scripts_mgmt.objections import search_objections
from scripts_mgmt.pinning import pin_version
from scripts_mgmt.questionnaire.validate import validate_questionnaire
from scripts_mgmt.schemas import (
    ApproveSchema,
    DiffQuery,
    DraftCreateSchema,
    DraftUpdateSchema,
    ExportQuery,
    ImportSchema,
    ObjectionSchema,
    ObjectionSearchQuery,
    ParseSchema,
    PinSchema,
    PreviewSchema,
    RetireSchema,
    ScriptCreateSchema,
    ScriptListQuery,
    ScriptSchema,
    ScriptUpdateSchema,
    VersionSchema,
)
from scripts_mgmt.variables import campaign_field_names, unknown_variables


@bp.endpoint(
    "", roles=READERS, query=ScriptListQuery, response=ScriptSchema, many=True, summary="List scripts"
)
def list_scripts(query):
    stmt = select(Script).order_by(Script.created_at.desc(), Script.id.desc())
    if query["campaign_id"] is not None:
        stmt = stmt.where(Script.campaign_id == query["campaign_id"])
    return db.session.scalars(stmt).all()


@bp.endpoint(
    "",
    methods=["POST"],
    roles=EDITORS,
    body=ScriptCreateSchema,
    response=ScriptSchema,
    status=201,
    summary="Create a script with an empty draft version 1",
)
def create_script(body):
    script = service.create_script(
        db.session, current_user, body["name"], body["campaign_id"], body["description"]
    )
    db.session.commit()
    return script


@bp.endpoint("/<int:script_id>", roles=READERS, response=ScriptSchema, summary="A script and its versions")
def get_script(script_id: int):
    return get_or_404(Script, script_id, "script")


@bp.endpoint(
    "/<int:script_id>",
    methods=["PATCH"],
    roles=EDITORS,
    body=ScriptUpdateSchema,
    response=ScriptSchema,
    summary="Rename a script or change its description",
)
def update_script(script_id: int, body):
    script = get_or_404(Script, script_id, "script")
    for name, value in body.items():
        setattr(script, name, value)
    db.session.commit()
    return script


@bp.endpoint(
    "/<int:script_id>/versions",
    methods=["POST"],
    roles=EDITORS,
    body=DraftCreateSchema,
    response=VersionSchema,
    status=201,
    summary="Start a draft: a copy of the latest version",
)
def create_draft(script_id: int, body):
    script = get_or_404(Script, script_id, "script")
    version = service.create_draft(db.session, script, current_user, body["change_note"])
    db.session.commit()
    return version


@bp.endpoint(
    "/versions/<int:version_id>", roles=READERS, response=VersionSchema, summary="One version in full"
)
def get_version(version_id: int):
    return get_or_404(ScriptVersion, version_id, "script version")


def _check(version: ScriptVersion) -> dict:
    found = service.approval_check(db.session, version)
    return {
        "questionnaire_issues": issues(found["questionnaire_issues"]),
        "unknown_variables": found["unknown_variables"],
        "lead_fields": found["lead_fields"],
    }


@bp.endpoint(
    "/versions/<int:version_id>",
    methods=["PATCH"],
    roles=EDITORS,
    body=DraftUpdateSchema,
    summary="Edit a draft; answers the version and what approval would object to",
)
def update_draft(version_id: int, body):
    version = get_or_404(ScriptVersion, version_id, "script version")
    service.update_draft(db.session, version, current_user, **body)
    db.session.commit()
    return {"version": VersionSchema().dump(version), **_check(version)}


@bp.endpoint(
    "/versions/<int:version_id>/check",
    roles=EDITORS,
    summary="What approval would object to: questionnaire problems, unknown variables",
)
def check_version(version_id: int):
    return _check(get_or_404(ScriptVersion, version_id, "script version"))


@bp.endpoint(
    "/versions/<int:version_id>/approve",
    methods=["POST"],
    roles=APPROVERS,
    body=ApproveSchema,
    response=VersionSchema,
    summary="Record the client's approval of a draft",
)
def approve_version(version_id: int, body):
    version = get_or_404(ScriptVersion, version_id, "script version")
    service.approve_version(
        db.session,
        version,
        current_user,
        body["client_approver"],
        body["note"],
        body["acknowledge_unknown_variables"],
    )
    db.session.commit()
    return version


@bp.endpoint(
    "/versions/<int:version_id>/retire",
    methods=["POST"],
    roles=APPROVERS,
    body=RetireSchema,
    response=VersionSchema,
    summary="Retire a version (or discard a draft)",
)
def retire_version(version_id: int, body):
    version = get_or_404(ScriptVersion, version_id, "script version")
    service.retire_version(db.session, version, current_user, body["reason"])
    db.session.commit()
    return version


def version_pair(script_id: int, from_id: int, to_id: int) -> tuple[ScriptVersion, ScriptVersion]:
    old = db.session.get(ScriptVersion, from_id)
    new = db.session.get(ScriptVersion, to_id)
    if old is None or new is None or old.script_id != script_id or new.script_id != script_id:
        raise not_found("script version")
    return old, new


@bp.endpoint(
    "/<int:script_id>/diff",
    roles=READERS,
    query=DiffQuery,
    summary="Differences between two versions: content, questionnaire, objection answers",
)
def diff(script_id: int, query):
    old, new = version_pair(script_id, query["from_id"], query["to_id"])
    out = diff_versions(service.snapshot(old), service.snapshot(new), f"v{old.number}", f"v{new.number}")
    out["from"] = {"id": old.id, "number": old.number, "status": old.status.value}
    out["to"] = {"id": new.id, "number": new.number, "status": new.status.value}
    return out


@bp.endpoint(
    "/versions/<int:version_id>/preview",
    methods=["POST"],
    roles=READERS,
    body=PreviewSchema,
    summary="Render a version (or unsaved content) exactly as the agent will see it, for a sample lead",
)
def preview(version_id: int, body):
    from campaigns.models import Campaign, Lead

    version = get_or_404(ScriptVersion, version_id, "script version")
    campaign_id = version.script.campaign_id
    campaign = db.session.get(Campaign, campaign_id) if campaign_id is not None else None
    lead = None
    if body["lead_id"] is not None:
        lead = db.session.get(Lead, body["lead_id"])
        if lead is None or lead.campaign_id != campaign_id:
            raise ApiError(404, "lead not found", "lead_id")
    elif campaign_id is not None:
        lead = db.session.scalar(
            select(Lead).where(Lead.campaign_id == campaign_id).order_by(Lead.id).limit(1)
        )
    rendered = render(version, lead, current_user, campaign, content=body["content"])
    fields = campaign_field_names(db.session, campaign_id)
    return {
        "html": rendered.html,
        "used": rendered.used,
        "missing": rendered.missing,
        "unknown_variables": unknown_variables(rendered.used, fields),
        "lead_id": lead.id if lead is not None else None,
        "lead_fields": sorted(fields),
    }


@bp.endpoint(
    "/questionnaire/parse",
    methods=["POST"],
    roles=EDITORS,
    body=ParseSchema,
    summary="Parse a questionnaire written as JSON or YAML and report its problems",
)
def parse_questionnaire(body):
    data = exchange.parse(body["text"], body["format"]) if body["text"].strip() else {}
    data = {} if data is None else data
    return {
        "questionnaire": data if isinstance(data, dict) else None,
        "issues": issues(validate_questionnaire(data)),
    }


@bp.endpoint(
    "/versions/<int:version_id>/export",
    roles=READERS,
    query=ExportQuery,
    summary="Download a version with its questionnaire and objection answers (JSON or YAML)",
)
def export_version(version_id: int, query):
    version = get_or_404(ScriptVersion, version_id, "script version")
    fmt = query["format"]
    text = exchange.dump(exchange.export_document(version), fmt)
    filename = f"script-{version.script_id}-v{version.number}.{fmt}"
    return Response(
        text,
        mimetype=exchange.MEDIA_TYPES[fmt],
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.endpoint(
    "/import",
    methods=["POST"],
    roles=EDITORS,
    body=ImportSchema,
    status=201,
    summary="Import a script document (JSON or YAML) as a new script with a draft version",
)
def import_script(body):
    doc = exchange.load_document(exchange.parse(body["document"], body["format"]))
    script = exchange.import_document(db.session, doc, current_user, body["campaign_id"], body["name"])
    db.session.commit()
    version = service.latest_version(script)
    return {
        "script": ScriptSchema().dump(script),
        "version_id": version.id,
        "questionnaire_issues": issues(validate_questionnaire(version.questionnaire)),
    }, 201


@bp.endpoint(
    "/versions/<int:version_id>/objections",
    roles=READERS,
    query=ObjectionSearchQuery,
    response=ObjectionSchema,
    many=True,
    summary="Search a version's objection answers",
)
def version_objections(version_id: int, query):
    version = get_or_404(ScriptVersion, version_id, "script version")
    return search_objections(version.objections, query["q"], query["tag"])[: query["limit"]]


@bp.endpoint(
    "/campaigns/<int:campaign_id>/pin",
    methods=["POST"],
    roles=APPROVERS,
    body=PinSchema,
    summary="Pin an approved script version to a campaign (a live campaign needs an approval note)",
)
def pin(campaign_id: int, body):
    from campaigns.models import Campaign

    campaign = get_or_404(Campaign, campaign_id, "campaign")
    version = db.session.get(ScriptVersion, body["version_id"])
    if version is None:
        raise ApiError(404, "script version not found", "version_id")
    pin_version(db.session, campaign, version, current_user, body["approval_note"])
    db.session.commit()
    return {"campaign_id": campaign.id, "script_version_id": campaign.script_version_id}
