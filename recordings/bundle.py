"""The daily delivery bundle (刻盘): one zip per campaign and day with the
archived recordings and a manifest.json of files, metadata and checksums,
and the check a client (or we) run on it:

    python -m recordings.bundle verify PATH

Recordings are streamed out of the store each was archived in (local folder
or S3) into the zip, hashed on the way; the zip goes into the configured
store, and is read back through it for the hash recorded on its row, with the
store's name, so a bundle stays downloadable after ARCHIVE_STORAGE changes.
"""
from __future__ import annotations

import json
import logging
import os
import sys
import zipfile
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select

from core.clock import utcnow
from core.db import db
from recordings import codec
from recordings.models import DeliveryBundle, Recording
from recordings.storage import StorageError, remove_stale, setting, store_for
from reports.window import day_range

MANIFEST = "manifest.json"
MANIFEST_VERSION = 1

log = logging.getLogger(__name__)


def bundle_key(campaign_code: str, campaign_id: int, day: date) -> str:
    return f"bundles/campaign_{campaign_id}/{campaign_code}_{day.isoformat()}.zip"


def _entries(session, campaign_id: int, day: date, tz: str) -> list[dict]:
    from campaigns.models import Disposition
    from core.models import User
    from dialer.models import CallAttempt

    start, end = day_range(day, tz)
    rows = session.execute(
        select(Recording, CallAttempt.disposition_code, Disposition.label_zh, User.username)
        .outerjoin(CallAttempt, CallAttempt.id == Recording.attempt_id)
        .outerjoin(Disposition, Disposition.id == CallAttempt.disposition_id)
        .outerjoin(User, User.id == Recording.agent_id)
        .where(Recording.campaign_id == campaign_id, Recording.started_at >= start, Recording.started_at < end,
               Recording.status == "archived")
        .order_by(Recording.started_at, Recording.id)
    ).all()
    zone = ZoneInfo(tz)
    out = []
    for rec, code, label, agent in rows:
        local = rec.started_at.astimezone(zone)
        out.append({
            "name": f"recordings/{local:%H%M%S}_{rec.phone_e164 or 'unknown'}_{rec.id}.{rec.format}",
            "recording_id": rec.id, "archive_path": rec.archive_path, "storage": rec.storage, "sha256": rec.sha256,
            "size": rec.size_bytes, "duration_seconds": rec.duration_seconds, "phone": rec.phone_e164,
            "agent": agent, "started_at": rec.started_at.isoformat(), "started_local": local.isoformat(),
            "disposition": code, "disposition_label": label,
        })
    return out


def _add(zf: zipfile.ZipFile, entry: dict, source) -> str:
    """Stream one stored recording into the zip; its SHA-256 as read."""
    info = zipfile.ZipInfo(entry["name"], date_time=datetime.fromisoformat(entry["started_local"]).timetuple()[:6])
    info.compress_type, info.external_attr = zipfile.ZIP_STORED, 0o644 << 16
    with zf.open(info, "w") as out:
        return codec.hash_stream(source, out)[0]


