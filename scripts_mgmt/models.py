"""Call scripts (话术) and their versions with questionnaire and objection
answers; questionnaire answers per call; QA scorecards (FQA), versioned."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.clock import utcnow
from core.db import Base
from core.models import enum_column
from core.types import JSONType, UTCDateTime


class VersionStatus(str, enum.Enum):
    DRAFT = "draft"
    APPROVED = "approved"
    RETIRED = "retired"


class Script(Base):
    __tablename__ = "scripts"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The campaign it was written for.  No foreign key: campaigns already
    # reference script versions, and a cycle would need ALTER TABLE (SQLite).
    campaign_id: Mapped[int | None] = mapped_column(Integer, index=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    versions: Mapped[list["ScriptVersion"]] = relationship(
        back_populates="script", order_by="ScriptVersion.number", cascade="all, delete-orphan"
    )


class ScriptVersion(Base):
    """One version of a script.  Only drafts are edited; approved ones are frozen."""

    __tablename__ = "script_versions"
    __table_args__ = (UniqueConstraint("script_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    script_id: Mapped[int] = mapped_column(ForeignKey("scripts.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    status: Mapped[VersionStatus] = mapped_column(enum_column(VersionStatus), default=VersionStatus.DRAFT)
    content: Mapped[str] = mapped_column(Text, default="")  # formatted text with {{variables}}
    questionnaire: Mapped[dict] = mapped_column(JSONType, default=dict)  # sections, questions, branching
    variables: Mapped[list] = mapped_column(JSONType, default=list)  # variables the content uses
    change_note: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    approved_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    client_approver: Mapped[str | None] = mapped_column(String(128))  # the client's person who signed
    approval_note: Mapped[str | None] = mapped_column(Text)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    script: Mapped[Script] = relationship(back_populates="versions")
    objections: Mapped[list["ObjectionAnswer"]] = relationship(
        back_populates="version", order_by="ObjectionAnswer.sort_order", cascade="all, delete-orphan"
    )


class ObjectionAnswer(Base):
    """An answer to an objection (应对话术), searchable from the agent console."""

    __tablename__ = "objection_answers"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("script_versions.id", ondelete="CASCADE"), index=True)
    objection: Mapped[str] = mapped_column(Text)
    answer: Mapped[str] = mapped_column(Text)
    tags: Mapped[list] = mapped_column(JSONType, default=list)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)

    version: Mapped[ScriptVersion] = relationship(back_populates="objections")


class QuestionnaireAnswer(Base):
    """The questionnaire as filled on one call, with the script version used."""

    __tablename__ = "questionnaire_answers"

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("call_attempts.id", ondelete="CASCADE"), unique=True)
    script_version_id: Mapped[int] = mapped_column(ForeignKey("script_versions.id", ondelete="RESTRICT"))
    lead_id: Mapped[int | None] = mapped_column(ForeignKey("leads.id", ondelete="SET NULL"), index=True)
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    answers: Mapped[dict] = mapped_column(JSONType, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Scorecard(Base):
    """A QA scorecard (FQA 质检标准) of a campaign."""

    __tablename__ = "scorecards"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int | None] = mapped_column(Integer, index=True)  # no FK, as for Script
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    versions: Mapped[list["ScorecardVersion"]] = relationship(
        back_populates="scorecard", order_by="ScorecardVersion.number", cascade="all, delete-orphan"
    )


class ScorecardVersion(Base):
    __tablename__ = "scorecard_versions"
    __table_args__ = (UniqueConstraint("scorecard_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scorecard_id: Mapped[int] = mapped_column(ForeignKey("scorecards.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    status: Mapped[VersionStatus] = mapped_column(enum_column(VersionStatus), default=VersionStatus.DRAFT)
    items: Mapped[list] = mapped_column(JSONType, default=list)  # [{key, label, weight, auto_fail}]
    pass_mark: Mapped[int] = mapped_column(Integer, default=80)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    approved_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    scorecard: Mapped[Scorecard] = relationship(back_populates="versions")
