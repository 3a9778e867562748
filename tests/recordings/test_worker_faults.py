"""A worker SIGKILLed in the middle of archiving loses nothing: real Redis,
real `flask worker --burst` processes, the job held at a known step by the
ARCHIVE_TEST_PAUSE hook, killed there, then recovered by the nightly sweep
(and, for an abandoned job, by RQ's own retry) and run to completion."""
from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import soundfile as sf

from recordings.jobs import enqueue_archive, sweep_recordings
from recordings.models import Recording

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def _worker(tmp_path, archive_dir, marker, pause=None):
    env = dict(os.environ, APP_ENV="test", ARCHIVE_DIR=str(archive_dir), ARCHIVE_TEST_MARKER=str(marker),
               INSTANCE_PATH=str(tmp_path / "worker-instance"), PYTHONPATH=str(ROOT))
    env.pop("ARCHIVE_TEST_PAUSE", None)
    if pause:
        env["ARCHIVE_TEST_PAUSE"] = pause
    return subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "worker", "--burst",
                             "--queues", "recordings"], cwd=ROOT, env=env, start_new_session=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def _wait_for(marker: Path, stage: str, proc, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if marker.exists() and stage in marker.read_text().split():
            return
        if proc.poll() is not None:
            raise AssertionError(f"worker ended before {stage}: {proc.stdout.read().decode()[-2000:]}")
        time.sleep(0.1)
    raise AssertionError(f"worker never reached {stage}")


def _gone(pid: int, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
            with open(f"/proc/{pid}/stat") as fh:  # a zombie (reaped by init soon) counts as gone
                if fh.read().rsplit(")", 1)[1].split()[0] == "Z":
                    return
        except (ProcessLookupError, FileNotFoundError):
            return
        time.sleep(0.05)
    raise AssertionError(f"the work horse {pid} is still running")


@pytest.mark.parametrize("stage", ["encoded", "stored", "committed"])
def test_sigkill_mid_archive_then_recovery(stage, app, session, tmp_path, archive_dir, campaign, make_recording):
    from core.redis_conn import app_queue
    from rq.registry import StartedJobRegistry

    rec = make_recording(campaign, clip="agent_pitch_zh.wav")
    source = Path(rec.source_path)
    original, _ = sf.read(source, dtype="int16")
    queue = app_queue("recordings")
    job = enqueue_archive(queue, rec.id)
    marker = tmp_path / "stages.txt"

    first = _worker(tmp_path, archive_dir, marker, pause=f"{stage}:120")
    _wait_for(marker, stage, first)
    # The worker and its work horse (in a session of its own), mid-job.
    horse = int(next(t for t in marker.read_text().split() if t.startswith("pid:"))[4:])
    assert horse != first.pid
    os.kill(horse, signal.SIGKILL)
    os.killpg(first.pid, signal.SIGKILL)
    first.wait(timeout=30)
    _gone(horse)

    session.expire_all()
    half = session.get(Recording, rec.id)
    assert source.is_file()  # the only copy until the archive is proven and recorded
    assert half.status == ("archived" if stage == "committed" else "recorded")

    # RQ treats the job as abandoned once its heartbeat lapses; with retries
    # left it is put back rather than failed.
    StartedJobRegistry(queue=queue).cleanup(timestamp=time.time() + 86400)
    job.refresh()
    assert job.retries_left == 2 and job.get_status() in ("scheduled", "queued")

    # The nightly sweep finds the recording unfinished and enqueues it again.
    assert sweep_recordings(older_than_minutes=0) == [rec.id]
    marker.unlink()
    second = _worker(tmp_path, archive_dir, marker)
    output = second.communicate(timeout=180)[0].decode()
    assert second.returncode == 0, output[-2000:]

    session.expire_all()
    done = session.get(Recording, rec.id)
    assert done.status == "archived" and done.error is None
    stored = archive_dir / done.archive_path
    assert hashlib.sha256(stored.read_bytes()).hexdigest() == done.sha256
    copy, _ = sf.read(stored, dtype="int16")
    assert (copy == original).all()
    assert not source.exists()
    assert sweep_recordings(older_than_minutes=0) == []  # nothing left to do
