"""What the agent console reads and writes: the pinned version's objection
answers and questionnaire for a campaign, the script rendered for the lead of
a call, and the questionnaire answers of a call.  Agents reach only their own
campaigns and calls; other roles reach all."""

from __future__ import annotations

from flask import abort

from core.api import not_found
from core.auth.access import current_user
from core.db import db
from core.models import Role
from scripts_mgmt.api import bp, get_or_404, issues
from scripts_mgmt.console import record_answers, render
from scripts_mgmt.models import ScriptVersion
from scripts_mgmt.objections import search_objections
from scripts_mgmt.schemas import AnswersSchema, ObjectionSchema, ObjectionSearchQuery


def _is_agent() -> bool:
    return current_user.role is Role.AGENT


def _campaign(campaign_id: int):
    from campaigns.models import Campaign

    campaign = get_or_404(Campaign, campaign_id, "campaign")
    if _is_agent() and current_user not in campaign.agents:
        raise not_found("campaign")
    return campaign


def _attempt(attempt_id: int):
    from dialer.models import CallAttempt

    attempt = get_or_404(CallAttempt, attempt_id, "call")
    if _is_agent() and attempt.agent_id != current_user.id:
        raise not_found("call")
    return attempt


def _pinned(campaign) -> ScriptVersion | None:
    if campaign.script_version_id is None:
        return None
    return db.session.get(ScriptVersion, campaign.script_version_id)


@bp.endpoint(
    "/campaigns/<int:campaign_id>/objections",
    query=ObjectionSearchQuery,
    summary="Search the objection answers of the version pinned to a campaign (agent console)",
)
def campaign_objections(campaign_id: int, query):
    version = _pinned(_campaign(campaign_id))
    if version is None:
        return {"version_id": None, "items": []}
    found = search_objections(version.objections, query["q"], query["tag"])[: query["limit"]]
    return {"version_id": version.id, "items": ObjectionSchema(many=True).dump(found)}


@bp.endpoint(
    "/campaigns/<int:campaign_id>/questionnaire",
    summary="The questionnaire of the version pinned to a campaign (agent console)",
)
def campaign_questionnaire(campaign_id: int):
    version = _pinned(_campaign(campaign_id))
    return {
        "version_id": version.id if version else None,
        "questionnaire": version.questionnaire if version else {},
    }


@bp.endpoint(
    "/attempts/<int:attempt_id>/script",
    summary="The script rendered for the lead of a call, with the version the call was stamped with",
)
def attempt_script(attempt_id: int):
    from campaigns.models import Campaign, Lead

    attempt = _attempt(attempt_id)
    if attempt.script_version_id is None:
        abort(404)
    version = get_or_404(ScriptVersion, attempt.script_version_id, "script version")
    lead = db.session.get(Lead, attempt.lead_id) if attempt.lead_id is not None else None
    rendered = render(version, lead, current_user, db.session.get(Campaign, attempt.campaign_id))
    return {
        "version_id": version.id,
        "html": rendered.html,
        "missing": rendered.missing,
        "questionnaire": version.questionnaire,
    }


@bp.endpoint(
    "/attempts/<int:attempt_id>/answers",
    methods=["PUT"],
    body=AnswersSchema,
    summary="Store the questionnaire answers of a call, checked against the call's script version",
)
def attempt_answers(attempt_id: int, body):
    attempt = _attempt(attempt_id)
    row, check = record_answers(db.session, attempt, body["answers"], current_user)
    db.session.commit()
    return {
        "id": row.id,
        "script_version_id": row.script_version_id,
        "answers": row.answers,
        "dropped": check.dropped,
        "issues": issues(check.errors),
    }
