"""Do-not-call entries, global or per campaign."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.clock import utcnow
from core.db import Base
from core.types import UTCDateTime


class DncEntry(Base):
    """A number that must not be called.  `scope` is "global" or the campaign id
    as text, so one unique constraint covers both (NULLs are never equal)."""

    __tablename__ = "dnc_entries"
    __table_args__ = (UniqueConstraint("phone_e164", "scope"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    phone_e164: Mapped[str] = mapped_column(String(20), index=True)
    scope: Mapped[str] = mapped_column(String(16), default="global")
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    source: Mapped[str] = mapped_column(String(24), default="manual")  # manual/import/registry/disposition/qa
    registry_name: Mapped[str | None] = mapped_column(String(100))  # an imported registry file
    reason: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    attempt_id: Mapped[int | None] = mapped_column(ForeignKey("call_attempts.id", ondelete="SET NULL"))
    confirmed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))  # QA check
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
