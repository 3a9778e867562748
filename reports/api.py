"""The reports JSON API under /api/v1/reports: list, one report, compile on
demand (enqueued), download a stored file."""
from __future__ import annotations

from pathlib import Path

from flask import send_file
from sqlalchemy import select

from core.api import ApiBlueprint, not_found
from core.auth.access import current_user
from core.db import db
from core.models import Role
from core.redis_conn import app_queue
from reports.models import Report
from reports.schemas import CompileRequestSchema, QueuedSchema, ReportQuery, ReportSchema, ReportSummarySchema

bp = ApiBlueprint("reports_api", __name__, tag="reports", url_prefix="/reports")

READERS = (Role.MANAGER,)
MIMETYPES = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
             "csv": "text/csv", "html": "text/html"}


def report_query(filters: dict):
    stmt = select(Report).order_by(Report.day.desc(), Report.scope).limit(filters.get("limit", 60))
    if filters.get("day") is not None:
        stmt = stmt.where(Report.day == filters["day"])
    if filters.get("campaign_id") is not None:
        stmt = stmt.where(Report.campaign_id == filters["campaign_id"])
    return stmt


@bp.endpoint("", roles=READERS, query=ReportQuery, response=ReportSummarySchema, many=True,
             summary="Stored reports, newest day first")
def list_reports(query):
    return db.session.scalars(report_query(query)).all()


@bp.endpoint("/<int:report_id>", roles=READERS, response=ReportSchema, summary="One report with its figures")
def get_report(report_id: int):
    report = db.session.get(Report, report_id)
    if report is None:
        raise not_found("report")
    return report


@bp.endpoint("/daily", methods=["POST"], roles=READERS, body=CompileRequestSchema, response=QueuedSchema,
             status=202, summary="Compile (or recompile) a day's outbound report (enqueued)")
def compile_daily(body):
    from campaigns.models import Campaign
    from reports.jobs import compile_daily_report

    if body["campaign_id"] is not None and db.session.get(Campaign, body["campaign_id"]) is None:
        raise not_found("campaign")
    job = app_queue("reports").enqueue(compile_daily_report, body["day"].isoformat(), body["campaign_id"],
                                       current_user.id, body["mail"], job_timeout=3600)
    return {"job_id": job.id, "status": "queued"}


@bp.endpoint("/<int:report_id>/files/<fmt>", roles=READERS, summary="Download a report file (xlsx, csv, html)")
def download_report(report_id: int, fmt: str):
    report = db.session.get(Report, report_id)
    path = (report.files or {}).get(fmt) if report else None
    if not path or fmt not in MIMETYPES or not Path(path).is_file():
        raise not_found("report file")
    return send_file(path, mimetype=MIMETYPES[fmt], as_attachment=fmt != "html", download_name=Path(path).name)
