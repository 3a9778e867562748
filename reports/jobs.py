"""RQ jobs of the reports area (queue "reports")."""
from __future__ import annotations

import logging
import os
from datetime import date, datetime, timezone

from rq import Retry

from core.clock import utcnow
from core.db import db
from core.jobs import _configure_from_env

QUEUE = "reports"
log = logging.getLogger(__name__)


def _settings():
    from config import load_config

    _configure_from_env()
    return load_config()


def compile_daily_report(day: str, campaign_id: int | None = None, generated_by: int | None = None,
                         mail: bool = True) -> int:
    """Build (or rebuild) one day's report; mail a campaign's to its recipients when SMTP is set."""
    from reports.service import build_report

    settings = _settings()
    report_id = build_report(date.fromisoformat(day), settings.TIMEZONE, settings.INSTANCE_PATH, utcnow(),
                             campaign_id, generated_by)
    if mail and campaign_id is not None:
        mail_report(report_id)
    return report_id


def mail_report(report_id: int) -> bool:
    from campaigns.models import Campaign
    from reports import mail
    from reports.models import Report
    from reports.service import render_html

    settings = mail.smtp_settings()
    if settings is None:
        return False
    with db.transaction() as session:
        report = session.get(Report, report_id)
        campaign = session.get(Campaign, report.campaign_id) if report and report.campaign_id else None
        recipients = [r for r in (campaign.report_recipients or []) if isinstance(r, str) and "@" in r] \
            if campaign else []
        if not recipients:
            return False
        subject = f"外呼日报 {report.day.isoformat()} · {campaign.code} {campaign.name}"
        message = mail.build_message(subject, settings["sender"], recipients, render_html(report.data),
                                     report.files)
    mail.send(settings, message)
    with db.transaction() as session:
        session.get(Report, report_id).mailed_at = utcnow()
    return True


def compile_all_for_day(day: str) -> list[int]:
    """The all-campaigns report and one per campaign that dialled that day."""
    from reports.service import active_campaign_ids

    settings = _settings()
    ids = [compile_daily_report(day)]
    for cid in active_campaign_ids(date.fromisoformat(day), settings.TIMEZONE):
        ids.append(compile_daily_report(day, cid))
    return ids


def run_scheduled_reports(now: datetime | None = None) -> str | None:
    """Ticked every minute by rq cron: enqueue the nightly compile once per REPORT_CRON slot."""
    from core.redis_conn import get_queue, get_redis
    from reports.schedule import DEFAULT_CRON, due_slot, report_day

    settings = _settings()
    expr = os.environ.get("REPORT_CRON") or DEFAULT_CRON
    slot = due_slot(expr, settings.TIMEZONE, now or datetime.now(timezone.utc))
    if slot is None:
        return None
    url = os.environ["REDIS_URL"]
    # Every `flask worker` runs a cron scheduler; the first to claim a slot enqueues it.
    if not get_redis(url).set(f"reports:daily:slot:{slot.isoformat()}", "1", nx=True, ex=3 * 86400):
        return None
    day = report_day(slot).isoformat()
    # Rebuilding a day replaces it, so a retry after a dead worker is safe.
    get_queue(url, QUEUE).enqueue(compile_all_for_day, day, job_timeout=3600, retry=Retry(max=2, interval=[60, 600]),
                                  description=f"daily report {day}")
    log.info("daily report of %s enqueued for slot %s", day, slot.isoformat())
    return day