def build(campaign_id: int, day: date, config, now: datetime | None = None) -> DeliveryBundle:
    """Write (or rewrite) the campaign's bundle of `day`; returns the stored row.

    `config` is the settings (ARCHIVE_* keys, TIMEZONE)."""
    from campaigns.models import Campaign

    now = now or utcnow()
    tz = setting(config, "TIMEZONE")
    with db.transaction() as session:
        campaign = session.get(Campaign, campaign_id)
        if campaign is None:
            raise LookupError(f"no campaign {campaign_id}")
        code, name = campaign.code, campaign.name
        entries = _entries(session, campaign_id, day, tz)
    key = bundle_key(code, campaign_id, day)
    store = store_for(config)
    folder = store.scratch_dir(key)
    remove_stale(folder, f".{Path(key).name}.*.incoming")  # left by a worker killed mid-bundle
    scratch = folder / f".{Path(key).name}.{os.getpid()}.incoming"
    files = []
    try:
        # Recordings are FLAC already: storing without deflate saves CPU for nothing lost.
        with zipfile.ZipFile(scratch, "w", compression=zipfile.ZIP_STORED) as zf:
            for entry in entries:
                source_store = store_for(config, entry.pop("storage"))
                with source_store.open(entry.pop("archive_path")) as source:
                    digest = _add(zf, entry, source)
                if digest != entry["sha256"]:
                    raise codec.AudioError(f"recording {entry['recording_id']} does not match its recorded hash")
                files.append(entry)
            manifest = {"version": MANIFEST_VERSION, "campaign": {"id": campaign_id, "code": code, "name": name},
                        "day": day.isoformat(), "timezone": tz, "generated_at": now.isoformat(),
                        "file_count": len(files), "files": files}
            zf.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2))
        digest = codec.sha256_file(scratch)
        store.put(key, scratch, digest)
    finally:
        scratch.unlink(missing_ok=True)
    stored, _ = store.digest(key)
    if stored != digest:
        raise StorageError(f"bundle {store.describe(key)} reads back with SHA-256 {stored}, written {digest}")
    with db.transaction() as session:
        row = session.scalar(select(DeliveryBundle).where(DeliveryBundle.campaign_id == campaign_id,
                                                          DeliveryBundle.day == day))
        if row is None:
            row = DeliveryBundle(campaign_id=campaign_id, day=day)
            session.add(row)
        previous = (row.storage, row.path) if row.path else None
        row.path, row.storage, row.sha256 = key, store.name, digest
        row.file_count, row.manifest, row.created_at = len(files), manifest, now
    if previous and previous != (store.name, key):
        _remove_previous(config, *previous)
    return row


def _remove_previous(config, storage: str, key: str) -> None:
    """A rebuild went to another store (ARCHIVE_STORAGE changed): the old
    zip is no longer listed anywhere, so it goes.  Failing to delete it
    leaves an orphan, logged, and never fails the new bundle."""
    try:
        store_for(config, storage).delete(key)
    except (StorageError, OSError) as exc:
        log.warning("bundle rebuilt in another store; the old copy %s stays: %s", key, exc)


def verify(path: str | os.PathLike) -> list[str]:
    """Problems found in a bundle (empty when every file matches the manifest)."""
    problems: list[str] = []
    try:
        zf = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        return [f"not a readable zip archive: {exc}"]
    with zf:
        names = set(zf.namelist())
        if MANIFEST not in names:
            return ["manifest.json is missing"]
        try:
            manifest = json.loads(zf.read(MANIFEST))
            files = manifest["files"]
        except (ValueError, KeyError, TypeError) as exc:
            return [f"manifest.json is not a valid manifest: {exc}"]
        listed = set()
        for entry in files:
            name = entry.get("name")
            listed.add(name)
            if name not in names:
                problems.append(f"{name}: listed in the manifest but missing")
                continue
            try:
                with zf.open(name) as handle:
                    digest, size = codec.hash_stream(handle)
            except (zipfile.BadZipFile, OSError) as exc:  # a CRC error raises here
                problems.append(f"{name}: unreadable ({exc})")
                continue
            if digest != entry.get("sha256"):
                problems.append(f"{name}: SHA-256 {digest} differs from the manifest's")
            if entry.get("size") is not None and size != entry["size"]:
                problems.append(f"{name}: {size} bytes, the manifest says {entry['size']}")
        for extra in sorted(names - listed - {MANIFEST}):
            problems.append(f"{extra}: not listed in the manifest")
        if manifest.get("file_count") not in (None, len(files)):
            problems.append("file_count does not match the number of files listed")
    return problems


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 2 or argv[0] != "verify":
        print("usage: python -m recordings.bundle verify PATH", file=sys.stderr)
        return 2
    path = Path(argv[1])
    problems = verify(path)
    for line in problems:
        print(line)
    if problems:
        print(f"FAILED: {len(problems)} problem(s) in {path}")
        return 1
    with zipfile.ZipFile(path) as zf:
        count = len(json.loads(zf.read(MANIFEST))["files"])
    print(f"OK: {count} file(s) match the manifest in {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
