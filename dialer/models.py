"""What the dialer writes: a call attempt per dial, agent sessions and the
state intervals that seat hours are computed from."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.clock import utcnow
from core.db import Base
from core.models import enum_column
from core.types import UTCDateTime


class CallOutcome(str, enum.Enum):
    HUMAN = "human"  # a person answered and was bridged to an agent
    ABANDONED = "abandoned"  # a person answered and no agent within 2 s
    MACHINE = "machine"
    NO_ANSWER = "no_answer"
    BUSY = "busy"
    INVALID = "invalid"
    CONGESTION = "congestion"
    REJECTED = "rejected"
    FAILED = "failed"
    CANCELLED = "cancelled"
    INTERRUPTED = "interrupted"  # its pod died; closed by the sweeper or the restarted pod


class AgentState(str, enum.Enum):
    READY = "ready"
    TALKING = "talking"
    WRAPUP = "wrapup"
    PAUSED = "paused"
    PREVIEW = "preview"  # looking at a lead before dialling it


class CallAttempt(Base):
    __tablename__ = "call_attempts"
    __table_args__ = (
        Index("ix_call_attempts_campaign_dialed", "campaign_id", "dialed_at"),
        Index("ix_call_attempts_agent_dialed", "agent_id", "dialed_at"),
        Index("ix_call_attempts_callerid_dialed", "caller_id_id", "dialed_at"),
        Index("ix_call_attempts_pod_open", "pod_id", "ended_at"),
        Index("ix_call_attempts_phone_dialed", "phone_e164", "dialed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)  # the pod's key, also in Redis events
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    lead_id: Mapped[int | None] = mapped_column(ForeignKey("leads.id", ondelete="SET NULL"), index=True)
    phone_e164: Mapped[str] = mapped_column(String(20))
    caller_id_id: Mapped[int | None] = mapped_column(ForeignKey("caller_ids.id", ondelete="SET NULL"))
    caller_id_number: Mapped[str | None] = mapped_column(String(20))
    trunk_id: Mapped[int | None] = mapped_column(ForeignKey("trunks.id", ondelete="SET NULL"))
    pod_id: Mapped[str | None] = mapped_column(String(64))
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    script_version_id: Mapped[int | None] = mapped_column(ForeignKey("script_versions.id", ondelete="SET NULL"))
    dial_mode: Mapped[str | None] = mapped_column(String(16))
    is_trial: Mapped[bool] = mapped_column(Boolean, default=False)
    sip_call_id: Mapped[str | None] = mapped_column(String(128))

    dialed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ring_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    amd_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    bridged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    wrapup_ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    outcome: Mapped[CallOutcome | None] = mapped_column(enum_column(CallOutcome))
    sip_status: Mapped[int | None] = mapped_column(Integer)
    sip_reason: Mapped[str | None] = mapped_column(String(128))
    amd_result: Mapped[str | None] = mapped_column(String(10))  # HUMAN/MACHINE/NOTSURE
    amd_cause: Mapped[str | None] = mapped_column(String(48))
    hangup_by: Mapped[str | None] = mapped_column(String(16))  # customer/agent/dialer/carrier
    ring_seconds: Mapped[float | None] = mapped_column(Float)
    wait_seconds: Mapped[float | None] = mapped_column(Float)  # answer to bridge
    talk_seconds: Mapped[float | None] = mapped_column(Float)
    wrapup_seconds: Mapped[float | None] = mapped_column(Float)

    disposition_id: Mapped[int | None] = mapped_column(ForeignKey("dispositions.id", ondelete="SET NULL"))
    disposition_code: Mapped[str | None] = mapped_column(String(32))
    notes: Mapped[str | None] = mapped_column(Text)
    # recordings.attempt_id holds the foreign key; this copy (no constraint,
    # to avoid a cycle) saves a join in the catalogue.
    recording_id: Mapped[int | None] = mapped_column(Integer)


class AgentSession(Base):
    """An agent's login on a pod, from login to logout (or the pod's death)."""

    __tablename__ = "agent_sessions"
    __table_args__ = (Index("ix_agent_sessions_agent_login", "agent_id", "login_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id", ondelete="SET NULL"), index=True)
    pod_id: Mapped[str | None] = mapped_column(String(64))
    login_method: Mapped[str] = mapped_column(String(16), default="pin")  # pin / pod_calls
    softphone_uri: Mapped[str | None] = mapped_column(String(255))
    login_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    logout_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    end_reason: Mapped[str | None] = mapped_column(String(32))


class AgentStateInterval(Base):
    """A span of one state; seat hours are sums of these per agent and day."""

    __tablename__ = "agent_state_intervals"
    __table_args__ = (
        Index("ix_agent_state_intervals_agent_started", "agent_id", "started_at"),
        Index("ix_agent_state_intervals_campaign_started", "campaign_id", "started_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("agent_sessions.id", ondelete="CASCADE"), index=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id", ondelete="SET NULL"))
    state: Mapped[AgentState] = mapped_column(enum_column(AgentState))
    reason: Mapped[str | None] = mapped_column(String(32))  # pause reason code
    attempt_id: Mapped[int | None] = mapped_column(ForeignKey("call_attempts.id", ondelete="SET NULL"))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
