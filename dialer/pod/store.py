"""The pod's database writes and reads, each in a short transaction of its own.

A call-attempt row is written when the call is placed, updated as it rings,
is answered and bridged, and closed when it ends; so a pod that dies leaves
open rows that the sweeper (or the restarted pod) closes as interrupted.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select, update

from campaigns.models import Campaign, Lead, LeadStatus, Trunk, campaign_agents
from core.db import db
from core.models import User
from dialer.models import AgentSession, AgentState, AgentStateInterval, CallAttempt, CallOutcome
from dialer.outcome_rules import after_attempt


@dataclass
class CampaignRuntime:
    id: int
    code: str
    state: str
    dial_mode: str
    dial_settings: dict
    rules: dict
    machine_action: str
    voicemail_audio: str | None
    safe_harbour_audio: str | None
    wrapup_seconds: int
    recording_enabled: bool
    script_version_id: int | None
    amd_enabled: bool
    ring_timeout: float
    abandon_cap: float
    abandon_window_s: float
    safe_harbour_s: float
    trial_agents: set[int] = field(default_factory=set)


def load_campaign(campaign_id: int) -> CampaignRuntime | None:
    from campaigns.rules.effective import campaign_rules
    from scripts_mgmt.pinning import version_for_new_call

    with db.transaction() as s:
        c = s.get(Campaign, campaign_id)
        if c is None:
            return None
        rules = campaign_rules(c)
        script_version_id = version_for_new_call(s, campaign_id)
        trial = {row.user_id for row in s.execute(
            select(campaign_agents.c.user_id).where(campaign_agents.c.campaign_id == campaign_id,
                                                    campaign_agents.c.trial_agent.is_(True)))}
        settings = dict(c.dial_settings or {})
        return CampaignRuntime(
            id=c.id, code=c.code, state=c.state.value, dial_mode=c.dial_mode or "predictive",
            dial_settings=settings, rules=rules, machine_action=c.machine_action or "hangup",
            voicemail_audio=c.voicemail_audio, safe_harbour_audio=c.safe_harbour_audio,
            wrapup_seconds=c.wrapup_seconds or 30, recording_enabled=c.recording_enabled,
            script_version_id=script_version_id, amd_enabled=bool(settings.get("amd", True)),
            ring_timeout=float(max(rules.get("ring_timeout_seconds", 20), rules.get("min_ring_seconds", 15))),
            abandon_cap=float(rules.get("abandon_cap", 0.03)),
            abandon_window_s=float(rules.get("abandon_window_hours", 24)) * 3600,
            safe_harbour_s=float(rules.get("safe_harbour_seconds", 2)),
            trial_agents=trial,
        )


def agent_for_pin(pin: str) -> int | None:
    if not pin or not pin.isdigit() or len(pin) > 16:
        return None
    with db.transaction() as s:
        user = s.scalar(select(User).where(User.agent_pin == pin, User.active.is_(True)))
        return user.id if user is not None else None


def agent_campaigns(agent_id: int) -> list[int]:
    with db.transaction() as s:
        return [r[0] for r in s.execute(select(campaign_agents.c.campaign_id)
                                        .where(campaign_agents.c.user_id == agent_id))]


def trunks() -> list[Trunk]:
    with db.transaction() as s:
        return list(s.scalars(select(Trunk).where(Trunk.active.is_(True))))


def lead_for_dial(lead_id: int) -> Lead | None:
    with db.transaction() as s:
        return s.get(Lead, lead_id)


def open_attempt(*, uuid: str, campaign_id: int, lead_id: int | None, phone: str, caller_id_id: int | None,
                 caller_id_number: str | None, trunk_id: int | None, pod_id: str, script_version_id: int | None,
                 dial_mode: str, is_trial: bool, now: datetime, agent_id: int | None = None) -> int:
    with db.transaction() as s:
        attempt = CallAttempt(uuid=uuid, campaign_id=campaign_id, lead_id=lead_id, phone_e164=phone,
                              caller_id_id=caller_id_id, caller_id_number=caller_id_number, trunk_id=trunk_id,
                              pod_id=pod_id, script_version_id=script_version_id, dial_mode=dial_mode,
                              is_trial=is_trial, dialed_at=now, agent_id=agent_id)
        s.add(attempt)
        if lead_id is not None:
            s.execute(update(Lead).where(Lead.id == lead_id).values(status=LeadStatus.DIALING))
        s.flush()
        return attempt.id


def update_attempt(attempt_id: int, **values) -> None:
    with db.transaction() as s:
        s.execute(update(CallAttempt).where(CallAttempt.id == attempt_id).values(**values))


def close_attempt(attempt_id: int, outcome: str, now: datetime, **values) -> None:
    """Close the attempt and settle its lead by the outcome rules (a bridged
    call's lead waits for the agent's disposition)."""
    from campaigns.rules.effective import campaign_rules

    with db.transaction() as s:
        attempt = s.get(CallAttempt, attempt_id)
        if attempt is None or attempt.ended_at is not None:
            return
        attempt.outcome = CallOutcome(outcome)
        attempt.ended_at = now
        for key, value in values.items():
            setattr(attempt, key, value)
        if attempt.lead_id is None:
            return
        lead = s.get(Lead, attempt.lead_id)
        if lead is None:
            return
        lead.attempt_count = (lead.attempt_count or 0) + 1
        lead.last_attempt_at = attempt.dialed_at
        lead.last_outcome = outcome
        if lead.status in (LeadStatus.DNC, LeadStatus.DONE, LeadStatus.INVALID):
            return  # a disposition or a DNC add got there first
        campaign = s.get(Campaign, attempt.campaign_id)
        step = after_attempt(outcome, lead.attempt_count, campaign_rules(campaign), now)
        lead.status = LeadStatus(step.status)
        lead.next_attempt_at = step.next_attempt_at
        if step.lockout_until is not None:
            lead.lockout_until = step.lockout_until


def start_session(agent_id: int, campaign_id: int | None, pod_id: str, method: str, uri: str | None,
                  now: datetime) -> int:
    with db.transaction() as s:
        row = AgentSession(agent_id=agent_id, campaign_id=campaign_id, pod_id=pod_id, login_method=method,
                           softphone_uri=uri, login_at=now)
        s.add(row)
        s.flush()
        return row.id


def end_session(session_id: int, now: datetime, reason: str) -> None:
    with db.transaction() as s:
        s.execute(update(AgentSession).where(AgentSession.id == session_id, AgentSession.logout_at.is_(None))
                  .values(logout_at=now, end_reason=reason))
        s.execute(update(AgentStateInterval).where(AgentStateInterval.session_id == session_id,
                                                   AgentStateInterval.ended_at.is_(None)).values(ended_at=now))


def switch_interval(prev_id: int | None, session_id: int, agent_id: int, campaign_id: int | None, state: str,
                    reason: str | None, attempt_id: int | None, now: datetime) -> int:
    """End the previous state interval and start the next one, atomically."""
    with db.transaction() as s:
        if prev_id is not None:
            s.execute(update(AgentStateInterval).where(AgentStateInterval.id == prev_id).values(ended_at=now))
        row = AgentStateInterval(session_id=session_id, agent_id=agent_id, campaign_id=campaign_id,
                                 state=AgentState(state), reason=reason, attempt_id=attempt_id, started_at=now)
        s.add(row)
        s.flush()
        return row.id


def set_session_campaign(session_id: int, campaign_id: int) -> None:
    with db.transaction() as s:
        s.execute(update(AgentSession).where(AgentSession.id == session_id).values(campaign_id=campaign_id))


def sweep_pod(pod_id: str, now: datetime) -> dict:
    """Close what a dead pod left open: its attempts as interrupted (their
    leads rescheduled), its agent sessions and state intervals."""
    with db.transaction() as s:
        open_ids = list(s.scalars(select(CallAttempt.id).where(CallAttempt.pod_id == pod_id,
                                                              CallAttempt.ended_at.is_(None))))
        sessions = list(s.scalars(select(AgentSession.id).where(AgentSession.pod_id == pod_id,
                                                               AgentSession.logout_at.is_(None))))
    for attempt_id in open_ids:
        close_attempt(attempt_id, "interrupted", now, hangup_by="dialer")
    for session_id in sessions:
        end_session(session_id, now, "pod_died")
    return {"attempts": len(open_ids), "sessions": len(sessions)}


def pods_with_open_work() -> set[str]:
    with db.transaction() as s:
        a = set(s.scalars(select(CallAttempt.pod_id).where(CallAttempt.ended_at.is_(None),
                                                           CallAttempt.pod_id.is_not(None)).distinct()))
        b = set(s.scalars(select(AgentSession.pod_id).where(AgentSession.logout_at.is_(None),
                                                           AgentSession.pod_id.is_not(None)).distinct()))
    return a | b
