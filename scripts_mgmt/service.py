"""Scripts and their versions: create, draft (a copy of the latest), edit a
draft, check and approve with the client's sign-off, retire.  Only drafts
change; every state change is audited in the caller's transaction."""

from __future__ import annotations

import copy
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.audit import record
from core.clock import utcnow
from scripts_mgmt.errors import ScriptsError
from scripts_mgmt.models import ObjectionAnswer, Script, ScriptVersion, VersionStatus
from scripts_mgmt.questionnaire.validate import validate_questionnaire
from scripts_mgmt.rendering import variables_in
from scripts_mgmt.variables import campaign_field_names, unknown_variables

# Campaigns that no longer call: their pinned version may be retired.
CLOSED_CAMPAIGN_STATES = ("completed", "settled")


def _campaign_exists(session: Session, campaign_id: int | None) -> None:
    from campaigns.models import Campaign

    if campaign_id is not None and session.get(Campaign, campaign_id) is None:
        raise ScriptsError("Campaign %(id)s does not exist.", 404, "campaign_id", id=campaign_id)


def create_script(
    session: Session, actor, name: str, campaign_id: int | None = None, description: str = ""
) -> Script:
    """A new script with an empty draft version 1."""
    _campaign_exists(session, campaign_id)
    script = Script(
        name=name,
        campaign_id=campaign_id,
        description=description or "",
        created_by=getattr(actor, "id", None),
    )
    script.versions.append(
        ScriptVersion(
            number=1,
            status=VersionStatus.DRAFT,
            content="",
            questionnaire={},
            variables=[],
            created_by=getattr(actor, "id", None),
        )
    )
    session.add(script)
    session.flush()
    record(
        session,
        actor,
        "script.create",
        "script",
        script.id,
        details={"name": name, "campaign_id": campaign_id},
    )
    return script


def latest_version(script: Script) -> ScriptVersion | None:
    return max(script.versions, key=lambda v: v.number, default=None)


def snapshot(version: ScriptVersion) -> dict:
    """The parts of a version that a diff or an export compares."""
    return {
        "content": version.content or "",
        "questionnaire": version.questionnaire or {},
        "objections": [
            {"objection": o.objection, "answer": o.answer, "tags": list(o.tags or [])}
            for o in version.objections
        ],
    }


def _set_objections(version: ScriptVersion, objections: list[dict]) -> None:
    version.objections.clear()
    for position, item in enumerate(objections):
        version.objections.append(
            ObjectionAnswer(
                objection=item["objection"],
                answer=item["answer"],
                tags=[t for t in dict.fromkeys(item.get("tags") or []) if t],
                sort_order=position,
            )
        )


def create_draft(session: Session, script: Script, actor, change_note: str | None = None) -> ScriptVersion:
    """A new draft, a copy of the latest version.  One draft at a time."""
    draft = next((v for v in script.versions if v.status is VersionStatus.DRAFT), None)
    if draft is not None:
        raise ScriptsError(
            "Version %(number)s is already a draft; edit it instead.", 409, number=draft.number
        )
    source = latest_version(script)
    version = ScriptVersion(
        number=(source.number + 1) if source else 1,
        status=VersionStatus.DRAFT,
        content=source.content if source else "",
        questionnaire=copy.deepcopy(source.questionnaire or {}) if source else {},
        variables=list(source.variables or []) if source else [],
        change_note=change_note,
        created_by=getattr(actor, "id", None),
    )
    script.versions.append(version)
    if source:
        _set_objections(version, snapshot(source)["objections"])
    session.flush()
    record(
        session,
        actor,
        "script.draft",
        "script_version",
        version.id,
        details={
            "script_id": script.id,
            "number": version.number,
            "copied_from": source.id if source else None,
        },
    )
    return version


