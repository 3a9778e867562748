"""Build, store and mail the daily outbound report.

A report is one row per (kind, day, scope) with its data and files under
`<instance>/reports/<day>/<scope>/`; building a day again replaces both.
"""
from __future__ import annotations

import os
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from core.db import db
from reports import render
from reports.compile import compile_day
from reports.models import Report

KIND = "daily_outbound"


def render_html(data: dict) -> str:
    """The standalone HTML report (also the mail body), rendered by the app's templates."""
    from flask import current_app, has_app_context, has_request_context

    if has_request_context():
        return _render_standalone(data)
    if has_app_context():
        app = current_app._get_current_object()
    else:
        from core.app import create_app

        app = create_app()
    # Jobs have no request; a neutral one gives the templates the default language.
    with app.test_request_context("/"):
        return _render_standalone(data)


def _render_standalone(data: dict) -> str:
    from flask import render_template

    return render_template("reports/standalone.html", data=data, charts=chart_set(data))


def chart_set(data: dict) -> dict:
    from flask_babel import gettext as _

    from reports.charts import report_charts

    return report_charts(data, {
        "dials": _("Dials"), "person_answers": _("Person answers"), "sales": _("Sales"),
        "handled": _("Handled"), "hours_title": _("Calls per hour"), "agents_title": _("Calls per agent"),
    })


def _write(folder: Path, name: str, content: bytes) -> str:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    scratch = folder / f".{name}.{os.getpid()}.incoming"
    scratch.write_bytes(content)
    os.replace(scratch, target)  # a download never sees half a file
    return str(target)


def build_report(day: date, tz: str, instance_path: str, now: datetime, campaign_id: int | None = None,
                 generated_by: int | None = None) -> int:
    """Compile and store one report; returns the Report id."""
    with db.transaction() as session:
        data = compile_day(session, day, tz, now, campaign_id)
    scope = data["scope"]
    folder = Path(instance_path) / "reports" / day.isoformat() / scope
    files = {
        "xlsx": _write(folder, f"daily_outbound_{day.isoformat()}_{scope}.xlsx", render.xlsx_bytes(data)),
        "csv": _write(folder, f"daily_outbound_{day.isoformat()}_{scope}.csv", render.csv_bytes(data)),
        "html": _write(folder, f"daily_outbound_{day.isoformat()}_{scope}.html",
                       render_html(data).encode("utf-8")),
    }
    for attempt in range(2):
        try:
            with db.transaction() as session:
                report = session.scalar(select(Report).where(Report.kind == KIND, Report.day == day,
                                                             Report.scope == scope))
                if report is None:
                    report = Report(kind=KIND, day=day, scope=scope)
                    session.add(report)
                report.campaign_id, report.status, report.data, report.files = campaign_id, "ready", data, files
                report.generated_at, report.generated_by, report.error = now, generated_by, None
                report.mailed_at = None
                session.flush()
                return report.id
        except IntegrityError:
            if attempt:  # a concurrent build inserted the row first: update it instead
                raise
    raise AssertionError("unreachable")


def active_campaign_ids(day: date, tz: str) -> list[int]:
    """Campaigns with any call attempt in the day (an index probe per campaign)."""
    from campaigns.models import Campaign
    from dialer.models import CallAttempt
    from reports.window import day_range

    start, end = day_range(day, tz)
    with db.transaction() as session:
        ids = session.scalars(select(Campaign.id)).all()
        return [cid for cid in ids if session.scalar(
            select(CallAttempt.id).where(CallAttempt.campaign_id == cid, CallAttempt.dialed_at >= start,
                                         CallAttempt.dialed_at < end).limit(1)) is not None]
