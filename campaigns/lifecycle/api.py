"""REST API: the lifecycle timeline, actions, rectification."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from campaigns.lifecycle.machine import Action, actions_from
from campaigns.lifecycle.schemas import (
    ActionSchema,
    ApprovalSchema,
    RectificationPatchSchema,
    RectificationSchema,
    TimelineSchema,
    TransitionSchema,
)
from campaigns.lifecycle.service import (
    RectificationError,
    TransitionRefused,
    approve_rectification,
    check,
    transition,
    update_rectification,
)
from campaigns.manage.helpers import MANAGE_ROLES, READ_ROLES, campaign_or_404, redis_client, refusal_error
from campaigns.models import CampaignTransition, Rectification
from core.api.blueprint import ApiBlueprint
from core.api.errors import ApiError, not_found
from core.auth.access import current_user
from core.clock import utcnow
from core.db import db
from core.models import User

bp = ApiBlueprint("campaign_lifecycle_api", __name__, tag="campaign lifecycle", url_prefix="/campaigns")

ACTION_VALUES = {a.value for a in Action}


def _check_owner(owner_id: int | None) -> None:
    if owner_id is not None and db.session.get(User, owner_id) is None:
        raise ApiError(422, _("No such user."), "owner_id")


def timeline(campaign) -> dict:
    actions = []
    for action in actions_from(campaign.state):
        decision = check(db.session, campaign, action)
        actions.append(
            {
                "action": action.value,
                "allowed": decision.allowed,
                "to_state": decision.to_state.value if decision.to_state else None,
                "reasons": list(decision.refusals),
                "messages": [_(m) for m in decision.messages],
            }
        )
    return {
        "state": campaign.state.value,
        "transitions": db.session.scalars(
            select(CampaignTransition)
            .where(CampaignTransition.campaign_id == campaign.id)
            .order_by(CampaignTransition.at, CampaignTransition.id)
        ).all(),
        "rectifications": db.session.scalars(
            select(Rectification)
            .where(Rectification.campaign_id == campaign.id)
            .order_by(Rectification.opened_at)
        ).all(),
        "actions": actions,
    }


@bp.endpoint("/<int:campaign_id>/timeline", roles=READ_ROLES, response=TimelineSchema)
def get_timeline(campaign_id):
    """State, audited timeline, rectifications and the actions possible now (with refusals)."""
    return timeline(campaign_or_404(campaign_id))


@bp.endpoint(
    "/<int:campaign_id>/actions/<action>",
    methods=["POST"],
    roles=MANAGE_ROLES,
    body=ActionSchema,
    response=TransitionSchema,
    status=201,
)
def act(campaign_id, action, body):
    """Apply a lifecycle action; 409 with every reason when a guard refuses."""
    campaign = campaign_or_404(campaign_id)
    if action not in ACTION_VALUES:
        raise not_found("action")
    _check_owner(body.get("owner_id"))
    try:
        return transition(
            db.session,
            campaign,
            action,
            current_user,
            utcnow(),
            reason=body["reason"],
            redis=redis_client(),
            owner_id=body["owner_id"],
            corrective_action=body["corrective_action"],
        )
    except TransitionRefused as exc:
        raise refusal_error(exc.decision) from None


@bp.endpoint(
    "/<int:campaign_id>/rectification",
    methods=["PATCH"],
    roles=MANAGE_ROLES,
    body=RectificationPatchSchema,
    response=RectificationSchema,
)
def edit_rectification(campaign_id, body):
    """Record the corrective action or change the owner of the open rectification."""
    campaign = campaign_or_404(campaign_id)
    _check_owner(body.get("owner_id"))
    try:
        return update_rectification(db.session, campaign, current_user, utcnow(), **body)
    except RectificationError as exc:
        raise ApiError(409, _(str(exc))) from None


@bp.endpoint(
    "/<int:campaign_id>/rectification/approve",
    methods=["POST"],
    roles=MANAGE_ROLES,
    body=ApprovalSchema,
    response=RectificationSchema,
)
def approve(campaign_id, body):
    """A manager approves resuming after rectification, with a note."""
    campaign = campaign_or_404(campaign_id)
    try:
        return approve_rectification(db.session, campaign, current_user, utcnow(), body["note"])
    except RectificationError as exc:
        raise ApiError(409, _(str(exc))) from None