def update_draft(
    session: Session,
    version: ScriptVersion,
    actor,
    *,
    content: str | None = None,
    questionnaire: dict | None = None,
    objections: list[dict] | None = None,
    change_note: str | None = None,
) -> ScriptVersion:
    """Edit a draft.  A questionnaire with problems is kept (work in progress);
    approval refuses it."""
    if version.status is not VersionStatus.DRAFT:
        raise ScriptsError(
            "Only a draft can be edited; version %(number)s is %(status)s.",
            409,
            number=version.number,
            status=version.status.value,
        )
    changed = []
    if content is not None:
        version.content = content
        version.variables = variables_in(content)
        changed.append("content")
    if questionnaire is not None:
        version.questionnaire = questionnaire
        changed.append("questionnaire")
    if objections is not None:
        _set_objections(version, objections)
        changed.append("objections")
    if change_note is not None:
        version.change_note = change_note
    version.updated_at = utcnow()
    session.flush()
    record(session, actor, "script.edit", "script_version", version.id, details={"changed": changed})
    return version


def approval_check(session: Session, version: ScriptVersion) -> dict:
    """What approval would object to: questionnaire problems (always refused)
    and variables no built-in or lead column of the campaign provides
    (refused unless acknowledged)."""
    fields = campaign_field_names(session, version.script.campaign_id)
    return {
        "questionnaire_issues": validate_questionnaire(version.questionnaire),
        "unknown_variables": unknown_variables(variables_in(version.content), fields),
        "lead_fields": sorted(fields),
    }


def approve_version(
    session: Session,
    version: ScriptVersion,
    actor,
    client_approver: str,
    note: str = "",
    acknowledge_unknown_variables: bool = False,
    now: datetime | None = None,
) -> ScriptVersion:
    """Record the client's sign-off.  Refused for a non-draft, a questionnaire
    with problems, or unknown variables not explicitly acknowledged."""
    if version.status is not VersionStatus.DRAFT:
        raise ScriptsError(
            "Only a draft can be approved; version %(number)s is %(status)s.",
            409,
            number=version.number,
            status=version.status.value,
        )
    if not (client_approver or "").strip():
        raise ScriptsError("The client's approver must be named.", 422, "client_approver")
    check = approval_check(session, version)
    if check["questionnaire_issues"]:
        raise ScriptsError(
            "The questionnaire has problems; fix them before approval.",
            409,
            "questionnaire",
            details={"questionnaire_issues": check["questionnaire_issues"]},
        )
    unknown = check["unknown_variables"]
    if unknown and not acknowledge_unknown_variables:
        raise ScriptsError(
            "The script uses variables the campaign's leads do not have: %(names)s. "
            "Acknowledge them to approve anyway.",
            409,
            "acknowledge_unknown_variables",
            details={"unknown_variables": unknown},
            names=", ".join(unknown),
        )
    version.status = VersionStatus.APPROVED
    version.variables = variables_in(version.content)
    version.approved_by = getattr(actor, "id", None)
    version.approved_at = now or utcnow()
    version.client_approver = client_approver.strip()
    version.approval_note = note or ""
    session.flush()
    record(
        session,
        actor,
        "script.approve",
        "script_version",
        version.id,
        reason=note or None,
        details={
            "script_id": version.script_id,
            "number": version.number,
            "client_approver": version.client_approver,
            "unknown_variables_acknowledged": unknown,
        },
    )
    return version


def pinned_by(session: Session, version_id: int) -> list:
    """Campaigns still calling (or yet to call) with this version pinned."""
    from campaigns.models import Campaign

    return [
        c
        for c in session.scalars(select(Campaign).where(Campaign.script_version_id == version_id)).all()
        if c.state.value not in CLOSED_CAMPAIGN_STATES
    ]


def retire_version(
    session: Session, version: ScriptVersion, actor, reason: str, now: datetime | None = None
) -> ScriptVersion:
    """Retire an approved version (or discard a draft).  Refused while a
    campaign that still calls has it pinned."""
    if version.status is VersionStatus.RETIRED:
        raise ScriptsError("Version %(number)s is already retired.", 409, number=version.number)
    users = pinned_by(session, version.id)
    if users:
        raise ScriptsError(
            "Version %(number)s is pinned by campaign %(campaign)s; pin another version first.",
            409,
            number=version.number,
            campaign=users[0].code,
        )
    previous = version.status.value
    version.status = VersionStatus.RETIRED
    version.retired_at = now or utcnow()
    session.flush()
    record(
        session,
        actor,
        "script.retire",
        "script_version",
        version.id,
        reason=reason,
        details={"script_id": version.script_id, "number": version.number, "was": previous},
    )
    return version
