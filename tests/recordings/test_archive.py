"""Archiving: FLAC in the dated per-campaign folder, hash recorded, source gone
only after the copy is proven; every intermediate state converges."""
from __future__ import annotations

import hashlib
import os
import shutil

import soundfile as sf

from recordings.archive import archive_key
from recordings.jobs import archive_recording
from recordings.models import Recording


def _reload(session, rec):
    session.expire_all()
    return session.get(Recording, rec.id)


def test_archive_compresses_verifies_and_deletes_source(session, archive_dir, campaign, make_recording):
    rec = make_recording(campaign)
    source = rec.source_path
    wav_size = os.path.getsize(source)
    original, rate = sf.read(source, dtype="int16")
    assert archive_recording(rec.id) == "archived"
    rec = _reload(session, rec)
    assert rec.status == "archived" and rec.format == "flac" and rec.storage == "local"
    # 02:30 UTC on 20 November is 10:30 in Shanghai, the same date.
    assert rec.archive_path == f"campaign_{campaign.id}/2026/11/20/{rec.id}.flac"
    stored = archive_dir / rec.archive_path
    assert rec.sha256 == hashlib.sha256(stored.read_bytes()).hexdigest()
    assert rec.size_bytes == stored.stat().st_size < 0.8 * wav_size
    copy, copy_rate = sf.read(stored, dtype="int16")
    assert copy_rate == rate == 8000 and (copy == original).all()
    assert abs(rec.duration_seconds - len(original) / rate) < 1e-6
    assert not os.path.exists(source)
    assert rec.purge_after is not None and (rec.purge_after - rec.started_at).days == 30
    assert list(stored.parent.glob(".*incoming")) == []


def test_day_folder_is_the_centres_local_date(session, campaign, make_recording):
    from datetime import datetime, timezone

    rec = make_recording(campaign, started_at=datetime(2026, 11, 20, 17, 0, tzinfo=timezone.utc))
    assert archive_key(rec, "Asia/Shanghai").startswith(f"campaign_{campaign.id}/2026/11/21/")


def test_rerun_after_commit_but_before_source_delete_converges(session, archive_dir, campaign, make_recording):
    rec = make_recording(campaign)
    keep = rec.source_path + ".keep"
    shutil.copyfile(rec.source_path, keep)
    archive_recording(rec.id)
    os.replace(keep, rec.source_path)  # as if killed between the commit and the delete
    assert archive_recording(rec.id) == "archived"
    assert not os.path.exists(rec.source_path)


def test_corrupt_archive_copy_is_redone_from_the_source(session, archive_dir, campaign, make_recording):
    rec = make_recording(campaign)
    keep = rec.source_path + ".keep"
    shutil.copyfile(rec.source_path, keep)
    archive_recording(rec.id)
    rec = _reload(session, rec)
    (archive_dir / rec.archive_path).write_bytes(b"garbage")
    os.replace(keep, rec.source_path)
    assert archive_recording(rec.id) == "archived"
    rec = _reload(session, rec)
    assert hashlib.sha256((archive_dir / rec.archive_path).read_bytes()).hexdigest() == rec.sha256
    assert not os.path.exists(rec.source_path)


def test_missing_source_marks_failed_without_losing_anything(session, archive_dir, campaign, make_recording):
    rec = make_recording(campaign)
    os.unlink(rec.source_path)
    assert archive_recording(rec.id) == "failed"
    rec = _reload(session, rec)
    assert rec.status == "failed" and "missing" in rec.error


def test_not_audio_fails_and_keeps_source(session, archive_dir, campaign, make_recording):
    rec = make_recording(campaign)
    with open(rec.source_path, "wb") as handle:
        handle.write(b"RIFF not really")
    assert archive_recording(rec.id) == "failed"
    assert os.path.exists(rec.source_path)


def test_an_empty_recording_archives_and_verifies(tmp_path):
    """A call bridged and hung up at once leaves a WAV with no samples."""
    import wave

    from recordings import codec

    src = tmp_path / "empty.wav"
    with wave.open(str(src), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(b"")
    audio = codec.read(src)
    codec.encode_flac(audio, tmp_path / "empty.flac")
    again = codec.read(tmp_path / "empty.flac")
    assert again.rate == 8000 and codec.same_audio(audio, again)
