"""The DNC page: search, add, remove, bulk import and export, through the JSON API."""
from __future__ import annotations

from flask import Blueprint, render_template
from sqlalchemy import select

from campaigns.dnc.api import DNC_ROLES
from campaigns.models import Campaign
from core.auth.access import roles_required
from core.db import db

bp = Blueprint("dnc_pages", __name__, url_prefix="/dnc")


@bp.route("/")
@roles_required(*DNC_ROLES)
def index():
    campaigns = db.session.scalars(select(Campaign).order_by(Campaign.created_at.desc(), Campaign.id.desc())).all()
    return render_template("dnc/index.html", campaigns=campaigns)
