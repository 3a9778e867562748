"""Project log (项目日志) and settlement (项目结算)."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.clock import utcnow
from core.db import Base
from core.types import JSONType, UTCDateTime


class ProjectLogEntry(Base):
    __tablename__ = "project_log_entries"
    __table_args__ = (UniqueConstraint("campaign_id", "day", "author_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    day: Mapped[date] = mapped_column(Date)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(Text, default="")
    summary: Mapped[dict] = mapped_column(JSONType, default=dict)  # the automatic daily figures
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class Settlement(Base):
    """A month's settlement of a campaign: inputs entered by the manager, figures computed."""

    __tablename__ = "settlements"
    __table_args__ = (UniqueConstraint("campaign_id", "month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    month: Mapped[str] = mapped_column(String(7))  # YYYY-MM
    seat_price: Mapped[float] = mapped_column(Numeric(12, 2), default=0)
    assessment_factor: Mapped[float] = mapped_column(Numeric(6, 4), default=1)
    bonus: Mapped[float] = mapped_column(Numeric(12, 2), default=0)
    penalties: Mapped[float] = mapped_column(Numeric(12, 2), default=0)
    seat_ratios: Mapped[dict] = mapped_column(JSONType, default=dict)  # seat kind -> ratio
    figures: Mapped[dict] = mapped_column(JSONType, default=dict)  # per agent and per kind, computed
    total_fee: Mapped[float | None] = mapped_column(Numeric(14, 2))
    status: Mapped[str] = mapped_column(String(16), default="draft")  # draft/final
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    note: Mapped[str | None] = mapped_column(Text)
