"""The recordings catalogue: search by campaign, agent, number, date,
disposition and duration, newest first, a page at a time."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from recordings.models import QaReview, Recording
from reports.window import day_range


def _duration():
    from dialer.models import CallAttempt

    # Before archiving only the call knows how long the talk was.
    return func.coalesce(Recording.duration_seconds, CallAttempt.talk_seconds)


def search(session: Session, filters: dict, tz: str) -> tuple[list[dict], int]:
    from campaigns.models import Campaign, Disposition
    from core.models import User
    from dialer.models import CallAttempt

    where = []
    if filters.get("campaign_id") is not None:
        where.append(Recording.campaign_id == filters["campaign_id"])
    if filters.get("agent_id") is not None:
        where.append(Recording.agent_id == filters["agent_id"])
    if filters.get("phone"):
        digits = "".join(ch for ch in filters["phone"] if ch.isdigit())
        if digits:
            where.append(Recording.phone_e164.like(f"%{digits}%"))
    if filters.get("date_from"):
        where.append(Recording.started_at >= day_range(filters["date_from"], tz)[0])
    if filters.get("date_to"):
        where.append(Recording.started_at < day_range(filters["date_to"], tz)[1])
    if filters.get("disposition"):
        where.append(CallAttempt.disposition_code == filters["disposition"])
    if filters.get("min_duration") is not None:
        where.append(_duration() >= filters["min_duration"])
    if filters.get("max_duration") is not None:
        where.append(_duration() <= filters["max_duration"])
    if filters.get("status"):
        where.append(Recording.status == filters["status"])
    if filters.get("reviewed") is not None:
        reviewed = select(QaReview.id).where(QaReview.recording_id == Recording.id).exists()
        where.append(reviewed if filters["reviewed"] else ~reviewed)

    base = (select(Recording, CallAttempt.disposition_code, Disposition.is_dnc, Campaign.code,
                   User.display_name, User.username, CallAttempt.talk_seconds)
            .outerjoin(CallAttempt, CallAttempt.id == Recording.attempt_id)
            .outerjoin(Disposition, Disposition.id == CallAttempt.disposition_id)
            .outerjoin(Campaign, Campaign.id == Recording.campaign_id)
            .outerjoin(User, User.id == Recording.agent_id)
            .where(*where))
    total = session.scalar(select(func.count()).select_from(base.order_by(None).subquery()))
    page, per_page = filters.get("page", 1), filters.get("per_page", 50)
    rows = session.execute(base.order_by(Recording.started_at.desc(), Recording.id.desc())
                           .limit(per_page).offset((page - 1) * per_page)).all()
    reviews = {}
    ids = [row[0].id for row in rows]
    if ids:
        for review in session.scalars(select(QaReview).where(QaReview.recording_id.in_(ids))):
            reviews[review.recording_id] = review
    return [describe(row, reviews.get(row[0].id)) for row in rows], total


def describe(row, review: QaReview | None) -> dict:
    rec, disposition, is_dnc, code, display_name, username, talk = row
    return {
        "id": rec.id, "campaign_id": rec.campaign_id, "campaign_code": code, "agent_id": rec.agent_id,
        "agent_name": display_name or username, "phone_e164": rec.phone_e164, "attempt_id": rec.attempt_id,
        "disposition": disposition, "is_dnc": bool(is_dnc), "status": rec.status, "format": rec.format,
        "storage": rec.storage, "size_bytes": rec.size_bytes,
        "duration_seconds": rec.duration_seconds if rec.duration_seconds is not None else talk,
        "sha256": rec.sha256, "started_at": rec.started_at, "archived_at": rec.archived_at,
        "legal_hold": rec.legal_hold, "purge_after": rec.purge_after, "purged_at": rec.purged_at,
        "error": rec.error, "review_id": review.id if review else None,
        "review_status": review.status if review else None, "review_total": review.total if review else None,
    }


def one(session: Session, recording_id: int, tz: str) -> dict | None:
    from campaigns.models import Campaign, Disposition
    from core.models import User
    from dialer.models import CallAttempt

    row = session.execute(
        select(Recording, CallAttempt.disposition_code, Disposition.is_dnc, Campaign.code,
               User.display_name, User.username, CallAttempt.talk_seconds)
        .outerjoin(CallAttempt, CallAttempt.id == Recording.attempt_id)
        .outerjoin(Disposition, Disposition.id == CallAttempt.disposition_id)
        .outerjoin(Campaign, Campaign.id == Recording.campaign_id)
        .outerjoin(User, User.id == Recording.agent_id)
        .where(Recording.id == recording_id)
    ).first()
    if row is None:
        return None
    review = session.scalar(select(QaReview).where(QaReview.recording_id == recording_id))
    return describe(row, review)
