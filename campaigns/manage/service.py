"""Creating and editing campaigns."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from campaigns.defaults import DEFAULT_PAUSE_REASONS
from campaigns.dispositions.service import seed_dispositions
from campaigns.models import Campaign, CampaignState
from core import audit

# Fields a manager may no longer change once formal calling has started:
# the client approved these in the trial.
FROZEN_AFTER_APPROVAL = frozenset({"script_version_id", "jurisdiction"})


class CampaignError(Exception):
    def __init__(self, message: str, field: str = "_schema", status: int = 422):
        super().__init__(message)
        self.field, self.status = field, status


def _check_refs(session: Session, data: dict) -> None:
    from core.models import Role, User
    from scripts_mgmt.models import ScorecardVersion, ScriptVersion

    if data.get("manager_id") is not None:
        user = session.get(User, data["manager_id"])
        if user is None or user.role not in (Role.MANAGER, Role.ADMIN):
            raise CampaignError("Not a manager.", "manager_id")
    if (
        data.get("script_version_id") is not None
        and session.get(ScriptVersion, data["script_version_id"]) is None
    ):
        raise CampaignError("No such script version.", "script_version_id")
    if (
        data.get("scorecard_version_id") is not None
        and session.get(ScorecardVersion, data["scorecard_version_id"]) is None
    ):
        raise CampaignError("No such scorecard version.", "scorecard_version_id")


def create_campaign(session: Session, data: dict, actor, now: datetime) -> Campaign:
    """A new campaign in draft, with the usual dispositions and pause reasons."""
    if session.scalar(select(Campaign.id).where(Campaign.code == data["code"])):
        raise CampaignError("This code is already used.", "code", 409)
    _check_refs(session, data)
    campaign = Campaign(
        **data,
        state=CampaignState.DRAFT,
        rules={},
        pause_reasons=list(DEFAULT_PAUSE_REASONS),
        created_by=actor.id,
        created_at=now,
        updated_at=now,
    )
    if campaign.manager_id is None:
        campaign.manager_id = actor.id
    session.add(campaign)
    session.flush()
    seed_dispositions(session, campaign.id)
    audit.record(session, actor, "campaign.create", "campaign", campaign.id, None, {"code": campaign.code})
    session.commit()
    return campaign


def update_campaign(session: Session, campaign: Campaign, data: dict, actor, now: datetime) -> Campaign:
    if (
        "code" in data
        and data["code"] != campaign.code
        and session.scalar(select(Campaign.id).where(Campaign.code == data["code"]))
    ):
        raise CampaignError("This code is already used.", "code", 409)
    if campaign.state not in (CampaignState.DRAFT, CampaignState.TRIAL):
        for key in FROZEN_AFTER_APPROVAL & set(data):
            if data[key] != getattr(campaign, key):
                raise CampaignError(
                    "Cannot change this after the trial is approved; stop for rectification "
                    "and return the campaign through trial instead.",
                    key,
                    409,
                )
    _check_refs(session, data)
    changed = {k: v for k, v in data.items() if getattr(campaign, k) != v}
    for key, value in changed.items():
        setattr(campaign, key, value)
    campaign.updated_at = now
    audit.record(
        session, actor, "campaign.update", "campaign", campaign.id, None, {"fields": sorted(changed)}
    )
    session.commit()
    return campaign
