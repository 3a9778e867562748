"""Lifecycle service: guards from real data, the audited timeline, Redis state for the pods."""

import json

import pytest
from sqlalchemy import select

from campaigns.lifecycle.machine import Action
from campaigns.lifecycle.service import (
    RectificationError,
    TransitionRefused,
    approve_rectification,
    transition,
    update_rectification,
)
from campaigns.models import CampaignState, CampaignTransition, Lead, Rectification, Settlement
from core import events
from core.models import AuditLog
from tests.campaigns.factories import make_campaign, utc

NOW = utc(2026, 11, 23, 3, 0)


def _listen(redis_client):
    pubsub = redis_client.pubsub()
    pubsub.subscribe(events.CAMPAIGN_EVENTS)
    pubsub.get_message(timeout=1)  # the subscribe confirmation
    return pubsub


def _next_state_message(pubsub):
    message = pubsub.get_message(timeout=2)
    while message is not None and message["type"] != "message":
        message = pubsub.get_message(timeout=2)
    return json.loads(message["data"])


def test_full_lifecycle_publishes_each_state(session, users, redis_client):
    manager = users["manager"]
    campaign = make_campaign(session, trial_agents=[users["agent"]])
    pubsub = _listen(redis_client)
    steps = [
        (Action.START_TRIAL, None, "trial"),
        (Action.RETURN_TO_DRAFT, "script greeting too long", "draft"),
        (Action.START_TRIAL, None, "trial"),
        (Action.SIGN_OFF_TRIAL, "client approved 20 calls", "approved"),
        (Action.LAUNCH, None, "live"),
        (Action.PAUSE, "lunch", "paused"),
        (Action.RESUME, None, "live"),
        (Action.STOP_FOR_RECTIFICATION, "complaint from a customer", "stopped"),
    ]
    for action, reason, state in steps:
        transition(
            session,
            campaign,
            action,
            manager,
            NOW,
            reason=reason,
            redis=redis_client,
            corrective_action="retrain agents" if action is Action.STOP_FOR_RECTIFICATION else None,
        )
        assert redis_client.get(events.campaign_state_key(campaign.id)) == state
        message = _next_state_message(pubsub)
        assert (message["campaign_id"], message["state"]) == (campaign.id, state)
    approve_rectification(session, campaign, manager, NOW, "checked the retraining records")
    transition(session, campaign, Action.RESUME_AFTER_RECTIFICATION, manager, NOW, redis=redis_client)
    assert redis_client.get(events.campaign_state_key(campaign.id)) == "live"
    transition(session, campaign, Action.COMPLETE, manager, NOW, redis=redis_client)
    session.add(Settlement(campaign_id=campaign.id, month="2026-11", status="final"))
    session.commit()
    transition(session, campaign, Action.SETTLE, manager, NOW, redis=redis_client)
    assert campaign.state is CampaignState.SETTLED
    rows = session.scalars(
        select(CampaignTransition)
        .where(CampaignTransition.campaign_id == campaign.id)
        .order_by(CampaignTransition.id)
    ).all()
    assert [r.action for r in rows][-3:] == ["resume_after_rectification", "complete", "settle"]
    assert rows[1].reason == "script greeting too long" and rows[1].actor_id == manager.id
    assert (
        campaign.trial_signed_off_by == manager.id
        and campaign.trial_signoff_note == "client approved 20 calls"
    )
    audits = session.scalars(select(AuditLog.action).where(AuditLog.object_type == "campaign")).all()
    assert audits.count("campaign.start_trial") == 2 and "campaign.settle" in audits


def test_trial_refused_without_script_caller_id_leads(session, users, redis_client):
    campaign = make_campaign(session, approved_script=False, caller_id=False, leads=0)
    with pytest.raises(TransitionRefused) as exc:
        transition(session, campaign, Action.START_TRIAL, users["manager"], NOW, redis=redis_client)
    assert set(exc.value.decision.refusals) == {
        "no_approved_script",
        "no_caller_id",
        "no_leads",
        "no_trial_agents",
    }
    assert campaign.state is CampaignState.DRAFT
    assert redis_client.get(events.campaign_state_key(campaign.id)) is None
    assert session.scalars(select(CampaignTransition)).all() == []


def test_start_trial_draws_a_sample(session, users):
    campaign = make_campaign(session, leads=30, trial_agents=[users["agent"]], trial_sample_size=10)
    transition(session, campaign, Action.START_TRIAL, users["manager"], NOW)
    assert session.query(Lead).filter(Lead.in_trial_sample.is_(True)).count() == 10


def test_waiver_recorded_and_lets_launch(session, users):
    campaign = make_campaign(session)
    with pytest.raises(TransitionRefused) as exc:
        transition(session, campaign, Action.WAIVE_TRIAL, users["manager"], NOW)
    assert exc.value.decision.refusals == ("reason_required",)
    transition(
        session, campaign, Action.WAIVE_TRIAL, users["manager"], NOW, reason="repeat client, same script"
    )
    assert campaign.trial_waived and campaign.trial_waived_by == users["manager"].id
    transition(session, campaign, Action.LAUNCH, users["manager"], NOW)
    assert campaign.state is CampaignState.LIVE and campaign.started_at == NOW


def test_launch_refused_without_sign_off(session, users):
    campaign = make_campaign(session, state=CampaignState.APPROVED)
    with pytest.raises(TransitionRefused) as exc:
        transition(session, campaign, Action.LAUNCH, users["manager"], NOW)
    assert exc.value.decision.refusals == ("trial_not_signed_off",)


def test_resume_after_rectification_needs_approval(session, users):
    campaign = make_campaign(session, state=CampaignState.LIVE)
    manager = users["manager"]
    transition(
        session,
        campaign,
        Action.STOP_FOR_RECTIFICATION,
        manager,
        NOW,
        reason="recording gaps",
        owner_id=users["technician"].id,
    )
    rect = session.scalar(select(Rectification))
    assert (rect.reason, rect.owner_id, rect.corrective_action) == (
        "recording gaps",
        users["technician"].id,
        "",
    )
    with pytest.raises(TransitionRefused) as exc:
        transition(session, campaign, Action.RESUME_AFTER_RECTIFICATION, manager, NOW)
    assert set(exc.value.decision.refusals) == {"no_corrective_action", "rectification_not_approved"}
    with pytest.raises(RectificationError):
        approve_rectification(session, campaign, manager, NOW, "ok")  # no corrective action yet
    update_rectification(session, campaign, manager, NOW, corrective_action="replaced the recorder disk")
    with pytest.raises(RectificationError):
        approve_rectification(session, campaign, manager, NOW, "  ")
    approve_rectification(session, campaign, manager, NOW, "verified 10 new recordings")
    transition(session, campaign, Action.RESUME_AFTER_RECTIFICATION, manager, NOW)
    assert campaign.state is CampaignState.LIVE
    with pytest.raises(RectificationError):
        approve_rectification(session, campaign, manager, NOW, "again")
