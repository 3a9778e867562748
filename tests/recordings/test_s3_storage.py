"""The archive in an S3-compatible object store: a real S3 server (moto's, in
a thread on loopback) reached by boto3 over HTTP.  Archiving verifies the
read-back before a source goes, a corrupted upload or a store that goes away
keeps the source, the player seeks with Range, bundles verify, retention
deletes objects and keeps what is on hold."""
from __future__ import annotations

import hashlib
import uuid
from datetime import datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy import select

from recordings import bundle
from recordings.archive import archive
from recordings.jobs import archive_recording, build_daily_bundles, purge_recordings
from recordings.models import DeliveryBundle, Recording
from recordings.storage import ObjectMissing, StorageError, explain, store_for

OLD = datetime(2026, 1, 5, 2, 0, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def s3_server():
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    holder = {"server": server, "url": f"http://{host}:{port}", "port": port}
    yield holder
    holder["server"].stop()


class S3Archive:
    def __init__(self, server: dict, bucket: str, prefix: str, settings: dict) -> None:
        import boto3
        from botocore.config import Config

        self.server, self.bucket, self.prefix, self.settings = server, bucket, prefix, settings
        self.client = boto3.client("s3", endpoint_url=server["url"], region_name="us-east-1",
                                   aws_access_key_id="testing", aws_secret_access_key="testing",
                                   config=Config(s3={"addressing_style": "path"}))

    def object(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.bucket, Key=f"{self.prefix}/{key}")["Body"].read()

    def overwrite(self, key: str, data: bytes) -> None:
        self.client.put_object(Bucket=self.bucket, Key=f"{self.prefix}/{key}", Body=data)

    def has(self, key: str) -> bool:
        found = self.client.list_objects_v2(Bucket=self.bucket, Prefix=f"{self.prefix}/{key}")
        return found.get("KeyCount", 0) > 0

    def stop_server(self) -> None:
        self.server["server"].stop()

    def restart_server(self) -> None:
        from moto.server import ThreadedMotoServer

        # Same port, same process: moto keeps its buckets in memory across the restart.
        self.server["server"] = ThreadedMotoServer(ip_address="127.0.0.1", port=self.server["port"], verbose=False)
        self.server["server"].start()


def _configure(app, monkeypatch, settings: dict) -> None:
    """Settings for jobs (environment), requests (`app`) and CLI commands (the test's app context)."""
    from flask import current_app

    for name, value in settings.items():
        monkeypatch.setenv(name, str(value))
        monkeypatch.setitem(app.config, name, value)
        monkeypatch.setitem(current_app.config, name, value)


@pytest.fixture
def s3_archive(app, monkeypatch, archive_dir, s3_server):
    """A fresh bucket, and ARCHIVE_STORAGE=s3 for jobs (environment) and the web app (config)."""
    bucket = f"recordings-{uuid.uuid4().hex[:12]}"
    settings = {"ARCHIVE_STORAGE": "s3", "ARCHIVE_S3_ENDPOINT_URL": s3_server["url"], "ARCHIVE_S3_BUCKET": bucket,
                "ARCHIVE_S3_PREFIX": "dialer/archive", "ARCHIVE_S3_REGION": "us-east-1",
                "ARCHIVE_S3_ACCESS_KEY_ID": "testing", "ARCHIVE_S3_SECRET_ACCESS_KEY": "testing",
                "ARCHIVE_S3_PATH_STYLE": True, "ARCHIVE_S3_TIMEOUT": 2.0, "ARCHIVE_S3_MAX_ATTEMPTS": 1}
    _configure(app, monkeypatch, settings)
    _configure(app, monkeypatch, {"ARCHIVE_DIR": str(archive_dir)})
    s3 = S3Archive(s3_server, bucket, "dialer/archive", settings)
    s3.client.create_bucket(Bucket=bucket)
    return s3


def _reload(session, rec):
    session.expire_all()
    return session.get(Recording, rec.id)


def test_archive_to_s3_verifies_before_the_source_goes(app, session, s3_archive, archive_dir, campaign,
                                                       make_recording):
    rec = make_recording(campaign)
    source = Path(rec.source_path)
    seen = []

    def checkpoint(stage):
        seen.append((stage, source.exists()))

    assert archive(rec.id, app.config, checkpoint) == "archived"
    assert seen == [("encoded", True), ("stored", True), ("committed", True), ("source-deleted", False)]
    rec = _reload(session, rec)
    assert rec.status == "archived" and rec.storage == "s3" and rec.error is None
    # The same dated, per-campaign key as in the local folder, under the prefix.
    assert rec.archive_path == f"campaign_{campaign.id}/2026/11/20/{rec.id}.flac"
    data = s3_archive.object(rec.archive_path)
    assert data[:4] == b"fLaC" and rec.sha256 == hashlib.sha256(data).hexdigest() and rec.size_bytes == len(data)
    head = s3_archive.client.head_object(Bucket=s3_archive.bucket, Key=f"dialer/archive/{rec.archive_path}")
    assert head["Metadata"]["sha256"] == rec.sha256 and head["ContentType"] == "audio/flac"
    assert not source.exists()
    assert list((archive_dir / ".s3-incoming").iterdir()) == []  # no scratch or read-back file left


def test_read_back_files_a_killed_worker_left_are_cleared(app, session, s3_archive, archive_dir, campaign,
                                                          make_recording):
    """A worker SIGKILLed while reading an object back leaves `.readback.*` in
    the S3 scratch folder; the next read-back removes it once it is an hour old."""
    import os
    import time

    scratch = archive_dir / ".s3-incoming"
    scratch.mkdir(parents=True, exist_ok=True)
    old, young = scratch / ".readback.killed1", scratch / ".readback.running"
    for path in (old, young):
        path.write_bytes(b"x" * 1000)
    two_hours_ago = time.time() - 7200
    os.utime(old, (two_hours_ago, two_hours_ago))

    rec = make_recording(campaign)
    assert archive(rec.id, app.config) == "archived"
    assert not old.exists()          # stale: gone
    assert young.exists()            # could belong to a job still running: kept
    assert sorted(p.name for p in scratch.iterdir()) == [".readback.running"]


def test_a_corrupted_upload_keeps_the_source_and_a_rerun_repairs_it(app, session, s3_archive, campaign,
                                                                    make_recording):
    rec = make_recording(campaign)
    source = Path(rec.source_path)

    def truncate_after_put(stage):
        if stage == "stored":  # as if the upload had been cut short, or overwritten
            key = f"campaign_{campaign.id}/2026/11/20/{rec.id}.flac"
            s3_archive.overwrite(key, s3_archive.object(key)[:1000])

    assert archive(rec.id, app.config, truncate_after_put) == "failed"
    failed = _reload(session, rec)
    assert failed.status == "failed" and "verification failed" in failed.error and "hash" in failed.error
    assert source.is_file()

    assert archive_recording(rec.id) == "archived"
    done = _reload(session, rec)
    assert done.sha256 == hashlib.sha256(s3_archive.object(done.archive_path)).hexdigest()
    assert not source.exists()


def test_a_store_that_goes_away_fails_clearly_keeps_the_source_and_the_retry_finishes(
        app, session, s3_archive, campaign, make_recording):
    rec = make_recording(campaign)
    source = Path(rec.source_path)

    def stop_after_put(stage):
        if stage == "stored":
            s3_archive.stop_server()

    try:
        with pytest.raises(StorageError, match="cannot reach the object store at http://127.0.0.1"):
            archive(rec.id, app.config, stop_after_put)
        failed = _reload(session, rec)
        assert failed.status == "failed" and failed.error.startswith("archive storage: cannot reach")
        assert source.is_file()
    finally:
        s3_archive.restart_server()
    assert archive_recording(rec.id) == "archived"  # what RQ's retry or the nightly sweep runs
    assert not source.exists() and _reload(session, rec).storage == "s3"


def test_a_missing_bucket_or_refused_credentials_fail_with_what_to_check(app, session, s3_archive, monkeypatch,
                                                                         campaign, make_recording):
    from moto.core.authorization import enable_iam_authentication

    rec = make_recording(campaign)
    _configure(app, monkeypatch, {"ARCHIVE_S3_BUCKET": "no-such-bucket-here"})
    with pytest.raises(StorageError, match="bucket 'no-such-bucket-here' does not exist at http://127.0.0.1"):
        archive_recording(rec.id)
    assert Path(rec.source_path).is_file() and "ARCHIVE_S3_BUCKET" in _reload(session, rec).error

    _configure(app, monkeypatch, {"ARCHIVE_S3_BUCKET": s3_archive.bucket})
    # With IAM checks on, the server refuses the key "testing" (moto knows no such key).
    with enable_iam_authentication(), pytest.raises(StorageError, match="refused the credentials.*ACCESS_KEY_ID"):
        archive_recording(rec.id)
    assert Path(rec.source_path).is_file() and _reload(session, rec).status == "failed"


def test_explain_tells_a_missing_object_from_a_missing_bucket():
    from botocore.exceptions import ClientError

    def error(code):
        return ClientError({"Error": {"Code": code, "Message": "m"}, "ResponseMetadata": {"HTTPStatusCode": 404}},
                           "HeadObject")

    assert isinstance(explain(error("404"), endpoint="e", bucket="b", action="HEAD", key="k"), ObjectMissing)
    missing_bucket = explain(error("404"), endpoint="e", bucket="b", action="HEAD")
    assert not isinstance(missing_bucket, ObjectMissing) and "does not exist" in str(missing_bucket)


def test_player_streams_ranges_from_s3(app, as_role, session, s3_archive, campaign, make_recording):
    rec = make_recording(campaign, clip="agent_pitch_zh.wav")
    archive_recording(rec.id)
    rec = _reload(session, rec)
    stored = s3_archive.object(rec.archive_path)
    url = f"/api/v1/recordings/{rec.id}/audio"
    qa = as_role("qa")

    full = qa.get(url)
    assert full.status_code == 200 and full.mimetype == "audio/flac" and full.data == stored
    assert full.headers["Accept-Ranges"] == "bytes" and full.headers["Content-Length"] == str(len(stored))
    part = qa.get(url, headers={"Range": "bytes=100-199"})
    assert part.status_code == 206 and part.data == stored[100:200]
    assert part.headers["Content-Range"] == f"bytes 100-199/{len(stored)}"
    # A seek near the end, as the player does, and the last bytes by suffix.
    deep = len(stored) - 5000
    tail = qa.get(url, headers={"Range": f"bytes={deep}-"})
    assert tail.status_code == 206 and tail.data == stored[deep:]
    assert qa.get(url, headers={"Range": "bytes=-64"}).data == stored[-64:]
    assert qa.get(url, headers={"Range": f"bytes={len(stored) + 10}-"}).status_code == 416
    # If-Range with an old validator: the whole (changed) object, not a slice of it.
    assert qa.get(url, headers={"Range": "bytes=0-9", "If-Range": '"stale"'}).status_code == 200
    assert qa.get(url, headers={"Range": "bytes=0-9", "If-Range": full.headers["ETag"]}).status_code == 206

    s3_archive.client.delete_object(Bucket=s3_archive.bucket, Key=f"dialer/archive/{rec.archive_path}")
    assert qa.get(url).status_code == 404
    s3_archive.stop_server()
    try:
        down = qa.get(url)
        assert down.status_code == 503 and "errors" in down.json
    finally:
        s3_archive.restart_server()


def test_bundle_from_s3_objects_verifies(app, as_role, session, runner, tmp_path, s3_archive, archive_dir,
                                         campaign, make_recording, monkeypatch):
    first = make_recording(campaign, phone_e164="+8613800000001")
    second = make_recording(campaign, clip="agent_pitch_zh.wav", phone_e164="+8613800000002",
                            started_at=datetime(2026, 11, 20, 3, 0, tzinfo=timezone.utc))
    # Archived before the switch to S3: still read from the local folder it is in.
    _configure(app, monkeypatch, {"ARCHIVE_STORAGE": "local"})
    archive_recording(first.id)
    _configure(app, monkeypatch, {"ARCHIVE_STORAGE": "s3"})
    archive_recording(second.id)
    assert [_reload(session, r).storage for r in (first, second)] == ["local", "s3"]

    key = f"bundles/campaign_{campaign.id}/C1_2026-11-20.zip"
    assert build_daily_bundles("2026-11-20") == {campaign.id: key}
    row = session.scalar(select(DeliveryBundle))
    assert row.file_count == 2 and row.sha256 == hashlib.sha256(s3_archive.object(key)).hexdigest()
    assert not (archive_dir / key).exists()

    download = as_role("technician").get(f"/api/v1/recordings/bundles/{row.id}/download")
    assert download.status_code == 200 and download.data == s3_archive.object(key)
    assert "attachment" in download.headers["Content-Disposition"]
    delivered = tmp_path / "C1_2026-11-20.zip"
    delivered.write_bytes(download.data)
    assert bundle.verify(delivered) == []
    assert bundle.main(["verify", str(delivered)]) == 0
    result = runner.invoke(args=["recordings", "verify-bundle", key])  # straight from the store
    assert result.exit_code == 0 and "OK: 2 file(s)" in result.output, result.output
    result = runner.invoke(args=["recordings", "verify-bundle", "bundles/nothing.zip"])
    assert result.exit_code != 0 and "not a file, nor a bundle" in result.output


def test_purge_deletes_objects_and_respects_legal_holds(app, session, s3_archive, campaign, make_recording):
    from core.models import AuditLog

    expired = make_recording(campaign, started_at=OLD)
    held = make_recording(campaign, started_at=OLD, legal_hold=True)
    for rec in (expired, held):
        assert archive_recording(rec.id) == "archived"
    expired, held = _reload(session, expired), _reload(session, held)
    assert s3_archive.has(expired.archive_path) and s3_archive.has(held.archive_path)

    s3_archive.stop_server()
    try:
        with pytest.raises(StorageError, match="1 recording\\(s\\) not purged"):
            purge_recordings()
        assert _reload(session, expired).status == "archived"  # left for the next run
    finally:
        s3_archive.restart_server()

    assert purge_recordings() == [expired.id]
    assert not s3_archive.has(expired.archive_path) and s3_archive.has(held.archive_path)
    assert _reload(session, expired).status == "purged" and _reload(session, held).status == "archived"
    entry = session.scalar(select(AuditLog).where(AuditLog.action == "recording.purge"))
    assert entry.details["deleted"] == [expired.archive_path]


def test_check_storage_command(app, runner, s3_archive, monkeypatch):
    result = runner.invoke(args=["recordings", "check-storage"])
    assert result.exit_code == 0 and f"s3://{s3_archive.bucket}/dialer/archive/probe/" in result.output
    assert not s3_archive.has("probe/")
    _configure(app, monkeypatch, {"ARCHIVE_S3_BUCKET": "not-created"})
    result = runner.invoke(args=["recordings", "check-storage"])
    assert result.exit_code != 0 and "does not exist" in result.output
    with pytest.raises(StorageError):
        store_for(app.config).stat("campaign_1/x.flac")


def test_a_bundle_stays_where_it_was_built_after_the_store_changes(app, as_role, session, runner, s3_archive,
                                                                     archive_dir, campaign, make_recording,
                                                                     monkeypatch):
    rec = make_recording(campaign)
    _configure(app, monkeypatch, {"ARCHIVE_STORAGE": "local"})
    archive_recording(rec.id)
    key = f"bundles/campaign_{campaign.id}/C1_2026-11-20.zip"
    assert build_daily_bundles("2026-11-20") == {campaign.id: key}
    row = session.scalar(select(DeliveryBundle))
    assert row.storage == "local" and (archive_dir / key).exists()
    local_zip = (archive_dir / key).read_bytes()

    # Switched to S3: the bundle built before is still served and verified from the folder.
    _configure(app, monkeypatch, {"ARCHIVE_STORAGE": "s3"})
    tech = as_role("technician")
    download = tech.get(f"/api/v1/recordings/bundles/{row.id}/download")
    assert download.status_code == 200 and download.data == local_zip
    assert tech.get("/api/v1/recordings/bundles").json[0]["storage"] == "local"
    result = runner.invoke(args=["recordings", "verify-bundle", key])
    assert result.exit_code == 0 and "OK: 1 file(s)" in result.output, result.output

    # Rebuilt after the switch: the zip goes to S3 and the old copy leaves the folder.
    assert build_daily_bundles("2026-11-20") == {campaign.id: key}
    session.expire_all()
    row = session.scalar(select(DeliveryBundle))
    assert row.storage == "s3" and s3_archive.has(key) and not (archive_dir / key).exists()
    download = tech.get(f"/api/v1/recordings/bundles/{row.id}/download")
    assert download.status_code == 200 and download.data == s3_archive.object(key)
