"""What a pod knows about its agents and calls, in memory, and the pure
decisions on it: who is the longest-idle ready agent, what the pacing
snapshot of a campaign is.  Everything here can be rebuilt after a crash from
the database and Redis; nothing is needed after the pod dies."""
from __future__ import annotations

from dataclasses import dataclass, field

from dialer.pacing import PacingSnapshot


@dataclass
class AgentSlot:
    agent_id: int
    leg: str
    session_id: int | None = None
    campaign_id: int | None = None
    state: str = "paused"  # ready / paused / talking / wrapup / preview
    reason: str | None = "login"
    since: float = 0.0  # monotonic
    since_wall: float = 0.0  # epoch, for the web
    interval_id: int | None = None
    call_uuid: str | None = None  # talking or wrapping up this call
    wrapup_deadline: float | None = None  # monotonic
    wrapup_deadline_wall: float = 0.0
    trial_agent: bool = False
    preview_lead_id: int | None = None
    next_after_wrapup: str = "ready"
    next_reason: str | None = None


@dataclass
class CallSlot:
    uuid: str
    attempt_id: int
    campaign_id: int
    lead_id: int | None
    phone: str
    leg: str | None = None
    dialed_at: float = 0.0
    ring_at: float | None = None
    answered_at: float | None = None
    human_at: float | None = None  # when it was known to be a person (answer, or AMD decision)
    bridged_at: float | None = None
    agent_id: int | None = None
    state: str = "dialing"  # dialing / ringing / answered / waiting / bridged / safe_harbour / voicemail / ending
    outcome: str | None = None  # set when the pod decided (human, machine, abandoned)
    amd_result: str | None = None
    amd_cause: str | None = None
    recording_id: str | None = None
    recording_path: str | None = None
    prompt_id: str | None = None
    manual: bool = False
    is_trial: bool = False
    monitors: list[str] = field(default_factory=list)

    @property
    def in_flight(self) -> bool:
        return self.state in ("dialing", "ringing", "answered")

    @property
    def waiting(self) -> bool:
        return self.state == "waiting"


def longest_idle_ready(agents: list[AgentSlot], campaign_id: int, trial_only: bool = False) -> AgentSlot | None:
    """The ready agent of the campaign who has waited longest (fairness and occupancy)."""
    best = None
    for agent in agents:
        if agent.state != "ready" or agent.campaign_id != campaign_id:
            continue
        if trial_only and not agent.trial_agent:
            continue
        if best is None or agent.since < best.since:
            best = agent
    return best


def snapshot(now: float, agents: list[AgentSlot], calls: list[CallSlot], campaign_id: int,
             trial_only: bool = False) -> PacingSnapshot:
    mine = [a for a in agents if a.campaign_id == campaign_id and (a.trial_agent or not trial_only)]
    auto_calls = [c for c in calls if c.campaign_id == campaign_id and not c.manual]
    return PacingSnapshot(
        now=now,
        agents_ready=sum(1 for a in mine if a.state == "ready"),
        agents_busy=sum(1 for a in mine if a.state in ("talking", "wrapup")),
        calls_dialing=sum(1 for c in auto_calls if c.in_flight),
        calls_waiting=sum(1 for c in auto_calls if c.waiting),
    )
