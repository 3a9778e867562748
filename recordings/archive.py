"""Archive one recording: WAV → FLAC in the store, verified, then the source deleted.

The steps are ordered so that a crash between any two leaves a state the next
run finishes from, and no step destroys the only good copy:

1. encode the source into a scratch file (beside the archive, or in the
   S3 store's local scratch folder) and hash it;
2. put it into the store under its dated, per-campaign key (atomic);
3. read the stored copy back through the store (S3: HEAD size, a streamed
   GET hashed): its SHA-256 must be the scratch file's and its samples the
   source's;
4. record key, store, SHA-256, size and duration in the database (commit);
5. delete the source.

Re-running after 1–3 encodes again (the same bytes); after 4 it verifies the
stored copy against the source and the recorded hash, then does 5; after 5 it
has nothing left to do.  A store that cannot be reached (endpoint down,
bucket missing, credentials refused) raises StorageError with the cause: the
job fails, RQ retries it, the nightly sweep picks it up, and the source stays.
"""
from __future__ import annotations

import os
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Callable
from zoneinfo import ZoneInfo

from core.clock import utcnow
from core.db import db
from recordings import codec
from recordings.models import Recording
from recordings.storage import ObjectMissing, StorageError, Store, remove_stale, setting, store_for

ARCHIVED, RECORDED, FAILED, PURGED = "archived", "recorded", "failed", "purged"


def archive_key(recording: Recording, timezone: str) -> str:
    local = recording.started_at.astimezone(ZoneInfo(timezone))
    campaign = recording.campaign_id if recording.campaign_id is not None else "none"
    return f"campaign_{campaign}/{local:%Y/%m/%d}/{recording.id}.{codec.ARCHIVE_FORMAT}"


def _retention_days(session, recording: Recording) -> int | None:
    from campaigns.models import Campaign

    campaign = session.get(Campaign, recording.campaign_id) if recording.campaign_id else None
    return campaign.recording_retention_days if campaign else None


def _verify(store: Store, key: str, source: codec.Audio, sha256: str) -> int:
    """The stored copy's size; raises AudioError unless, read back through the
    store, it has the hash `sha256` and decodes to the source's samples."""
    with store.read_back(key) as copy:
        if copy.sha256 != sha256:
            raise codec.AudioError(f"archived copy {store.describe(key)} has hash {copy.sha256}, expected {sha256}")
        if not codec.same_audio(source, codec.read(copy.path)):
            raise codec.AudioError(f"archived copy {store.describe(key)} does not decode to the source's samples")
        return copy.size


def _fail(recording_id: int, message: str) -> str:
    with db.transaction() as session:
        rec = session.get(Recording, recording_id)
        if rec is not None and rec.status not in (ARCHIVED, PURGED):
            rec.status = FAILED
            rec.error = message
    return FAILED


def _scratch(store: Store, key: str, recording_id: int) -> Path:
    """A scratch name of this process (two runs of one recording never share a
    file); scratch files that a killed run left over an hour ago are removed."""
    folder = store.scratch_dir(key)
    remove_stale(folder, f".{recording_id}.*.incoming")
    return folder / f".{recording_id}.{os.getpid()}.{uuid.uuid4().hex[:8]}.incoming"


def archive(recording_id: int, config, checkpoint: Callable[[str], None] = lambda stage: None) -> str:
    """Bring one recording to "archived" with no source left; returns its final status.

    `config` is the settings (ARCHIVE_* keys, TIMEZONE).  Raises StorageError
    when the store cannot be used; the source is then kept.
    """
    with db.transaction() as session:
        rec = session.get(Recording, recording_id)
        if rec is None:
            return "missing"
        status, source_path, sha256, key = rec.status, rec.source_path, rec.sha256, rec.archive_path
        stored_in = rec.storage
        key = key or archive_key(rec, setting(config, "TIMEZONE"))
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
        # Step 4 happened; the source may go once the stored copy is proven,
        # in the store it was recorded in.  An unreachable store raises here.
        try:
            _verify(store_for(config, stored_in), key, audio, sha256)
        except (codec.AudioError, ObjectMissing, OSError) as exc:
            status = RECORDED  # the copy is bad or gone: archive again from the source
            checkpoint(f"reverify-failed: {exc}")
    if status != ARCHIVED:
        store = store_for(config)
        scratch = _scratch(store, key, recording_id)
        try:
            codec.encode_flac(audio, scratch)
            checkpoint("encoded")
            sha256 = codec.sha256_file(scratch)
            store.put(key, scratch, sha256)
            checkpoint("stored")
            try:
                size = _verify(store, key, audio, sha256)
            except (codec.AudioError, ObjectMissing, OSError) as exc:
                return _fail(recording_id, f"verification failed: {exc}")
        except StorageError as exc:
            _fail(recording_id, f"archive storage: {exc}")
            raise
        finally:
            scratch.unlink(missing_ok=True)
        now = utcnow()
        with db.transaction() as session:
            rec = session.get(Recording, recording_id)
            if rec is None:
                return "missing"
            days = _retention_days(session, rec)
            rec.status, rec.archive_path, rec.storage, rec.format = ARCHIVED, key, store.name, codec.ARCHIVE_FORMAT
            rec.sha256, rec.size_bytes, rec.duration_seconds = sha256, size, audio.duration
            rec.archived_at, rec.error = now, None
            rec.purge_after = rec.started_at + timedelta(days=days) if days is not None else None
        checkpoint("committed")
    try:
        os.unlink(source)
    except FileNotFoundError:
        pass
    checkpoint("source-deleted")
    return ARCHIVED
