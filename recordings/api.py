"""The recordings JSON API under /api/v1/recordings: catalogue, playback with
Range, archive and legal hold, QA reviews and comments, delivery bundles."""
from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from core.api import ApiBlueprint, ApiError, not_found
from core.auth.access import current_user
from core.clock import utcnow
from core.db import db
from core.models import Role
from core.redis_conn import app_queue, app_redis
from recordings import catalogue, qa
from recordings.codec import MIMETYPES
from recordings.models import DeliveryBundle, QaReview, Recording
from recordings.schemas import (
    BundleQuery,
    BundleRequestSchema,
    BundleSchema,
    CatalogueQuery,
    CataloguePage,
    CommentInSchema,
    CommentSchema,
    JobSchema,
    LegalHoldSchema,
    RecordingSchema,
    ReviewSchema,
    ReviewUpdateSchema,
)
from recordings.serving import send_local, send_stored
from recordings.storage import ObjectMissing, StorageError, store_for

bp = ApiBlueprint("recordings_api", __name__, tag="recordings", url_prefix="/recordings")

LISTENERS = (Role.MANAGER, Role.TECHNICIAN, Role.SUPERVISOR, Role.QA)
OPERATORS = (Role.MANAGER, Role.TECHNICIAN)
QA_STAFF = (Role.QA, Role.SUPERVISOR)


def _tz() -> str:
    return current_app.config["TIMEZONE"]


def _recording(recording_id: int) -> Recording:
    rec = db.session.get(Recording, recording_id)
    if rec is None:
        raise not_found("recording")
    return rec


def _problem(exc: qa.QaProblem) -> ApiError:
    return ApiError(exc.status, _(exc.message), exc.field)


def _store_down(exc: StorageError) -> ApiError:
    # The cause (endpoint, bucket, credentials) is for the log, not for the listener.
    current_app.logger.error("recording archive unavailable: %s", exc)
    return ApiError(503, _("The recording archive cannot be reached right now; try again later."))


@bp.endpoint("", roles=LISTENERS, query=CatalogueQuery, response=CataloguePage,
             summary="Search the recordings catalogue")
def search_recordings(query):
    items, total = catalogue.search(db.session, query, _tz())
    return {"items": items, "total": total, "page": query["page"], "per_page": query["per_page"]}


@bp.endpoint("/<int:recording_id>", roles=LISTENERS, response=RecordingSchema, summary="One recording")
def get_recording(recording_id: int):
    found = catalogue.one(db.session, recording_id, _tz())
    if found is None:
        raise not_found("recording")
    return found


@bp.endpoint("/<int:recording_id>/audio", roles=LISTENERS,
             summary="The recording's audio (FLAC once archived), with HTTP Range for seeking")
def recording_audio(recording_id: int):
    rec = _recording(recording_id)
    if rec.status == "purged":
        raise ApiError(410, _("This recording was purged under the retention rules."))
    archived = rec.status == "archived" and rec.archive_path
    if not archived and not rec.source_path:
        raise not_found("audio")
    fmt = rec.format if archived else "wav"
    options = {"mimetype": MIMETYPES.get(fmt, "application/octet-stream"),
               "download_name": f"recording-{rec.id}.{fmt}"}
    try:
        if archived:
            return send_stored(store_for(current_app.config, rec.storage), rec.archive_path, **options)
        return send_local(rec.source_path, **options)
    except (ObjectMissing, FileNotFoundError):
        raise not_found("audio") from None
    except StorageError as exc:
        raise _store_down(exc) from None


@bp.endpoint("/<int:recording_id>/archive", methods=["POST"], roles=OPERATORS, response=JobSchema, status=202,
             summary="Archive a recording now (enqueue)")
def archive_now(recording_id: int):
    from recordings.jobs import enqueue_archive

    _recording(recording_id)
    job = enqueue_archive(app_queue("recordings"), recording_id)
    return {"job_id": job.id, "status": "queued"}


@bp.endpoint("/<int:recording_id>/legal-hold", methods=["POST"], roles=OPERATORS, body=LegalHoldSchema,
             response=RecordingSchema, summary="Set or lift a recording's legal hold (audited)")
def set_legal_hold(recording_id: int, body):
    from core import audit

    rec = _recording(recording_id)
    rec.legal_hold = body["legal_hold"]
    audit.record(db.session, current_user, "recording.legal_hold" if rec.legal_hold else "recording.legal_hold_lifted",
                 "recording", rec.id, body["reason"])
    db.session.commit()
    return catalogue.one(db.session, recording_id, _tz())


