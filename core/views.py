"""Shared pages: home (a dashboard per role), health, language switch."""
from __future__ import annotations

from flask import Blueprint, jsonify, redirect, render_template, request, session, url_for
from sqlalchemy import func, select, text

from core.auth.access import current_user, public, roles_required
from core.db import db

bp = Blueprint("core", __name__)


@bp.route("/health")
@public
def health():
    """Liveness and dependencies: database and Redis reachable."""
    from core.redis_conn import app_redis

    status = {"database": "ok", "redis": "ok"}
    try:
        db.session.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - health reports, never raises
        status["database"] = f"error: {exc.__class__.__name__}"
    try:
        app_redis().ping()
    except Exception as exc:  # noqa: BLE001
        status["redis"] = f"error: {exc.__class__.__name__}"
    ok = all(v == "ok" for v in status.values())
    return jsonify({"status": "ok" if ok else "degraded", **status}), (200 if ok else 503)


@bp.route("/lang/<code>", methods=["POST"])
@public
def set_language(code: str):
    if code in ("zh", "en"):
        session["lang"] = code
    target = request.form.get("next") or request.referrer or url_for("core.home")
    if not target.startswith("/") or target.startswith("//"):
        target = url_for("core.home")
    return redirect(target)


@bp.route("/")
@roles_required()
def home():
    from campaigns.models import Campaign, Lead

    counts = dict(
        db.session.execute(select(Lead.campaign_id, func.count()).group_by(Lead.campaign_id)).all()
    )
    campaigns = db.session.scalars(select(Campaign).order_by(Campaign.created_at.desc())).all()
    return render_template("home.html", campaigns=campaigns, lead_counts=counts, user=current_user)
