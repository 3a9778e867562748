"""A campaign (外呼项目), its lifecycle timeline and rectification records."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, Column, ForeignKey, Integer, Numeric, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.clock import utcnow
from core.db import Base
from core.models import User, enum_column
from core.types import JSONType, UTCDateTime


class CampaignState(str, enum.Enum):
    DRAFT = "draft"
    TRIAL = "trial"  # 试呼
    APPROVED = "approved"  # trial signed off (or waived), ready for formal calling
    LIVE = "live"  # 正式作业
    PAUSED = "paused"
    STOPPED = "stopped"  # 停呼整改: stopped for rectification
    COMPLETED = "completed"
    SETTLED = "settled"  # 项目结算 done


campaign_agents = Table(
    "campaign_agents",
    Base.metadata,
    Column("campaign_id", ForeignKey("campaigns.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("trial_agent", Boolean, nullable=False, default=False),
)


class Campaign(Base):
    __tablename__ = "campaigns"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    client_name: Mapped[str] = mapped_column(String(200), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[CampaignState] = mapped_column(enum_column(CampaignState), default=CampaignState.DRAFT, index=True)
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    # Calling rules: a jurisdiction profile (US, UK, CN, custom) expanded into
    # explicit values in `rules` so a manager can adjust any one of them.
    jurisdiction: Mapped[str] = mapped_column(String(16), default="CN")
    rules: Mapped[dict] = mapped_column(JSONType, default=dict)
    default_region: Mapped[str] = mapped_column(String(2), default="CN")  # for parsing local numbers
    timezone: Mapped[str] = mapped_column(String(64), default="Asia/Shanghai")  # fallback for unknown zones
    dial_mode: Mapped[str] = mapped_column(String(16), default="predictive")
    dial_settings: Mapped[dict] = mapped_column(JSONType, default=dict)
    caller_id_strategy: Mapped[str] = mapped_column(String(24), default="round_robin")
    machine_action: Mapped[str] = mapped_column(String(16), default="hangup")  # hangup/voicemail/agent
    voicemail_audio: Mapped[str | None] = mapped_column(String(255))
    safe_harbour_audio: Mapped[str | None] = mapped_column(String(255))
    pause_reasons: Mapped[list] = mapped_column(JSONType, default=list)
    wrapup_seconds: Mapped[int] = mapped_column(Integer, default=30)

    script_version_id: Mapped[int | None] = mapped_column(ForeignKey("script_versions.id", ondelete="SET NULL"))
    scorecard_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("scorecard_versions.id", ondelete="SET NULL")
    )

    # Trial calls (试呼)
    trial_sample_size: Mapped[int] = mapped_column(Integer, default=50)
    # No foreign key: call_lists already references campaigns, and a cycle
    # would need ALTER TABLE, which SQLite lacks.  The service checks it.
    trial_list_id: Mapped[int | None] = mapped_column(Integer)
    trial_dial_cap: Mapped[int] = mapped_column(Integer, default=200)
    trial_signed_off_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    trial_signed_off_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    trial_signoff_note: Mapped[str | None] = mapped_column(Text)
    trial_waived: Mapped[bool] = mapped_column(Boolean, default=False)
    trial_waived_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    trial_waiver_reason: Mapped[str | None] = mapped_column(Text)

    # Recordings
    recording_enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    recording_retention_days: Mapped[int] = mapped_column(Integer, default=180)
    legal_hold: Mapped[bool] = mapped_column(Boolean, default=False)

    # Settlement (项目结算)
    seat_price: Mapped[float | None] = mapped_column(Numeric(12, 2))
    report_recipients: Mapped[list] = mapped_column(JSONType, default=list)

    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    manager: Mapped[User | None] = relationship(foreign_keys=[manager_id])
    agents: Mapped[list[User]] = relationship(secondary=campaign_agents)
    transitions: Mapped[list["CampaignTransition"]] = relationship(
        back_populates="campaign", order_by="CampaignTransition.at", cascade="all, delete-orphan"
    )


class CampaignTransition(Base):
    """One step of the lifecycle timeline: who moved the campaign, when and why."""

    __tablename__ = "campaign_transitions"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    from_state: Mapped[CampaignState] = mapped_column(enum_column(CampaignState))
    to_state: Mapped[CampaignState] = mapped_column(enum_column(CampaignState))
    action: Mapped[str] = mapped_column(String(32))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reason: Mapped[str | None] = mapped_column(Text)
    details: Mapped[dict] = mapped_column(JSONType, default=dict)

    campaign: Mapped[Campaign] = relationship(back_populates="transitions")
    actor: Mapped[User | None] = relationship()


class Rectification(Base):
    """A stop for rectification (停呼整改): reason, owner, corrective action, approval to resume."""

    __tablename__ = "rectifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    corrective_action: Mapped[str] = mapped_column(Text, default="")
    opened_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    approved_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approval_note: Mapped[str | None] = mapped_column(Text)