@bp.endpoint("/<int:recording_id>/review", methods=["POST"], roles=QA_STAFF, response=ReviewSchema,
             summary="Start (or reopen the draft of) the recording's QA review")
def start_review(recording_id: int):
    rec = _recording(recording_id)
    try:
        review = qa.start_review(db.session, rec, current_user.id, utcnow())
    except qa.QaProblem as exc:
        raise _problem(exc) from None
    db.session.commit()
    return review


def _review(review_id: int) -> QaReview:
    review = db.session.get(QaReview, review_id)
    if review is None:
        raise not_found("review")
    if current_user.has_role(*QA_STAFF, Role.MANAGER):
        return review
    # Agents see their own finished reviews and nobody else's.
    if review.agent_id != current_user.id or review.status != "final":
        raise not_found("review")
    return review


@bp.endpoint("/reviews/<int:review_id>", roles=(*QA_STAFF, Role.MANAGER, Role.AGENT), response=ReviewSchema,
             summary="A QA review with its comments (agents: only their own, final ones)")
def get_review(review_id: int):
    return _review(review_id)


@bp.endpoint("/reviews/<int:review_id>", methods=["PUT"], roles=QA_STAFF, body=ReviewUpdateSchema,
             response=ReviewSchema, summary="Mark scorecard items, verify an opt-out, finish the review")
def update_review(review_id: int, body):
    review = _review(review_id)
    try:
        qa.update_review(db.session, review, current_user.id, body["marks"], body["optout_verified"],
                         body["finish"], utcnow(), redis=app_redis())
    except qa.QaProblem as exc:
        db.session.rollback()
        raise _problem(exc) from None
    db.session.commit()
    return review


@bp.endpoint("/reviews/<int:review_id>/comments", methods=["POST"], roles=QA_STAFF, body=CommentInSchema,
             response=CommentSchema, status=201, summary="Comment on a point in time of the recording")
def add_comment(review_id: int, body):
    review = _review(review_id)
    comment = qa.add_comment(db.session, review, current_user.id, body["at_seconds"], body["text"], utcnow())
    db.session.commit()
    return comment


@bp.endpoint("/my-scores", roles=(Role.AGENT,), response=ReviewSchema, many=True,
             summary="The logged-in agent's finished QA reviews")
def my_scores():
    return db.session.scalars(select(QaReview).where(QaReview.agent_id == current_user.id,
                                                     QaReview.status == "final")
                              .order_by(QaReview.finished_at.desc())).all()


@bp.endpoint("/bundles", roles=OPERATORS, query=BundleQuery, response=BundleSchema, many=True,
             summary="Delivery bundles, newest first")
def list_bundles(query):
    stmt = select(DeliveryBundle).order_by(DeliveryBundle.day.desc(), DeliveryBundle.id.desc()).limit(200)
    if query["campaign_id"] is not None:
        stmt = stmt.where(DeliveryBundle.campaign_id == query["campaign_id"])
    return db.session.scalars(stmt).all()


@bp.endpoint("/bundles", methods=["POST"], roles=OPERATORS, body=BundleRequestSchema, response=JobSchema,
             status=202, summary="Build (or rebuild) a campaign's delivery bundle of a day (enqueue)")
def request_bundle(body):
    from campaigns.models import Campaign
    from recordings.jobs import build_bundle

    if db.session.get(Campaign, body["campaign_id"]) is None:
        raise not_found("campaign")
    job = app_queue("recordings").enqueue(build_bundle, body["campaign_id"], body["day"].isoformat(),
                                          job_timeout=3600)
    return {"job_id": job.id, "status": "queued"}


@bp.endpoint("/bundles/<int:bundle_id>/download", roles=OPERATORS, summary="Download a delivery bundle")
def download_bundle(bundle_id: int):
    bundle = db.session.get(DeliveryBundle, bundle_id)
    if bundle is None:
        raise not_found("bundle")
    try:
        return send_stored(store_for(current_app.config, bundle.storage), bundle.path, mimetype="application/zip",
                           download_name=bundle.path.rsplit("/", 1)[-1], as_attachment=True)
    except ObjectMissing:
        raise not_found("bundle file") from None
    except StorageError as exc:
        raise _store_down(exc) from None
