"""Which script and scorecard version a campaign uses, and the version a new
call is stamped with.

A campaign pins an approved version.  Changing the pin of a campaign that is
calling (live, paused or stopped for rectification) needs an explicit
approval note; calls already placed keep the version they were stamped with
(`CallAttempt.script_version_id`), so the change applies to new calls only.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from core.audit import record
from scripts_mgmt.errors import ScriptsError
from scripts_mgmt.models import ScorecardVersion, ScriptVersion, VersionStatus

CALLING_STATES = ("live", "paused", "stopped")
CLOSED_STATES = ("completed", "settled")


def _check_campaign(campaign, approval_note: str | None) -> str | None:
    state = campaign.state.value
    if state in CLOSED_STATES:
        raise ScriptsError(
            "Campaign %(code)s is %(state)s; its versions can no longer change.",
            409,
            code=campaign.code,
            state=state,
        )
    note = (approval_note or "").strip() or None
    if state in CALLING_STATES and note is None:
        raise ScriptsError(
            "Campaign %(code)s is %(state)s: changing its version needs an approval note.",
            422,
            "approval_note",
            code=campaign.code,
            state=state,
        )
    return note


def pin_version(session: Session, campaign, version: ScriptVersion, actor, approval_note: str | None = None):
    """Pin an approved script version to a campaign (audited).  New calls use it."""
    if version.status is not VersionStatus.APPROVED:
        raise ScriptsError(
            "Only an approved version can be pinned; version %(number)s is %(status)s.",
            409,
            "version_id",
            number=version.number,
            status=version.status.value,
        )
    if version.script.campaign_id is not None and version.script.campaign_id != campaign.id:
        raise ScriptsError(
            "This script belongs to another campaign; import a copy instead.", 409, "version_id"
        )
    note = _check_campaign(campaign, approval_note)
    previous = campaign.script_version_id
    if previous == version.id:
        return campaign
    campaign.script_version_id = version.id
    session.flush()
    record(
        session,
        actor,
        "campaign.script_pin",
        "campaign",
        campaign.id,
        reason=note,
        details={
            "from_version_id": previous,
            "to_version_id": version.id,
            "script_id": version.script_id,
            "number": version.number,
            "campaign_state": campaign.state.value,
        },
    )
    return campaign


def version_for_new_call(session: Session, campaign_id: int) -> int | None:
    """The script version id to stamp on a call placed now (None: no approved pin)."""
    from campaigns.models import Campaign

    campaign = session.get(Campaign, campaign_id)
    if campaign is None or campaign.script_version_id is None:
        return None
    version = session.get(ScriptVersion, campaign.script_version_id)
    return version.id if version is not None and version.status is VersionStatus.APPROVED else None


def pin_scorecard(
    session: Session, campaign, version: ScorecardVersion, actor, approval_note: str | None = None
):
    """Pin an approved scorecard version to a campaign (audited), under the same rules."""
    if version.status is not VersionStatus.APPROVED:
        raise ScriptsError(
            "Only an approved version can be pinned; version %(number)s is %(status)s.",
            409,
            "version_id",
            number=version.number,
            status=version.status.value,
        )
    if version.scorecard.campaign_id is not None and version.scorecard.campaign_id != campaign.id:
        raise ScriptsError("This scorecard belongs to another campaign.", 409, "version_id")
    note = _check_campaign(campaign, approval_note)
    previous = campaign.scorecard_version_id
    if previous == version.id:
        return campaign
    campaign.scorecard_version_id = version.id
    session.flush()
    record(
        session,
        actor,
        "campaign.scorecard_pin",
        "campaign",
        campaign.id,
        reason=note,
        details={"from_version_id": previous, "to_version_id": version.id, "number": version.number},
    )
    return campaign
