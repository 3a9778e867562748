"""Pages: the list of daily reports with a compile button, and a day's report
with its charts and download links."""
from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, current_app, render_template
from sqlalchemy import select

from core.auth.access import roles_required
from core.clock import utcnow
from core.db import db
from reports.api import READERS, report_query
from reports.models import Report
from reports.service import chart_set
from reports.window import local_day

bp = Blueprint("reports_pages", __name__, url_prefix="/reports")


@bp.route("/")
@roles_required(*READERS)
def report_list():
    from campaigns.models import Campaign

    campaigns = db.session.scalars(select(Campaign).order_by(Campaign.code)).all()
    reports = db.session.scalars(report_query({"limit": 200})).all()
    yesterday = local_day(utcnow(), current_app.config["TIMEZONE"]) - timedelta(days=1)
    return render_template("reports/list.html", reports=reports, campaigns=campaigns,
                           codes={c.id: c.code for c in campaigns}, yesterday=yesterday)


@bp.route("/<int:report_id>")
@roles_required(*READERS)
def report_page(report_id: int):
    report = db.session.get(Report, report_id)
    if report is None:
        abort(404)
    return render_template("reports/day.html", report=report, data=report.data, charts=chart_set(report.data))
