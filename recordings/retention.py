"""Retention: recordings older than their campaign's `recording_retention_days`
are purged (object deleted from the store it was archived in, row kept as
"purged"), each purge in the audit log.  A legal hold on the campaign or on
the recording keeps it.  A recording whose store cannot be reached is left
for the next run, and the run then fails with the store's error."""
from __future__ import annotations

import os
from datetime import datetime, timedelta

from sqlalchemy import select

from core import audit
from core.db import db
from recordings.models import Recording
from recordings.storage import StorageError, store_for


def purge_cutoff(now: datetime, retention_days: int) -> datetime:
    return now - timedelta(days=retention_days)


def purge_expired(config, now: datetime, limit: int = 5000) -> list[int]:
    """Purge what retention allows; returns the purged recording ids.

    `config` is the settings (ARCHIVE_* keys).  Raises StorageError, after
    committing the purges that succeeded, when some objects could not be deleted.
    """
    from campaigns.models import Campaign

    purged: list[int] = []
    failures: list[str] = []
    with db.transaction() as session:
        campaigns = session.scalars(select(Campaign).where(Campaign.legal_hold.is_(False))).all()
        for campaign in campaigns:
            if campaign.recording_retention_days is None or campaign.recording_retention_days <= 0:
                continue  # zero or less: keep for ever
            cutoff = purge_cutoff(now, campaign.recording_retention_days)
            rows = session.scalars(
                select(Recording).where(
                    Recording.campaign_id == campaign.id,
                    Recording.started_at < cutoff,
                    Recording.status != "purged",
                    Recording.legal_hold.is_(False),
                ).order_by(Recording.id).limit(limit - len(purged))
            ).all()
            for rec in rows:
                deleted = []
                try:
                    if rec.archive_path and store_for(config, rec.storage).delete(rec.archive_path):
                        deleted.append(rec.archive_path)
                except StorageError as exc:
                    failures.append(f"recording {rec.id}: {exc}")
                    continue
                if rec.source_path and os.path.isfile(rec.source_path):
                    os.unlink(rec.source_path)
                    deleted.append(rec.source_path)
                audit.record(session, None, "recording.purge", "recording", rec.id,
                             reason=f"retention {campaign.recording_retention_days} days",
                             details={"campaign_id": campaign.id, "started_at": rec.started_at.isoformat(),
                                      "sha256": rec.sha256, "deleted": deleted})
                rec.status, rec.purged_at = "purged", now
                purged.append(rec.id)
            if len(purged) >= limit:
                break
    if failures:
        raise StorageError(f"{len(failures)} recording(s) not purged, left for the next run; "
                           f"first: {failures[0]}")
    return purged
