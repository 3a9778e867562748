"""The dialer's view of telephony: one abstract port and the plain events it emits.

The dialer drives a pod only through :class:`TelephonyPort`. Commands may be
called from any thread (they only enqueue work); :meth:`TelephonyPort.poll`
must be called by the one thread that owns the SIP stack and returns the
events that happened since the last poll.
"""
from __future__ import annotations

import abc
from dataclasses import dataclass, field
from enum import Enum
from typing import Callable, Protocol

from telephony.outcomes import Outcome

__all__ = [
    "Outcome", "LegKind", "NoCapacity", "RateLimited", "TelephonyPort", "Authenticator",
    "Event", "LegRinging", "LegEarlyMedia", "LegAnswered", "LegEnded", "DtmfReceived",
    "TrunkRegistration", "AgentConnected", "AgentIdentified", "AgentDisconnected",
    "BridgeConnected", "BridgeRemoved", "PromptEnded", "RecordingFinished", "AmdDecided",
    "AmdDetectorLike",
]

Authenticator = Callable[[str], "str | None"]   # PIN -> agent id, None if unknown


class LegKind(str, Enum):
    CUSTOMER = "customer"
    AGENT = "agent"
    MONITOR = "monitor"


class NoCapacity(Exception):
    """The pod holds its call limit; try later or on another pod."""


class RateLimited(NoCapacity):
    """Call starts are coming faster than the configured rate; retry after ``retry_after`` s."""

    def __init__(self, retry_after: float):
        super().__init__(f"call start rate exceeded, retry in {retry_after:.3f}s")
        self.retry_after = retry_after


@dataclass(frozen=True)
class Event:
    at: float = field(kw_only=True)          # time.monotonic() when it happened


@dataclass(frozen=True)
class LegRinging(Event):
    leg: str


@dataclass(frozen=True)
class LegEarlyMedia(Event):
    leg: str


@dataclass(frozen=True)
class LegAnswered(Event):
    leg: str
    kind: LegKind


@dataclass(frozen=True)
class LegEnded(Event):
    leg: str
    kind: LegKind
    outcome: Outcome
    status: int               # raw final SIP status (0 if none was received)
    reason: str
    answered_at: float | None
    hangup_by_us: bool


@dataclass(frozen=True)
class DtmfReceived(Event):
    leg: str
    digit: str


@dataclass(frozen=True)
class TrunkRegistration(Event):
    trunk: str
    registered: bool
    status: int
    reason: str
    expires: int


@dataclass(frozen=True)
class AgentConnected(Event):
    leg: str
    remote_uri: str
    inbound: bool


@dataclass(frozen=True)
class AgentIdentified(Event):
    leg: str
    agent_id: str


@dataclass(frozen=True)
class AgentDisconnected(Event):
    leg: str
    agent_id: str | None
    status: int
    reason: str


@dataclass(frozen=True)
class BridgeConnected(Event):
    customer_leg: str
    agent_leg: str


@dataclass(frozen=True)
class BridgeRemoved(Event):
    customer_leg: str
    agent_leg: str


@dataclass(frozen=True)
class PromptEnded(Event):
    leg: str
    prompt_id: str
    completed: bool           # False when the leg ended or the prompt was stopped first


@dataclass(frozen=True)
class RecordingFinished(Event):
    recording_id: str
    legs: tuple[str, ...]
    files: tuple[str, ...]    # mixed: one file; per-leg: one per leg, same order as ``legs``


@dataclass(frozen=True)
class AmdDecided(Event):
    leg: str
    decision: str             # HUMAN / MACHINE / NOTSURE (the AMD detector's names)
    detail: object = None     # the detector's own result object, when it gave one


class AmdDetectorLike(Protocol):
    """What the port needs from an answering-machine detector: fed levels, returns a result or None."""

    def feed(self, t_ms: int, level: int): ...


class TelephonyPort(abc.ABC):
    """One pod's SIP side: customer legs over trunks, agent legs, bridge, prompts, recording."""

    # lifecycle (owner thread)
    @abc.abstractmethod
    def start(self) -> None: ...

    @abc.abstractmethod
    def stop(self) -> list["Event"]:
        """Hang up everything, release every stack object, shut the stack down; returns the last events."""

    @abc.abstractmethod
    def poll(self, timeout_ms: int = 10) -> list[Event]:
        """Run the stack for up to ``timeout_ms``, run queued commands, return new events."""

    # capacity
    @property
    @abc.abstractmethod
    def call_limit(self) -> int: ...

    @property
    @abc.abstractmethod
    def active_legs(self) -> int: ...

    # trunks
    @abc.abstractmethod
    def add_trunk(self, trunk) -> None: ...

    # legs (any thread)
    @abc.abstractmethod
    def originate(self, trunk: str, number: str, caller_id: str, *, display_name: str | None = None,
                  ring_timeout_s: float = 30.0, amd: bool = False) -> str:
        """Place a customer call; returns the leg id or raises NoCapacity / RateLimited."""

    @abc.abstractmethod
    def call_agent(self, uri: str, agent_id: str, *, ring_timeout_s: float = 30.0) -> str:
        """Call an agent's softphone at login; the leg is identified as ``agent_id`` when answered."""

    @abc.abstractmethod
    def hangup(self, leg: str, status: int = 0) -> None: ...

    @abc.abstractmethod
    def send_dtmf(self, leg: str, digits: str) -> None: ...

    # media (any thread)
    @abc.abstractmethod
    def bridge(self, customer_leg: str, agent_leg: str) -> None: ...

    @abc.abstractmethod
    def unbridge(self, customer_leg: str, agent_leg: str) -> None: ...

    @abc.abstractmethod
    def play(self, leg: str, wav_path: str, *, loop: bool = False) -> str:
        """Play a WAV into a leg; returns a prompt id, PromptEnded follows."""

    @abc.abstractmethod
    def stop_prompt(self, prompt_id: str) -> None: ...

    @abc.abstractmethod
    def record(self, legs: tuple[str, ...], path: str, *, per_leg: bool = False) -> str:
        """Record legs to WAV (one mixed file at ``path``, or ``<stem>.<leg>.wav`` per leg)."""

    @abc.abstractmethod
    def stop_recording(self, recording_id: str) -> None: ...

    @abc.abstractmethod
    def monitor(self, customer_leg: str, agent_leg: str, monitor_leg: str) -> None:
        """Let ``monitor_leg`` hear both sides of a bridge without being heard."""

    @abc.abstractmethod
    def stop_monitor(self, monitor_leg: str) -> None: ...

    # owner thread only
    @abc.abstractmethod
    def rx_level(self, leg: str) -> int:
        """Level (0..255) of the audio the remote party is sending on ``leg``."""
