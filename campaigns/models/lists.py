"""Call lists, import batches, column-mapping templates, rejected rows and leads."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.clock import utcnow
from core.db import Base
from core.models import enum_column
from core.types import JSONType, UTCDateTime


class LeadStatus(str, enum.Enum):
    NEW = "new"  # never dialled
    QUEUED = "queued"  # in the hopper
    DIALING = "dialing"  # a call is up
    RETRY = "retry"  # waiting for its next attempt time
    CALLBACK = "callback"  # a callback is booked
    DONE = "done"  # final disposition
    DNC = "dnc"  # on a do-not-call list
    INVALID = "invalid"


class CallList(Base):
    __tablename__ = "call_lists"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    priority: Mapped[int] = mapped_column(Integer, default=0)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ImportBatch(Base):
    """One file imported into a list: its options, progress and summary; undoable."""

    __tablename__ = "import_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    list_id: Mapped[int] = mapped_column(ForeignKey("call_lists.id", ondelete="CASCADE"), index=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    stored_path: Mapped[str | None] = mapped_column(String(500))
    file_kind: Mapped[str] = mapped_column(String(8), default="csv")  # csv/xlsx/txt
    encoding: Mapped[str | None] = mapped_column(String(32))
    sheet: Mapped[str | None] = mapped_column(String(100))
    mapping: Mapped[dict] = mapped_column(JSONType, default=dict)
    options: Mapped[dict] = mapped_column(JSONType, default=dict)
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending/running/done/failed/cancelled/undone
    job_id: Mapped[str | None] = mapped_column(String(64))
    rows_total: Mapped[int | None] = mapped_column(Integer)
    rows_done: Mapped[int] = mapped_column(Integer, default=0)
    accepted: Mapped[int] = mapped_column(Integer, default=0)
    rejected: Mapped[int] = mapped_column(Integer, default=0)
    reject_summary: Mapped[dict] = mapped_column(JSONType, default=dict)
    error: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    undone_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    undone_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class ImportReject(Base):
    """A row of an import that was not accepted, kept for download."""

    __tablename__ = "import_rejects"

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batches.id", ondelete="CASCADE"), index=True)
    row_number: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(48))
    detail: Mapped[str | None] = mapped_column(Text)
    raw: Mapped[list] = mapped_column(JSONType, default=list)


class ColumnMappingTemplate(Base):
    __tablename__ = "column_mapping_templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    mapping: Mapped[dict] = mapped_column(JSONType, default=dict)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Lead(Base):
    __tablename__ = "leads"
    __table_args__ = (
        # The hopper's refill query: eligible leads of a campaign by next attempt time.
        Index("ix_leads_campaign_status_next", "campaign_id", "status", "next_attempt_at"),
        Index("ix_leads_campaign_phone", "campaign_id", "phone_e164"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    list_id: Mapped[int] = mapped_column(ForeignKey("call_lists.id", ondelete="CASCADE"), index=True)
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batches.id", ondelete="SET NULL"), index=True)
    row_number: Mapped[int | None] = mapped_column(Integer)
    phone_raw: Mapped[str] = mapped_column(String(64))
    phone_e164: Mapped[str] = mapped_column(String(20))
    alt_phones: Mapped[list] = mapped_column(JSONType, default=list)  # further E.164 numbers
    number_type: Mapped[str | None] = mapped_column(String(16))  # mobile / fixed / ...
    region_code: Mapped[str | None] = mapped_column(String(2))
    geo: Mapped[str | None] = mapped_column(String(64))  # region or city derived from the number
    timezone: Mapped[str | None] = mapped_column(String(64))
    name: Mapped[str | None] = mapped_column(String(128))
    fields: Mapped[dict] = mapped_column(JSONType, default=dict)  # other imported columns, for scripts
    status: Mapped[LeadStatus] = mapped_column(enum_column(LeadStatus), default=LeadStatus.NEW)
    priority: Mapped[int] = mapped_column(Integer, default=0)
    attempt_count: Mapped[int] = mapped_column(Integer, default=0)
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_outcome: Mapped[str | None] = mapped_column(String(24))
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lockout_until: Mapped[datetime | None] = mapped_column(UTCDateTime)  # 72-hour rule
    disposition_code: Mapped[str | None] = mapped_column(String(32))
    in_trial_sample: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    call_list: Mapped[CallList] = relationship()
