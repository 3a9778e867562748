"""REST API: a campaign's calling rules, dial mode and caller-ID strategy."""

from __future__ import annotations

from marshmallow import Schema, fields

from campaigns.manage.helpers import MANAGE_ROLES, READ_ROLES, campaign_or_404
from campaigns.rules.effective import campaign_rules
from campaigns.rules.profiles import JURISDICTIONS, overlay, profile_defaults
from campaigns.rules.schemas import CampaignRulesSchema
from core import audit
from core.api.blueprint import ApiBlueprint
from core.api.errors import not_found
from core.auth.access import current_user
from core.clock import utcnow
from core.db import db

bp = ApiBlueprint("campaign_rules_api", __name__, tag="calling rules", url_prefix="/campaigns")


class RulesOutSchema(Schema):
    jurisdiction = fields.Str()
    overrides = fields.Dict()
    profile = fields.Dict()
    effective = fields.Dict()
    dial_mode = fields.Str()
    dial_settings = fields.Dict()
    caller_id_strategy = fields.Str()


def _out(campaign) -> dict:
    return {
        "jurisdiction": campaign.jurisdiction,
        "overrides": campaign.rules or {},
        "profile": profile_defaults(campaign.jurisdiction),
        "effective": campaign_rules(campaign),
        "dial_mode": campaign.dial_mode,
        "dial_settings": campaign.dial_settings or {},
        "caller_id_strategy": campaign.caller_id_strategy,
    }


@bp.endpoint("/rule-profiles/<jurisdiction>", roles=READ_ROLES)
def profile(jurisdiction):
    """A jurisdiction profile's defaults (US, UK, CN, custom)."""
    if jurisdiction not in JURISDICTIONS:
        raise not_found("profile")
    return profile_defaults(jurisdiction)


@bp.endpoint("/<int:campaign_id>/rules", roles=READ_ROLES, response=RulesOutSchema)
def get_rules(campaign_id):
    """The profile, the campaign's overrides and the effective rules."""
    return _out(campaign_or_404(campaign_id))


@bp.endpoint(
    "/<int:campaign_id>/rules",
    methods=["PUT"],
    roles=MANAGE_ROLES,
    body=CampaignRulesSchema,
    response=RulesOutSchema,
)
def put_rules(campaign_id, body):
    """Set the profile, overrides (only values differing from the profile are kept), dial mode."""
    campaign = campaign_or_404(campaign_id)
    defaults = profile_defaults(body["jurisdiction"])
    merged = overlay(defaults, body["rules"])
    campaign.jurisdiction = body["jurisdiction"]
    campaign.rules = {k: v for k, v in merged.items() if defaults.get(k) != v}
    for key in ("dial_mode", "dial_settings", "caller_id_strategy"):
        if key in body:
            setattr(campaign, key, body[key])
    campaign.updated_at = utcnow()
    audit.record(
        db.session,
        current_user,
        "campaign.rules",
        "campaign",
        campaign_id,
        None,
        {
            "jurisdiction": campaign.jurisdiction,
            "overrides": campaign.rules,
            "dial_mode": campaign.dial_mode,
            "dial_settings": campaign.dial_settings,
        },
    )
    db.session.commit()
    # Pods pick up settings changes from the campaign events channel.
    from campaigns.manage.helpers import redis_client
    from core import events

    events.publish(
        redis_client(),
        events.CAMPAIGN_EVENTS,
        {"type": "settings", "campaign_id": campaign_id, "at": utcnow()},
    )
    return _out(campaign)
