"""REST API: campaigns and their agents."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from campaigns.manage.helpers import MANAGE_ROLES, READ_ROLES, campaign_or_404
from campaigns.manage.schemas import (
    AgentsSchema,
    CampaignAgentSchema,
    CampaignInSchema,
    CampaignListQuery,
    CampaignOutSchema,
    CampaignPatchSchema,
)
from campaigns.manage.service import CampaignError, create_campaign, update_campaign
from campaigns.models import Campaign, CampaignState
from campaigns.trial.service import TrialError, campaign_agent_rows, set_campaign_agents
from core import audit
from core.api.blueprint import ApiBlueprint
from core.api.errors import ApiError
from core.auth.access import current_user
from core.clock import utcnow
from core.db import db

bp = ApiBlueprint("campaigns_api", __name__, tag="campaigns", url_prefix="/campaigns")


def _raise(exc: CampaignError):
    raise ApiError(exc.status, _(str(exc)), exc.field)


@bp.endpoint("", roles=READ_ROLES, query=CampaignListQuery, response=CampaignOutSchema, many=True)
def list_campaigns(query):
    """List campaigns, newest first."""
    q = select(Campaign).order_by(Campaign.created_at.desc(), Campaign.id.desc())
    if query.get("state"):
        q = q.where(Campaign.state == CampaignState(query["state"]))
    return db.session.scalars(q).all()


@bp.endpoint(
    "", methods=["POST"], roles=MANAGE_ROLES, body=CampaignInSchema, response=CampaignOutSchema, status=201
)
def create(body):
    """Create a campaign (draft, with the usual dispositions)."""
    try:
        return create_campaign(db.session, body, current_user, utcnow())
    except CampaignError as exc:
        db.session.rollback()
        _raise(exc)


@bp.endpoint("/<int:campaign_id>", roles=READ_ROLES, response=CampaignOutSchema)
def get(campaign_id):
    """One campaign."""
    return campaign_or_404(campaign_id)


@bp.endpoint(
    "/<int:campaign_id>",
    methods=["PATCH"],
    roles=MANAGE_ROLES,
    body=CampaignPatchSchema,
    response=CampaignOutSchema,
)
def edit(campaign_id, body):
    """Edit a campaign's settings."""
    campaign = campaign_or_404(campaign_id)
    try:
        return update_campaign(db.session, campaign, body, current_user, utcnow())
    except CampaignError as exc:
        db.session.rollback()
        _raise(exc)


@bp.endpoint("/<int:campaign_id>/agents", roles=READ_ROLES, response=CampaignAgentSchema, many=True)
def agents(campaign_id):
    """The campaign's agents and which of them are trial agents."""
    campaign_or_404(campaign_id)
    return campaign_agent_rows(db.session, campaign_id)


@bp.endpoint(
    "/<int:campaign_id>/agents",
    methods=["PUT"],
    roles=MANAGE_ROLES,
    body=AgentsSchema,
    response=CampaignAgentSchema,
    many=True,
)
def set_agents(campaign_id, body):
    """Replace the campaign's agents; trial agents are designated here."""
    campaign = campaign_or_404(campaign_id)
    try:
        set_campaign_agents(db.session, campaign, body["agent_ids"], body["trial_agent_ids"])
    except TrialError as exc:
        db.session.rollback()
        raise ApiError(422, str(exc), "agent_ids") from None
    audit.record(db.session, current_user, "campaign.agents", "campaign", campaign_id, None, body)
    db.session.commit()
    return campaign_agent_rows(db.session, campaign_id)
