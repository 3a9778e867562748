"""The campaign lifecycle as a pure state machine.

    draft --start_trial--> trial --return_to_draft--> draft
    trial --sign_off_trial--> approved        draft|trial --waive_trial--> approved
    approved --launch--> live <--pause/resume--> paused
    live|paused --stop_for_rectification--> stopped --resume_after_rectification--> live
    live|paused|stopped --complete--> completed --settle--> settled

`decide(state, action, facts)` returns the new state or a refusal with a
stable reason code; nothing here reads a database or a clock.  The service
collects the `Facts`.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from campaigns.models.campaign import CampaignState as S


class Action(str, enum.Enum):
    START_TRIAL = "start_trial"
    RETURN_TO_DRAFT = "return_to_draft"
    SIGN_OFF_TRIAL = "sign_off_trial"
    WAIVE_TRIAL = "waive_trial"
    LAUNCH = "launch"
    PAUSE = "pause"
    RESUME = "resume"
    STOP_FOR_RECTIFICATION = "stop_for_rectification"
    RESUME_AFTER_RECTIFICATION = "resume_after_rectification"
    COMPLETE = "complete"
    SETTLE = "settle"


TRANSITIONS: dict[Action, tuple[frozenset[S], S]] = {
    Action.START_TRIAL: (frozenset({S.DRAFT}), S.TRIAL),
    Action.RETURN_TO_DRAFT: (frozenset({S.TRIAL}), S.DRAFT),
    Action.SIGN_OFF_TRIAL: (frozenset({S.TRIAL}), S.APPROVED),
    Action.WAIVE_TRIAL: (frozenset({S.DRAFT, S.TRIAL}), S.APPROVED),
    Action.LAUNCH: (frozenset({S.APPROVED}), S.LIVE),
    Action.PAUSE: (frozenset({S.LIVE}), S.PAUSED),
    Action.RESUME: (frozenset({S.PAUSED}), S.LIVE),
    Action.STOP_FOR_RECTIFICATION: (frozenset({S.LIVE, S.PAUSED}), S.STOPPED),
    Action.RESUME_AFTER_RECTIFICATION: (frozenset({S.STOPPED}), S.LIVE),
    Action.COMPLETE: (frozenset({S.LIVE, S.PAUSED, S.STOPPED}), S.COMPLETED),
    Action.SETTLE: (frozenset({S.COMPLETED}), S.SETTLED),
}

# Actions whose "why" is part of the record: refused without one.
NEEDS_REASON = frozenset(
    {Action.RETURN_TO_DRAFT, Action.WAIVE_TRIAL, Action.STOP_FOR_RECTIFICATION, Action.PAUSE}
)

# Refusal codes and their message (English msgid; translated by the caller).
REASONS = {
    "not_allowed_from_state": "This action is not possible in the campaign's current state.",
    "reason_required": "A reason is required for this action.",
    "no_approved_script": "The campaign needs an approved script version.",
    "no_caller_id": "The campaign needs an active, verified caller ID in an assigned pool.",
    "no_leads": "The campaign has no leads to call.",
    "no_trial_agents": "No trial agents are designated for this campaign.",
    "trial_not_signed_off": "Formal calling needs the trial sign-off or a recorded waiver.",
    "rectification_not_approved": "Resuming needs a manager's approval of the rectification, with a note.",
    "no_corrective_action": "The rectification has no corrective action recorded.",
    "no_final_settlement": "Settling needs a final settlement.",
}


@dataclass(frozen=True)
class Facts:
    """What the guards look at, gathered by the service."""

    has_approved_script: bool = False
    has_caller_id: bool = False
    has_leads: bool = False
    has_trial_agents: bool = False
    trial_signed_off: bool = False
    trial_waived: bool = False
    rectification_approved: bool = False
    rectification_has_action: bool = False
    has_final_settlement: bool = False
    reason_given: bool = False


@dataclass(frozen=True)
class Decision:
    allowed: bool
    to_state: S | None = None
    refusals: tuple[str, ...] = ()

    @property
    def reason(self) -> str | None:
        return self.refusals[0] if self.refusals else None

    @property
    def messages(self) -> list[str]:
        return [REASONS[code] for code in self.refusals]


def _ready_to_call(facts: Facts) -> list[str]:
    missing = []
    if not facts.has_approved_script:
        missing.append("no_approved_script")
    if not facts.has_caller_id:
        missing.append("no_caller_id")
    if not facts.has_leads:
        missing.append("no_leads")
    return missing


def decide(state: S, action: Action, facts: Facts) -> Decision:
    """The new state, or every reason the action is refused."""
    sources, target = TRANSITIONS[action]
    if state not in sources:
        return Decision(False, refusals=("not_allowed_from_state",))
    refusals: list[str] = []
    if action in NEEDS_REASON and not facts.reason_given:
        refusals.append("reason_required")
    if action is Action.START_TRIAL:
        refusals += _ready_to_call(facts)
        if not facts.has_trial_agents:
            refusals.append("no_trial_agents")
    elif action is Action.LAUNCH:
        if not (facts.trial_signed_off or facts.trial_waived):
            refusals.append("trial_not_signed_off")
        refusals += _ready_to_call(facts)
    elif action in (Action.RESUME, Action.RESUME_AFTER_RECTIFICATION):
        refusals += [r for r in _ready_to_call(facts) if r != "no_leads"]
        if action is Action.RESUME_AFTER_RECTIFICATION:
            if not facts.rectification_has_action:
                refusals.append("no_corrective_action")
            if not facts.rectification_approved:
                refusals.append("rectification_not_approved")
    elif action is Action.SETTLE and not facts.has_final_settlement:
        refusals.append("no_final_settlement")
    if refusals:
        return Decision(False, refusals=tuple(refusals))
    return Decision(True, to_state=target)


def actions_from(state: S) -> list[Action]:
    """The actions that exist from a state (guards not checked): the buttons to show."""
    return [a for a, (sources, _) in TRANSITIONS.items() if state in sources]
