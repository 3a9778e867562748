"""The lifecycle state machine, pure: every transition and every guard."""

import pytest

from campaigns.lifecycle.machine import TRANSITIONS, Action, Facts, actions_from, decide
from campaigns.models import CampaignState as S

READY = Facts(
    has_approved_script=True, has_caller_id=True, has_leads=True, has_trial_agents=True, reason_given=True
)


@pytest.mark.parametrize(
    "state,action,target",
    [
        (S.DRAFT, Action.START_TRIAL, S.TRIAL),
        (S.TRIAL, Action.RETURN_TO_DRAFT, S.DRAFT),
        (S.TRIAL, Action.SIGN_OFF_TRIAL, S.APPROVED),
        (S.DRAFT, Action.WAIVE_TRIAL, S.APPROVED),
        (S.TRIAL, Action.WAIVE_TRIAL, S.APPROVED),
        (S.PAUSED, Action.RESUME, S.LIVE),
        (S.LIVE, Action.PAUSE, S.PAUSED),
        (S.LIVE, Action.STOP_FOR_RECTIFICATION, S.STOPPED),
        (S.PAUSED, Action.STOP_FOR_RECTIFICATION, S.STOPPED),
        (S.LIVE, Action.COMPLETE, S.COMPLETED),
        (S.STOPPED, Action.COMPLETE, S.COMPLETED),
    ],
)
def test_allowed_transitions(state, action, target):
    decision = decide(state, action, READY)
    assert decision.allowed and decision.to_state is target


def test_every_action_refused_from_every_other_state():
    for action, (sources, _) in TRANSITIONS.items():
        for state in set(S) - sources:
            decision = decide(state, action, READY)
            assert not decision.allowed and decision.reason == "not_allowed_from_state", (state, action)


def test_trial_needs_script_caller_id_leads_and_trial_agents():
    decision = decide(S.DRAFT, Action.START_TRIAL, Facts())
    assert not decision.allowed
    assert set(decision.refusals) == {"no_approved_script", "no_caller_id", "no_leads", "no_trial_agents"}
    for missing in ("has_approved_script", "has_caller_id", "has_leads", "has_trial_agents"):
        facts = Facts(**{**READY.__dict__, missing: False})
        assert not decide(S.DRAFT, Action.START_TRIAL, facts).allowed, missing


def test_launch_needs_sign_off_or_waiver():
    assert decide(S.APPROVED, Action.LAUNCH, READY).refusals == ("trial_not_signed_off",)
    assert decide(S.APPROVED, Action.LAUNCH, Facts(**{**READY.__dict__, "trial_signed_off": True})).allowed
    assert decide(S.APPROVED, Action.LAUNCH, Facts(**{**READY.__dict__, "trial_waived": True})).allowed
    no_caller = Facts(**{**READY.__dict__, "trial_waived": True, "has_caller_id": False})
    assert decide(S.APPROVED, Action.LAUNCH, no_caller).refusals == ("no_caller_id",)


def test_reasons_required():
    silent = Facts(**{**READY.__dict__, "reason_given": False})
    for state, action in [
        (S.TRIAL, Action.RETURN_TO_DRAFT),
        (S.DRAFT, Action.WAIVE_TRIAL),
        (S.LIVE, Action.STOP_FOR_RECTIFICATION),
        (S.LIVE, Action.PAUSE),
    ]:
        assert decide(state, action, silent).refusals == ("reason_required",)


def test_resume_after_rectification_needs_action_and_approval():
    d = decide(S.STOPPED, Action.RESUME_AFTER_RECTIFICATION, READY)
    assert set(d.refusals) == {"no_corrective_action", "rectification_not_approved"}
    ok = Facts(**{**READY.__dict__, "rectification_has_action": True, "rectification_approved": True})
    assert decide(S.STOPPED, Action.RESUME_AFTER_RECTIFICATION, ok).to_state is S.LIVE
    assert decide(S.STOPPED, Action.RESUME, ok).reason == "not_allowed_from_state"


def test_settle_needs_final_settlement():
    assert decide(S.COMPLETED, Action.SETTLE, READY).refusals == ("no_final_settlement",)
    ok = Facts(**{**READY.__dict__, "has_final_settlement": True})
    assert decide(S.COMPLETED, Action.SETTLE, ok).to_state is S.SETTLED


def test_actions_from_lists_the_buttons():
    assert actions_from(S.DRAFT) == [Action.START_TRIAL, Action.WAIVE_TRIAL]
    assert actions_from(S.SETTLED) == []
    assert set(actions_from(S.LIVE)) == {Action.PAUSE, Action.STOP_FOR_RECTIFICATION, Action.COMPLETE}
