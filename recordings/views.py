"""Pages: the recordings catalogue, the player with its QA panel, an agent's
own scores and the delivery bundles.  Pages read; changes go through the
JSON API from the page script (static/reports/player.js)."""
from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import Blueprint, abort, current_app, render_template, request
from marshmallow import EXCLUDE, ValidationError
from sqlalchemy import select

from core.auth.access import current_user, roles_required
from core.db import db
from core.models import Role, User
from recordings import catalogue
from recordings.api import LISTENERS, OPERATORS, QA_STAFF
from recordings.models import DeliveryBundle, QaReview
from recordings.schemas import CatalogueQuery

bp = Blueprint("recordings_pages", __name__, url_prefix="/recordings")


def _local(items: list[dict]) -> list[dict]:
    zone = ZoneInfo(current_app.config["TIMEZONE"])
    for item in items:
        item["started_local"] = item["started_at"].astimezone(zone).strftime("%Y-%m-%d %H:%M:%S")
    return items


def _campaigns():
    from campaigns.models import Campaign

    return db.session.scalars(select(Campaign).order_by(Campaign.code)).all()


@bp.route("/")
@roles_required(*LISTENERS)
def catalogue_page():
    errors = {}
    try:
        filters = CatalogueQuery().load(request.args.to_dict(), unknown=EXCLUDE)
    except ValidationError as exc:
        errors = exc.messages
        filters = CatalogueQuery().load({})
    items, total = catalogue.search(db.session, filters, current_app.config["TIMEZONE"])
    _local(items)
    agents = db.session.scalars(select(User).where(User.role == Role.AGENT).order_by(User.username)).all()
    pages = max(1, -(-total // filters["per_page"]))
    args = {k: v for k, v in request.args.items() if k != "page"}
    return render_template("recordings/catalogue.html", items=items, total=total, filters=filters, errors=errors,
                           campaigns=_campaigns(), agents=agents, pages=pages, args=args,
                           can_operate=current_user.has_role(*OPERATORS))


@bp.route("/<int:recording_id>")
@roles_required(*LISTENERS)
def player_page(recording_id: int):
    from campaigns.models import Campaign
    from scripts_mgmt.models import ScorecardVersion

    rec = catalogue.one(db.session, recording_id, current_app.config["TIMEZONE"])
    if rec is None:
        abort(404)
    _local([rec])
    review = db.session.scalar(select(QaReview).where(QaReview.recording_id == recording_id))
    version_id = review.scorecard_version_id if review else None
    if version_id is None and rec["campaign_id"] is not None:
        campaign = db.session.get(Campaign, rec["campaign_id"])
        version_id = campaign.scorecard_version_id if campaign else None
    version = db.session.get(ScorecardVersion, version_id) if version_id else None
    return render_template("recordings/player.html", rec=rec, review=review, version=version,
                           can_review=current_user.has_role(*QA_STAFF),
                           can_operate=current_user.has_role(*OPERATORS))


@bp.route("/my-scores")
@roles_required(Role.AGENT)
def my_scores_page():
    from scripts_mgmt.models import ScorecardVersion

    reviews = db.session.scalars(select(QaReview).where(QaReview.agent_id == current_user.id,
                                                        QaReview.status == "final")
                                 .order_by(QaReview.finished_at.desc()).limit(200)).all()
    versions = {v.id: v for v in db.session.scalars(select(ScorecardVersion).where(
        ScorecardVersion.id.in_({r.scorecard_version_id for r in reviews if r.scorecard_version_id})))}
    scored = [r.total for r in reviews if r.total is not None]
    average = round(sum(scored) / len(scored), 2) if scored else None
    return render_template("recordings/my_scores.html", reviews=reviews, versions=versions, average=average)


@bp.route("/bundles")
@roles_required(*OPERATORS)
def bundles_page():
    bundles = db.session.scalars(select(DeliveryBundle).order_by(DeliveryBundle.day.desc(),
                                                                 DeliveryBundle.id.desc()).limit(200)).all()
    campaigns = _campaigns()
    return render_template("recordings/bundles.html", bundles=bundles, campaigns=campaigns,
                           codes={c.id: c.code for c in campaigns})
