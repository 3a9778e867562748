"""QA scorecards (FQA): CRUD, drafts, approval, retirement, scoring, pinning."""

from __future__ import annotations

from sqlalchemy import select

from core.api import ApiError
from core.auth.access import current_user
from core.db import db
from scripts_mgmt import scorecards
from scripts_mgmt.api import APPROVERS, EDITORS, READERS, bp, get_or_404, translate
from scripts_mgmt.models import Scorecard, ScorecardVersion
from scripts_mgmt.pinning import pin_scorecard
from scripts_mgmt.schemas import (
    PinSchema,
    RetireSchema,
    ScorecardApproveSchema,
    ScorecardCreateSchema,
    ScorecardDraftSchema,
    ScorecardListQuery,
    ScorecardSchema,
    ScorecardVersionSchema,
    ScoreSchema,
)
from scripts_mgmt.scoring import ScoringError, item_problems, passed, score


@bp.endpoint(
    "/scorecards",
    roles=READERS,
    query=ScorecardListQuery,
    response=ScorecardSchema,
    many=True,
    summary="List QA scorecards",
)
def list_scorecards(query):
    stmt = select(Scorecard).order_by(Scorecard.created_at.desc(), Scorecard.id.desc())
    if query["campaign_id"] is not None:
        stmt = stmt.where(Scorecard.campaign_id == query["campaign_id"])
    return db.session.scalars(stmt).all()


@bp.endpoint(
    "/scorecards",
    methods=["POST"],
    roles=EDITORS,
    body=ScorecardCreateSchema,
    response=ScorecardSchema,
    status=201,
    summary="Create a scorecard with an empty draft version 1",
)
def create_scorecard(body):
    card = scorecards.create_scorecard(db.session, current_user, body["name"], body["campaign_id"])
    db.session.commit()
    return card


@bp.endpoint(
    "/scorecards/<int:scorecard_id>",
    roles=READERS,
    response=ScorecardSchema,
    summary="A scorecard and its versions",
)
def get_scorecard(scorecard_id: int):
    return get_or_404(Scorecard, scorecard_id, "scorecard")


@bp.endpoint(
    "/scorecards/<int:scorecard_id>/versions",
    methods=["POST"],
    roles=EDITORS,
    response=ScorecardVersionSchema,
    status=201,
    summary="Start a scorecard draft: a copy of the latest",
)
def create_scorecard_draft(scorecard_id: int):
    card = get_or_404(Scorecard, scorecard_id, "scorecard")
    version = scorecards.create_scorecard_draft(db.session, card, current_user)
    db.session.commit()
    return version


@bp.endpoint(
    "/scorecards/versions/<int:version_id>",
    roles=READERS,
    response=ScorecardVersionSchema,
    summary="One scorecard version",
)
def get_scorecard_version(version_id: int):
    return get_or_404(ScorecardVersion, version_id, "scorecard version")


@bp.endpoint(
    "/scorecards/versions/<int:version_id>",
    methods=["PATCH"],
    roles=EDITORS,
    body=ScorecardDraftSchema,
    summary="Edit a scorecard draft; answers the version and its problems",
)
def update_scorecard_draft(version_id: int, body):
    version = get_or_404(ScorecardVersion, version_id, "scorecard version")
    scorecards.update_scorecard_draft(
        db.session, version, current_user, body.get("items"), body.get("pass_mark")
    )
    db.session.commit()
    return {
        "version": ScorecardVersionSchema().dump(version),
        "problems": [translate(p) for p in item_problems(version.items)],
    }


@bp.endpoint(
    "/scorecards/versions/<int:version_id>/approve",
    methods=["POST"],
    roles=APPROVERS,
    body=ScorecardApproveSchema,
    response=ScorecardVersionSchema,
    summary="Approve a scorecard draft",
)
def approve_scorecard(version_id: int, body):
    version = get_or_404(ScorecardVersion, version_id, "scorecard version")
    scorecards.approve_scorecard(db.session, version, current_user, body["note"])
    db.session.commit()
    return version


@bp.endpoint(
    "/scorecards/versions/<int:version_id>/retire",
    methods=["POST"],
    roles=APPROVERS,
    body=RetireSchema,
    response=ScorecardVersionSchema,
    summary="Retire a scorecard version",
)
def retire_scorecard(version_id: int, body):
    version = get_or_404(ScorecardVersion, version_id, "scorecard version")
    scorecards.retire_scorecard(db.session, version, current_user, body["reason"])
    db.session.commit()
    return version


@bp.endpoint(
    "/scorecards/versions/<int:version_id>/score",
    methods=["POST"],
    roles=READERS,
    body=ScoreSchema,
    summary="Score marks on a scorecard version (nothing is stored)",
)
def score_marks(version_id: int, body):
    version = get_or_404(ScorecardVersion, version_id, "scorecard version")
    if item_problems(version.items):
        raise ApiError(409, translate("The scorecard has no usable items yet."), "items")
    try:
        total, auto_failed, breakdown = score(version.items, body["marks"])
    except ScoringError as exc:
        raise ApiError(422, str(exc), "marks") from None
    return {
        "total": total,
        "auto_failed": auto_failed,
        "passed": passed(total, auto_failed, version.pass_mark),
        "pass_mark": version.pass_mark,
        "breakdown": breakdown,
    }


@bp.endpoint(
    "/campaigns/<int:campaign_id>/scorecard",
    methods=["POST"],
    roles=APPROVERS,
    body=PinSchema,
    summary="Pin an approved scorecard version to a campaign",
)
def pin_campaign_scorecard(campaign_id: int, body):
    from campaigns.models import Campaign

    campaign = get_or_404(Campaign, campaign_id, "campaign")
    version = db.session.get(ScorecardVersion, body["version_id"])
    if version is None:
        raise ApiError(404, "scorecard version not found", "version_id")
    pin_scorecard(db.session, campaign, version, current_user, body["approval_note"])
    db.session.commit()
    return {"campaign_id": campaign.id, "scorecard_version_id": campaign.scorecard_version_id}
