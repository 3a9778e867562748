"""Trunks and caller IDs (主显号码) in pools assigned to campaigns."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Column, ForeignKey, Integer, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.clock import utcnow
from core.db import Base
from core.types import JSONType, UTCDateTime

campaign_caller_pools = Table(
    "campaign_caller_pools",
    Base.metadata,
    Column("campaign_id", ForeignKey("campaigns.id", ondelete="CASCADE"), primary_key=True),
    Column("pool_id", ForeignKey("caller_id_pools.id", ondelete="CASCADE"), primary_key=True),
)


class Trunk(Base):
    """A SIP trunk and how caller ID passes through it (透传 settings)."""

    __tablename__ = "trunks"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    uri: Mapped[str] = mapped_column(String(255))  # sip:host:port
    username: Mapped[str | None] = mapped_column(String(128))
    password: Mapped[str | None] = mapped_column(String(255))
    register: Mapped[bool] = mapped_column(Boolean, default=False)
    # Pass-through: which headers carry the caller ID and whether it is private.
    from_user_mode: Mapped[str] = mapped_column(String(16), default="caller_id")  # caller_id / account
    send_pai: Mapped[bool] = mapped_column(Boolean, default=True)
    send_rpid: Mapped[bool] = mapped_column(Boolean, default=False)
    privacy: Mapped[str] = mapped_column(String(16), default="none")  # none / id
    extra_headers: Mapped[dict] = mapped_column(JSONType, default=dict)
    max_calls: Mapped[int | None] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class CallerIdPool(Base):
    __tablename__ = "caller_id_pools"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")

    numbers: Mapped[list["CallerId"]] = relationship(back_populates="pool", cascade="all, delete-orphan")


class CallerId(Base):
    __tablename__ = "caller_ids"
    __table_args__ = (UniqueConstraint("pool_id", "number_e164"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pool_id: Mapped[int] = mapped_column(ForeignKey("caller_id_pools.id", ondelete="CASCADE"), index=True)
    number_e164: Mapped[str] = mapped_column(String(20))
    label: Mapped[str] = mapped_column(String(100), default="")
    display_name: Mapped[str | None] = mapped_column(String(64))
    trunk_id: Mapped[int | None] = mapped_column(ForeignKey("trunks.id", ondelete="SET NULL"))
    verified: Mapped[bool] = mapped_column(Boolean, default=False)
    evidence_note: Mapped[str | None] = mapped_column(Text)
    daily_cap: Mapped[int | None] = mapped_column(Integer)
    area_code: Mapped[str | None] = mapped_column(String(8))  # for local presence
    region: Mapped[str | None] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    cooldown_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    pool: Mapped[CallerIdPool] = relationship(back_populates="numbers")
    trunk: Mapped[Trunk | None] = relationship()
