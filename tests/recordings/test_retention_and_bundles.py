"""Retention purges with an audit entry and respects legal holds; a day's
delivery bundle carries a manifest that the verifier checks."""
from __future__ import annotations

import json
import os
import time
import zipfile
from datetime import date, datetime, timezone

from sqlalchemy import select

from recordings import bundle
from recordings.jobs import archive_recording, build_daily_bundles, purge_recordings
from recordings.models import DeliveryBundle, Recording

OLD = datetime(2026, 1, 5, 2, 0, tzinfo=timezone.utc)  # far past 30 days of retention


def test_purge_respects_retention_and_legal_holds(session, archive_dir, campaign, make_recording):
    from campaigns.models import Campaign
    from core.models import AuditLog

    expired = make_recording(campaign, started_at=OLD)
    held = make_recording(campaign, started_at=OLD, legal_hold=True)
    recent = make_recording(campaign, started_at=datetime.now(timezone.utc))
    held_campaign = Campaign(code="HOLD", name="On hold", recording_retention_days=1, legal_hold=True)
    session.add(held_campaign)
    session.commit()
    under_campaign_hold = make_recording(held_campaign, started_at=OLD)
    for rec in (expired, held, recent, under_campaign_hold):
        archive_recording(rec.id)
    session.expire_all()
    path = archive_dir / session.get(Recording, expired.id).archive_path
    assert path.is_file()

    assert purge_recordings() == [expired.id]
    session.expire_all()
    assert session.get(Recording, expired.id).status == "purged" and not path.exists()
    for rec in (held, recent, under_campaign_hold):
        kept = session.get(Recording, rec.id)
        assert kept.status == "archived" and (archive_dir / kept.archive_path).is_file()
    log = session.scalars(select(AuditLog).where(AuditLog.action == "recording.purge")).all()
    assert [(entry.object_id, entry.details["campaign_id"]) for entry in log] == [(str(expired.id), campaign.id)]
    assert purge_recordings() == []  # nothing left to purge, nothing logged twice


def test_bundle_manifest_and_verification(session, archive_dir, campaign, make_recording, runner):
    first = make_recording(campaign, phone_e164="+8613800000001")
    second = make_recording(campaign, clip="agent_pitch_zh.wav", phone_e164="+8613800000002",
                            started_at=datetime(2026, 11, 20, 3, 0, tzinfo=timezone.utc))
    make_recording(campaign, started_at=datetime(2026, 11, 21, 3, 0, tzinfo=timezone.utc))  # another day
    for rec in (first, second):
        archive_recording(rec.id)
    # A worker killed mid-bundle two hours ago left its partial zip beside the bundles.
    folder = archive_dir / f"bundles/campaign_{campaign.id}"
    folder.mkdir(parents=True, exist_ok=True)
    killed = folder / ".C1_2026-11-20.zip.4242.incoming"
    killed.write_bytes(b"PK partial")
    os.utime(killed, (time.time() - 7200,) * 2)

    assert build_daily_bundles("2026-11-20") == {campaign.id: f"bundles/campaign_{campaign.id}/C1_2026-11-20.zip"}
    assert not killed.exists() and sorted(p.name for p in folder.iterdir()) == ["C1_2026-11-20.zip"]
    row = session.scalar(select(DeliveryBundle))
    path = archive_dir / row.path
    assert row.file_count == 2 and row.day == date(2026, 11, 20)
    with zipfile.ZipFile(path) as zf:
        manifest = json.loads(zf.read("manifest.json"))
    assert [f["recording_id"] for f in manifest["files"]] == [first.id, second.id]
    session.expire_all()
    assert manifest["files"][0]["sha256"] == session.get(Recording, first.id).sha256
    assert bundle.verify(path) == []
    assert bundle.main(["verify", str(path)]) == 0
    result = runner.invoke(args=["recordings", "verify-bundle", str(path)])
    assert result.exit_code == 0 and "OK: 2 file(s)" in result.output

    # Rebuilding the day replaces the bundle (one row per campaign and day).
    build_daily_bundles("2026-11-20")
    assert session.scalar(select(DeliveryBundle.id).where(DeliveryBundle.id != row.id)) is None

    tampered = path.with_name("tampered.zip")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tampered, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == manifest["files"][1]["name"]:
                data = data[:-10] + b"0123456789"
            dst.writestr(item, data)
        dst.writestr("recordings/extra.flac", b"x")
    problems = bundle.verify(tampered)
    assert any("SHA-256" in p for p in problems) and any("extra.flac" in p for p in problems)
    result = runner.invoke(args=["recordings", "verify-bundle", str(tampered)])
    assert result.exit_code == 1 and "FAILED" in result.output
    assert bundle.verify(archive_dir / "missing.zip")[0].startswith("not a readable zip")


def test_bundle_api_and_page(as_role, session, archive_dir, campaign, make_recording):
    rec = make_recording(campaign)
    archive_recording(rec.id)
    tech = as_role("technician")
    r = tech.post("/api/v1/recordings/bundles", json={"campaign_id": campaign.id, "day": "2026-11-20"})
    assert r.status_code == 202 and r.json["status"] == "queued"
    assert tech.post("/api/v1/recordings/bundles", json={"campaign_id": 4242, "day": "2026-11-20"}).status_code == 404
    build_daily_bundles("2026-11-20")
    listed = tech.get("/api/v1/recordings/bundles").json
    assert len(listed) == 1 and listed[0]["file_count"] == 1
    download = tech.get(f"/api/v1/recordings/bundles/{listed[0]['id']}/download")
    assert download.status_code == 200 and download.data[:2] == b"PK"
    assert tech.get("/recordings/bundles").status_code == 200
    assert as_role("qa").get("/api/v1/recordings/bundles").status_code == 403


def test_legal_hold_api_is_audited(as_role, session, campaign, make_recording, archive_dir):
    from core.models import AuditLog

    rec = make_recording(campaign)
    manager = as_role("manager")
    r = manager.post(f"/api/v1/recordings/{rec.id}/legal-hold", json={"legal_hold": True, "reason": "投诉调查"})
    assert r.status_code == 200 and r.json["legal_hold"] is True
    entry = session.scalar(select(AuditLog).where(AuditLog.action == "recording.legal_hold"))
    assert entry.reason == "投诉调查" and entry.object_id == str(rec.id)
    assert manager.post(f"/api/v1/recordings/{rec.id}/legal-hold", json={"legal_hold": True}).status_code == 422
