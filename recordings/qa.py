"""QA reviews (质检): a review per recording on the campaign's pinned
scorecard version, marks scored by scripts_mgmt.scoring, comments at points
in time, and the opt-out (退订) check that confirms the DNC entry."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import audit
from recordings.models import QaComment, QaReview, Recording
from scripts_mgmt.scoring import ScoringError, score


class QaProblem(Exception):
    def __init__(self, status: int, message: str, field: str = "_schema"):
        super().__init__(message)
        self.status, self.message, self.field = status, message, field


def start_review(session: Session, recording: Recording, reviewer_id: int, now: datetime) -> QaReview:
    """The recording's review (one per recording), created on the campaign's scorecard."""
    from campaigns.models import Campaign
    from dialer.models import CallAttempt

    review = session.scalar(select(QaReview).where(QaReview.recording_id == recording.id))
    if review is not None:
        return review
    campaign = session.get(Campaign, recording.campaign_id) if recording.campaign_id else None
    if campaign is None or campaign.scorecard_version_id is None:
        raise QaProblem(409, "The campaign has no scorecard pinned.", "scorecard")
    attempt = session.get(CallAttempt, recording.attempt_id) if recording.attempt_id else None
    review = QaReview(recording_id=recording.id, attempt_id=recording.attempt_id, campaign_id=campaign.id,
                      agent_id=recording.agent_id or (attempt.agent_id if attempt else None),
                      reviewer_id=reviewer_id, scorecard_version_id=campaign.scorecard_version_id,
                      scores={}, status="draft", created_at=now)
    session.add(review)
    session.flush()
    return review


def scorecard_items(session: Session, review: QaReview) -> tuple[list[dict], int]:
    from scripts_mgmt.models import ScorecardVersion

    version = session.get(ScorecardVersion, review.scorecard_version_id) if review.scorecard_version_id else None
    if version is None:
        raise QaProblem(409, "The review's scorecard version no longer exists.", "scorecard")
    return list(version.items or []), version.pass_mark


def update_review(session: Session, review: QaReview, user_id: int, marks: dict | None,
                  optout_verified: bool | None, finish: bool, now: datetime, redis=None) -> QaReview:
    if review.status == "final":
        raise QaProblem(409, "This review is final.")
    items, _ = scorecard_items(session, review)
    if marks is not None:
        keys = {item["key"] for item in items}
        unknown = sorted(set(marks) - keys)
        if unknown:
            raise QaProblem(422, "Unknown scorecard items: " + ", ".join(unknown), "marks")
        review.scores = {**(review.scores or {}), **marks}
        complete = keys <= set(review.scores)
        review.total, review.auto_failed = (score(items, review.scores)[:2] if complete else (None, False))
    if optout_verified is not None:
        review.optout_verified = optout_verified
        if optout_verified:
            confirm_optout(session, review, user_id, now, redis)
    if finish:
        try:
            review.total, review.auto_failed, _ = score(items, review.scores or {})
        except ScoringError as exc:
            raise QaProblem(422, str(exc), "marks") from None
        review.status, review.finished_at, review.reviewer_id = "final", now, user_id
        audit.record(session, user_id, "qa.review.final", "qa_review", review.id,
                     details={"recording_id": review.recording_id, "agent_id": review.agent_id,
                              "total": review.total, "auto_failed": review.auto_failed})
    return review


def confirm_optout(session: Session, review: QaReview, user_id: int, now: datetime, redis=None) -> list[int]:
    """The recording proves the opt-out: confirm the number's DNC entries (or create the campaign's)."""
    from campaigns.dispositions.dnc_hook import put_on_dnc
    from campaigns.models import DncEntry
    from dialer.models import CallAttempt

    recording = session.get(Recording, review.recording_id) if review.recording_id else None
    attempt = session.get(CallAttempt, review.attempt_id) if review.attempt_id else None
    phone = (recording.phone_e164 if recording else None) or (attempt.phone_e164 if attempt else None)
    if not phone:
        raise QaProblem(422, "The recording has no phone number to put on the do-not-call list.", "optout_verified")
    scopes = ["global"] + ([str(review.campaign_id)] if review.campaign_id else [])
    entries = session.scalars(select(DncEntry).where(DncEntry.phone_e164 == phone, DncEntry.scope.in_(scopes))).all()
    if not entries:
        if review.campaign_id is None:
            raise QaProblem(422, "The recording has no campaign.", "optout_verified")
        entries = [put_on_dnc(session, phone, review.campaign_id, "campaign", user_id, review.attempt_id, now,
                              redis=redis, reason="opt-out verified by QA")]
    for entry in entries:
        if entry.confirmed_at is None:
            entry.confirmed_by, entry.confirmed_at = user_id, now
    audit.record(session, user_id, "qa.optout.confirm", "qa_review", review.id,
                 details={"phone": phone, "dnc_entries": [e.id for e in entries]})
    return [e.id for e in entries]


def add_comment(session: Session, review: QaReview, user_id: int, at_seconds: float, text: str,
                now: datetime) -> QaComment:
    comment = QaComment(review_id=review.id, at_seconds=at_seconds, text=text, author_id=user_id, created_at=now)
    session.add(comment)
    session.flush()
    return comment
