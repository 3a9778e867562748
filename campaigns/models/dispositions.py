"""Dispositions per campaign and callbacks."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.clock import utcnow
from core.db import Base
from core.models import enum_column
from core.types import UTCDateTime


class Disposition(Base):
    __tablename__ = "dispositions"
    __table_args__ = (UniqueConstraint("campaign_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(32))
    label_zh: Mapped[str] = mapped_column(String(64))
    label_en: Mapped[str] = mapped_column(String(64))
    is_final: Mapped[bool] = mapped_column(Boolean, default=False)
    is_retry: Mapped[bool] = mapped_column(Boolean, default=False)
    is_callback: Mapped[bool] = mapped_column(Boolean, default=False)
    is_sale: Mapped[bool] = mapped_column(Boolean, default=False)
    is_dnc: Mapped[bool] = mapped_column(Boolean, default=False)
    is_contact: Mapped[bool] = mapped_column(Boolean, default=False)
    # Recycling: when a retry disposition comes back, and how many times.
    recycle_delay_minutes: Mapped[int | None] = mapped_column(Integer)
    max_recycles: Mapped[int | None] = mapped_column(Integer)
    hotkey: Mapped[str | None] = mapped_column(String(4))
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class CallbackStatus(str, enum.Enum):
    PENDING = "pending"
    DONE = "done"
    MISSED = "missed"
    CANCELLED = "cancelled"


class Callback(Base):
    """A callback owned by one agent, or by the campaign when agent_id is NULL."""

    __tablename__ = "callbacks"
    __table_args__ = (Index("ix_callbacks_campaign_due", "campaign_id", "status", "due_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    lead_id: Mapped[int] = mapped_column(ForeignKey("leads.id", ondelete="CASCADE"), index=True)
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    local_time: Mapped[str | None] = mapped_column(String(32))  # as the agent entered it, in the lead's zone
    lead_timezone: Mapped[str | None] = mapped_column(String(64))
    note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[CallbackStatus] = mapped_column(enum_column(CallbackStatus), default=CallbackStatus.PENDING)
    attempt_id: Mapped[int | None] = mapped_column(ForeignKey("call_attempts.id", ondelete="SET NULL"))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
