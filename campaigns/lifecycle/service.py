"""Applies lifecycle actions: gathers the guard facts, asks the pure machine,
writes the timeline (CampaignTransition + audit log) and the side records
(sign-off, waiver, rectification), commits, then tells the pods.

Pods read `campaign:<id>:state` from Redis on every tick, so the state is
published right after the commit that changed it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from campaigns.lifecycle.machine import Action, Decision, Facts, decide
from campaigns.models import (
    CallerId,
    Campaign,
    CampaignTransition,
    Lead,
    LeadStatus,
    Rectification,
    Settlement,
    campaign_agents,
    campaign_caller_pools,
)
from core import audit, events
from core.models import User


class TransitionRefused(Exception):
    def __init__(self, decision: Decision):
        super().__init__(", ".join(decision.refusals))
        self.decision = decision


class RectificationError(Exception):
    """Approving or editing a rectification that is not open."""


CALLABLE_STATUSES = (LeadStatus.NEW, LeadStatus.QUEUED, LeadStatus.RETRY, LeadStatus.CALLBACK)


def has_usable_caller_id(session: Session, campaign_id: int) -> bool:
    return bool(
        session.scalar(
            select(
                exists().where(
                    CallerId.pool_id == campaign_caller_pools.c.pool_id,
                    campaign_caller_pools.c.campaign_id == campaign_id,
                    CallerId.active.is_(True),
                    CallerId.verified.is_(True),
                )
            )
        )
    )


def current_rectification(session: Session, campaign_id: int) -> Rectification | None:
    return session.scalar(
        select(Rectification)
        .where(Rectification.campaign_id == campaign_id)
        .order_by(Rectification.opened_at.desc(), Rectification.id.desc())
        .limit(1)
    )


def gather_facts(session: Session, campaign: Campaign, reason: str | None = None) -> Facts:
    from scripts_mgmt.models import ScriptVersion, VersionStatus

    version = session.get(ScriptVersion, campaign.script_version_id) if campaign.script_version_id else None
    rect = current_rectification(session, campaign.id)
    return Facts(
        has_approved_script=version is not None and version.status == VersionStatus.APPROVED,
        has_caller_id=has_usable_caller_id(session, campaign.id),
        has_leads=bool(
            session.scalar(
                select(exists().where(Lead.campaign_id == campaign.id, Lead.status.in_(CALLABLE_STATUSES)))
            )
        ),
        has_trial_agents=bool(
            session.scalar(
                select(
                    exists().where(
                        campaign_agents.c.campaign_id == campaign.id, campaign_agents.c.trial_agent.is_(True)
                    )
                )
            )
        ),
        trial_signed_off=campaign.trial_signed_off_at is not None,
        trial_waived=bool(campaign.trial_waived),
        rectification_approved=rect is not None and rect.approved_at is not None and bool(rect.approval_note),
        rectification_has_action=rect is not None and bool((rect.corrective_action or "").strip()),
        has_final_settlement=bool(
            session.scalar(
                select(exists().where(Settlement.campaign_id == campaign.id, Settlement.status == "final"))
            )
        ),
        reason_given=bool((reason or "").strip()),
    )


def check(session: Session, campaign: Campaign, action: Action, reason: str | None = "x") -> Decision:
    """What would happen (for the buttons); a reason is assumed to be given."""
    return decide(campaign.state, action, gather_facts(session, campaign, reason))


def transition(
    session: Session,
    campaign: Campaign,
    action: Action | str,
    actor: User | None,
    now: datetime,
    reason: str | None = None,
    redis=None,
    owner_id: int | None = None,
    corrective_action: str | None = None,
) -> CampaignTransition:
    """Apply `action`; raises TransitionRefused with every failing guard.
    Commits, then publishes the new state to Redis when `redis` is given."""
    action = Action(action)
    reason = (reason or "").strip() or None
    if action is Action.START_TRIAL:
        _ensure_trial_sample(session, campaign)
    decision = decide(campaign.state, action, gather_facts(session, campaign, reason))
    if not decision.allowed:
        session.rollback()
        raise TransitionRefused(decision)
    actor_id = actor.id if actor is not None else None
    details: dict = {}
    if action is Action.SIGN_OFF_TRIAL:
        campaign.trial_signed_off_by, campaign.trial_signed_off_at = actor_id, now
        campaign.trial_signoff_note = reason
    elif action is Action.WAIVE_TRIAL:
        campaign.trial_waived, campaign.trial_waived_by, campaign.trial_waiver_reason = True, actor_id, reason
    elif action is Action.LAUNCH and campaign.started_at is None:
        campaign.started_at = now
    elif action is Action.COMPLETE:
        campaign.completed_at = now
    elif action is Action.STOP_FOR_RECTIFICATION:
        rect = Rectification(
            campaign_id=campaign.id,
            reason=reason,
            owner_id=owner_id or actor_id,
            corrective_action=(corrective_action or "").strip(),
            opened_by=actor_id,
            opened_at=now,
        )
        session.add(rect)
        session.flush()
        details["rectification_id"] = rect.id
    elif action is Action.RESUME_AFTER_RECTIFICATION:
        details["rectification_id"] = current_rectification(session, campaign.id).id
    before = campaign.state
    campaign.state = decision.to_state
    row = CampaignTransition(
        campaign_id=campaign.id,
        from_state=before,
        to_state=decision.to_state,
        action=action.value,
        at=now,
        actor_id=actor_id,
        reason=reason,
        details=details,
    )
    session.add(row)
    audit.record(
        session,
        actor,
        f"campaign.{action.value}",
        "campaign",
        campaign.id,
        reason,
        {"from": before.value, "to": decision.to_state.value, **details},
    )
    session.commit()
    if redis is not None:
        events.publish_campaign_state(redis, campaign.id, campaign.state.value, now)
    return row


def _ensure_trial_sample(session: Session, campaign: Campaign) -> None:
    """A trial with no sample chosen yet gets a random one of the configured size."""
    from campaigns.trial.service import select_trial_sample

    if not session.scalar(
        select(exists().where(Lead.campaign_id == campaign.id, Lead.in_trial_sample.is_(True)))
    ):
        select_trial_sample(session, campaign, size=campaign.trial_sample_size)


def update_rectification(
    session: Session,
    campaign: Campaign,
    actor: User,
    now: datetime,
    corrective_action: str | None = None,
    owner_id: int | None = None,
) -> Rectification:
    rect = _open_rectification(session, campaign)
    if corrective_action is not None:
        rect.corrective_action = corrective_action.strip()
    if owner_id is not None:
        rect.owner_id = owner_id
    audit.record(
        session,
        actor,
        "rectification.update",
        "rectification",
        rect.id,
        None,
        {"corrective_action": rect.corrective_action, "owner_id": rect.owner_id},
    )
    session.commit()
    return rect


def approve_rectification(
    session: Session, campaign: Campaign, actor: User, now: datetime, note: str
) -> Rectification:
    """A manager's approval to resume, with a note; resuming checks it."""
    rect = _open_rectification(session, campaign)
    if not (note or "").strip():
        raise RectificationError("An approval note is required.")
    if not (rect.corrective_action or "").strip():
        raise RectificationError("The rectification has no corrective action recorded.")
    rect.approved_by, rect.approved_at, rect.approval_note = actor.id, now, note.strip()
    audit.record(
        session,
        actor,
        "rectification.approve",
        "rectification",
        rect.id,
        note.strip(),
        {"campaign_id": campaign.id},
    )
    session.commit()
    return rect


def _open_rectification(session: Session, campaign: Campaign) -> Rectification:
    from campaigns.models import CampaignState

    rect = current_rectification(session, campaign.id)
    if campaign.state != CampaignState.STOPPED or rect is None:
        raise RectificationError("The campaign is not stopped for rectification.")
    if rect.approved_at is not None:
        raise RectificationError("The rectification is already approved.")
    return rect
