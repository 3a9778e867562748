"""Recordings test helpers: a campaign, WAV sources copied from the shared
telephone audio, and an archive folder of the test's own."""
from __future__ import annotations

import shutil
from datetime import datetime, timezone
from pathlib import Path

import pytest

AUDIO = Path(__file__).resolve().parents[3] / "shared" / "data" / "audio"


@pytest.fixture
def archive_dir(app, tmp_path, monkeypatch):
    """The same folder for jobs (from the environment) and the web app (its config)."""
    folder = tmp_path / "archive"
    monkeypatch.setenv("ARCHIVE_DIR", str(folder))
    monkeypatch.setitem(app.config, "ARCHIVE_DIR", str(folder))
    monkeypatch.setenv("CENTRE_TIMEZONE", "Asia/Shanghai")
    return folder


@pytest.fixture
def campaign(session):
    from campaigns.models import Campaign

    c = Campaign(code="C1", name="Campaign one", recording_retention_days=30)
    session.add(c)
    session.commit()
    return c


@pytest.fixture
def make_recording(session, tmp_path):
    from recordings.models import Recording

    def make(campaign, clip="human_hello_zh.wav", started_at=None, **kw):
        source_dir = tmp_path / "spool"
        source_dir.mkdir(exist_ok=True)
        rec = Recording(campaign_id=campaign.id if campaign else None, status="recorded",
                        started_at=started_at or datetime(2026, 11, 20, 2, 30, tzinfo=timezone.utc), **kw)
        session.add(rec)
        session.flush()
        source = source_dir / f"{rec.id}.wav"
        shutil.copyfile(AUDIO / clip, source)
        rec.source_path = str(source)
        session.commit()
        return rec

    return make


ITEMS = [
    {"key": "greet", "label": "Greeting", "weight": 20, "auto_fail": False},
    {"key": "pitch", "label": "Pitch", "weight": 80, "auto_fail": False},
    {"key": "honest", "label": "No false promises", "weight": 0, "auto_fail": True},
]


@pytest.fixture
def scored_campaign(session, campaign):
    from scripts_mgmt.models import Scorecard, ScorecardVersion, VersionStatus

    card = Scorecard(campaign_id=campaign.id, name="FQA")
    session.add(card)
    session.flush()
    version = ScorecardVersion(scorecard_id=card.id, number=1, status=VersionStatus.APPROVED, items=ITEMS,
                               pass_mark=80)
    session.add(version)
    session.flush()
    campaign.scorecard_version_id = version.id
    session.commit()
    return campaign
