"""Technician pages for imports: upload → preview with editable mapping →
confirm → live progress → summary (rejects download, undo).  The page does
everything through the JSON API (one way to change each thing)."""
from __future__ import annotations

from flask import Blueprint, render_template
from sqlalchemy import select

from campaigns.lists.api import IMPORT_ROLES
from campaigns.lists.sources import MAX_COLUMNS
from campaigns.models import Campaign, ColumnMappingTemplate
from core.auth.access import roles_required
from core.db import db

bp = Blueprint("lists_pages", __name__, url_prefix="/lists")

ENCODINGS = ["utf-8", "utf-8-sig", "gb18030", "gbk", "big5", "utf-16", "latin-1"]


@bp.route("/import")
@roles_required(*IMPORT_ROLES)
def import_page():
    campaigns = db.session.scalars(select(Campaign).order_by(Campaign.created_at.desc(), Campaign.id.desc())).all()
    templates = db.session.scalars(select(ColumnMappingTemplate).order_by(ColumnMappingTemplate.name)).all()
    return render_template("lists/import.html", campaigns=campaigns, templates=templates, encodings=ENCODINGS,
                           max_columns=MAX_COLUMNS)
