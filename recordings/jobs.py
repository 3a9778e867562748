"""RQ jobs of the recordings area (queue "recordings").

`archive_recording` runs once per finished call; the nightly `sweep_recordings`
re-enqueues whatever a dead worker or a failure left unarchived, so nothing
depends on one job run succeeding; `purge_recordings` applies retention and
`build_daily_bundles` packs yesterday's delivery bundles.
"""
from __future__ import annotations

import os
import time
from datetime import date, timedelta
from pathlib import Path

from rq import Retry
from sqlalchemy import or_, select

from core.clock import utcnow
from core.db import db
from core.jobs import _configure_from_env

QUEUE = "recordings"
RETRY = Retry(max=3, interval=[10, 60, 300])


def _settings():
    from config import load_config

    _configure_from_env()
    return load_config()


def _checkpoint(stage: str) -> None:
    # Fault tests only: ARCHIVE_TEST_MARKER names a file that gets each stage
    # reached (and the pid of the process running the job: RQ's work horse
    # has a session of its own), ARCHIVE_TEST_PAUSE="stage:seconds" holds the
    # job there so a test can kill the worker at a known point.
    marker = os.environ.get("ARCHIVE_TEST_MARKER")
    if marker:
        with open(marker, "a") as handle:
            handle.write(f"{stage} pid:{os.getpid()}\n")
    pause = os.environ.get("ARCHIVE_TEST_PAUSE", "")
    if pause.partition(":")[0] == stage:
        time.sleep(float(pause.partition(":")[2] or 0))


def archive_recording(recording_id: int) -> str:
    from recordings.archive import archive

    return archive(recording_id, _settings(), checkpoint=_checkpoint)


def enqueue_archive(queue, recording_id: int):
    return queue.enqueue(archive_recording, recording_id, retry=RETRY, job_timeout=1800,
                         description=f"archive recording {recording_id}")


def sweep_recordings(older_than_minutes: int = 10) -> list[int]:
    """Re-enqueue recordings not yet archived, or archived with the source still on disk."""
    from core.redis_conn import get_queue
    from recordings.models import Recording

    _settings()
    now = utcnow()
    cutoff = now - timedelta(minutes=older_than_minutes)
    with db.transaction() as session:
        rows = session.execute(
            select(Recording.id, Recording.status, Recording.source_path).where(
                Recording.started_at < cutoff,
                # A source left behind by a kill between commit and delete is
                # recent; a week of archived rows is enough to look through.
                or_(Recording.status.in_(("recorded", "failed")),
                    (Recording.status == "archived") & (Recording.archived_at >= now - timedelta(days=7))),
            )
        ).all()
    todo = [rid for rid, status, source in rows
            if status != "archived" or (source and Path(source).is_file())]
    queue = get_queue(os.environ["REDIS_URL"], QUEUE)
    for rid in todo:
        enqueue_archive(queue, rid)
    return todo


def purge_recordings() -> list[int]:
    from recordings.retention import purge_expired

    return purge_expired(_settings(), utcnow())


def build_daily_bundles(day: str | None = None) -> dict:
    """Bundles of `day` (ISO date; default yesterday in the centre's zone) for every campaign with recordings."""
    from recordings import bundle
    from recordings.models import Recording
    from reports.window import day_range, local_day

    settings = _settings()
    the_day = date.fromisoformat(day) if day else local_day(utcnow(), settings.TIMEZONE) - timedelta(days=1)
    start, end = day_range(the_day, settings.TIMEZONE)
    with db.transaction() as session:
        campaign_ids = session.scalars(
            select(Recording.campaign_id).distinct().where(
                Recording.started_at >= start, Recording.started_at < end, Recording.status == "archived",
                Recording.campaign_id.is_not(None))
        ).all()
    return {cid: bundle.build(cid, the_day, settings).path for cid in sorted(campaign_ids)}


def build_bundle(campaign_id: int, day: str) -> str:
    from recordings import bundle

    return bundle.build(campaign_id, date.fromisoformat(day), _settings()).path
