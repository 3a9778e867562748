"""QA scorecards (FQA) of a campaign, versioned like scripts: draft (edited),
approved (frozen, pinnable), retired."""

from __future__ import annotations

import copy
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.audit import record
from core.clock import utcnow
from scripts_mgmt.errors import ScriptsError
from scripts_mgmt.models import Scorecard, ScorecardVersion, VersionStatus
from scripts_mgmt.scoring import item_problems


def create_scorecard(session: Session, actor, name: str, campaign_id: int | None = None) -> Scorecard:
    from campaigns.models import Campaign

    if campaign_id is not None and session.get(Campaign, campaign_id) is None:
        raise ScriptsError("Campaign %(id)s does not exist.", 404, "campaign_id", id=campaign_id)
    card = Scorecard(name=name, campaign_id=campaign_id)
    card.versions.append(
        ScorecardVersion(
            number=1,
            status=VersionStatus.DRAFT,
            items=[],
            pass_mark=80,
            created_by=getattr(actor, "id", None),
        )
    )
    session.add(card)
    session.flush()
    record(session, actor, "scorecard.create", "scorecard", card.id, details={"name": name})
    return card


def create_scorecard_draft(session: Session, card: Scorecard, actor) -> ScorecardVersion:
    draft = next((v for v in card.versions if v.status is VersionStatus.DRAFT), None)
    if draft is not None:
        raise ScriptsError(
            "Version %(number)s is already a draft; edit it instead.", 409, number=draft.number
        )
    source = max(card.versions, key=lambda v: v.number, default=None)
    version = ScorecardVersion(
        number=(source.number + 1) if source else 1,
        status=VersionStatus.DRAFT,
        items=copy.deepcopy(source.items or []) if source else [],
        pass_mark=source.pass_mark if source else 80,
        created_by=getattr(actor, "id", None),
    )
    card.versions.append(version)
    session.flush()
    record(
        session, actor, "scorecard.draft", "scorecard_version", version.id, details={"number": version.number}
    )
    return version


def update_scorecard_draft(
    session: Session,
    version: ScorecardVersion,
    actor,
    items: list | None = None,
    pass_mark: int | None = None,
) -> ScorecardVersion:
    if version.status is not VersionStatus.DRAFT:
        raise ScriptsError(
            "Only a draft can be edited; version %(number)s is %(status)s.",
            409,
            number=version.number,
            status=version.status.value,
        )
    if items is not None:
        version.items = items
    if pass_mark is not None:
        version.pass_mark = pass_mark
    session.flush()
    record(session, actor, "scorecard.edit", "scorecard_version", version.id)
    return version


def approve_scorecard(
    session: Session, version: ScorecardVersion, actor, note: str = "", now: datetime | None = None
) -> ScorecardVersion:
    if version.status is not VersionStatus.DRAFT:
        raise ScriptsError(
            "Only a draft can be approved; version %(number)s is %(status)s.",
            409,
            number=version.number,
            status=version.status.value,
        )
    problems = item_problems(version.items)
    if problems:
        raise ScriptsError(
            "The scorecard cannot be approved: %(problems)s.",
            409,
            "items",
            details={"problems": problems},
            problems="; ".join(problems),
        )
    version.status = VersionStatus.APPROVED
    version.approved_by = getattr(actor, "id", None)
    version.approved_at = now or utcnow()
    session.flush()
    record(
        session,
        actor,
        "scorecard.approve",
        "scorecard_version",
        version.id,
        reason=note or None,
        details={"scorecard_id": version.scorecard_id, "number": version.number},
    )
    return version


def retire_scorecard(session: Session, version: ScorecardVersion, actor, reason: str) -> ScorecardVersion:
    from campaigns.models import Campaign
    from scripts_mgmt.pinning import CLOSED_STATES

    if version.status is VersionStatus.RETIRED:
        raise ScriptsError("Version %(number)s is already retired.", 409, number=version.number)
    users = [
        c
        for c in session.scalars(select(Campaign).where(Campaign.scorecard_version_id == version.id))
        if c.state.value not in CLOSED_STATES
    ]
    if users:
        raise ScriptsError(
            "Version %(number)s is pinned by campaign %(campaign)s; pin another version first.",
            409,
            number=version.number,
            campaign=users[0].code,
        )
    version.status = VersionStatus.RETIRED
    session.flush()
    record(session, actor, "scorecard.retire", "scorecard_version", version.id, reason=reason)
    return version
