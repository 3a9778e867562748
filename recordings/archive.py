"""Archive one recording: WAV → FLAC in the store, verified, then the source deleted.

The steps are ordered so that a crash between any two leaves a state the next
run finishes from, and no step destroys the only good copy:

1. encode the source into a scratch file beside the archive;
2. move it into the store under its dated, per-campaign key (atomic);
3. read the stored copy back: its samples must equal the source's;
4. record key, SHA-256, size and duration in the database (commit);
5. delete the source.

Re-running after 1–3 encodes again (the same bytes); after 4 it verifies the
stored copy against the source and the recorded hash, then does 5; after 5 it
has nothing left to do.
"""
from __future__ import annotations

import os
import time
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Callable
from zoneinfo import ZoneInfo

from core.clock import utcnow
from core.db import db
from recordings import codec
from recordings.models import Recording
from recordings.storage import LocalStore

ARCHIVED, RECORDED, FAILED, PURGED = "archived", "recorded", "failed", "purged"


def archive_key(recording: Recording, timezone: str) -> str:
    local = recording.started_at.astimezone(ZoneInfo(timezone))
    campaign = recording.campaign_id if recording.campaign_id is not None else "none"
    return f"campaign_{campaign}/{local:%Y/%m/%d}/{recording.id}.{codec.ARCHIVE_FORMAT}"


def _retention_days(session, recording: Recording) -> int | None:
    from campaigns.models import Campaign

    campaign = session.get(Campaign, recording.campaign_id) if recording.campaign_id else None
    return campaign.recording_retention_days if campaign else None


def _verify(store: LocalStore, key: str, source: codec.Audio | None, sha256: str | None) -> tuple[str, codec.Audio]:
    """The stored copy's hash; raises AudioError unless it decodes (to the source's samples)."""
    path = store.fetch(key)
    digest = codec.sha256_file(path)
    if sha256 is not None and digest != sha256:
        raise codec.AudioError(f"archived copy {key} has hash {digest}, expected {sha256}")
    copy = codec.read(path)
    if source is not None and not codec.same_audio(source, copy):
        raise codec.AudioError(f"archived copy {key} does not decode to the source's samples")
    return digest, copy


def _fail(recording_id: int, message: str) -> str:
    with db.transaction() as session:
        rec = session.get(Recording, recording_id)
        if rec is not None and rec.status not in (ARCHIVED, PURGED):
            rec.status = FAILED
            rec.error = message
    return FAILED


def _scratch(store: LocalStore, key: str, recording_id: int) -> Path:
    """A scratch name of this process (two runs of one recording never share a
    file); scratch files that a killed run left over an hour ago are removed."""
    folder = store.path(key).parent
    folder.mkdir(parents=True, exist_ok=True)
    stale = time.time() - 3600
    for leftover in folder.glob(f".{recording_id}.*.incoming"):
        if leftover.stat().st_mtime < stale:
            leftover.unlink(missing_ok=True)
    return folder / f".{recording_id}.{os.getpid()}.{uuid.uuid4().hex[:8]}.incoming"


def archive(recording_id: int, store: LocalStore, timezone: str,
            checkpoint: Callable[[str], None] = lambda stage: None) -> str:
    """Bring one recording to "archived" with no source left; returns its final status."""
    with db.transaction() as session:
        rec = session.get(Recording, recording_id)
        if rec is None:
            return "missing"
        status, source_path, sha256, key = rec.status, rec.source_path, rec.sha256, rec.archive_path
        key = key or archive_key(rec, timezone)
    if status == PURGED:
        return PURGED
    source = Path(source_path) if source_path else None
    has_source = source is not None and source.is_file()

    if status == ARCHIVED and not has_source:
        return ARCHIVED
    if not has_source:
        return _fail(recording_id, f"source file missing: {source_path}")
    try:
        audio = codec.read(source)
    except codec.AudioError as exc:
        return _fail(recording_id, str(exc))

    if status == ARCHIVED:
        # Step 4 happened; the source may go once the stored copy is proven.
        try:
            _verify(store, key, audio, sha256)
        except (codec.AudioError, OSError) as exc:
            status = RECORDED  # the copy is bad: archive again from the source
            checkpoint(f"reverify-failed: {exc}")
    if status != ARCHIVED:
        scratch = _scratch(store, key, recording_id)
        codec.encode_flac(audio, scratch)
        checkpoint("encoded")
        store.put(key, scratch)
        checkpoint("stored")
        try:
            sha256, _ = _verify(store, key, audio, None)
        except (codec.AudioError, OSError) as exc:
            return _fail(recording_id, f"verification failed: {exc}")
        now = utcnow()
        with db.transaction() as session:
            rec = session.get(Recording, recording_id)
            if rec is None:
                return "missing"
            days = _retention_days(session, rec)
            rec.status, rec.archive_path, rec.storage, rec.format = ARCHIVED, key, store.name, codec.ARCHIVE_FORMAT
            rec.sha256, rec.size_bytes, rec.duration_seconds = sha256, store.path(key).stat().st_size, audio.duration
            rec.archived_at, rec.error = now, None
            rec.purge_after = rec.started_at + timedelta(days=days) if days is not None else None
        checkpoint("committed")
    try:
        os.unlink(source)
    except FileNotFoundError:
        pass
    checkpoint("source-deleted")
    return ARCHIVED
