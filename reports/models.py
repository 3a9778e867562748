"""Stored reports: one row per kind, day and campaign scope; re-running replaces it."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.clock import utcnow
from core.db import Base
from core.types import JSONType, UTCDateTime


class Report(Base):
    __tablename__ = "reports"
    __table_args__ = (UniqueConstraint("kind", "day", "scope"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), default="daily_outbound")
    day: Mapped[date] = mapped_column(Date)
    scope: Mapped[str] = mapped_column(String(16), default="all")  # "all" or a campaign id as text
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(12), default="ready")
    data: Mapped[dict] = mapped_column(JSONType, default=dict)
    files: Mapped[dict] = mapped_column(JSONType, default=dict)  # format -> path
    generated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    generated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    mailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    error: Mapped[str | None] = mapped_column(Text)
