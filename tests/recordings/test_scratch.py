"""Scratch files a killed worker leaves behind are removed once stale, and
only those: the pattern and the age both have to match."""
from __future__ import annotations

import os

from recordings.storage import remove_stale

NOW = 1_800_000_000.0


def _file(folder, name, age_s):
    path = folder / name
    path.write_bytes(b"partial")
    os.utime(path, (NOW - age_s, NOW - age_s))
    return path


def test_only_stale_files_of_the_pattern_go(tmp_path):
    stale = _file(tmp_path, ".17.999.ab12cd34.incoming", 3700)
    fresh = _file(tmp_path, ".17.1000.ef56ab78.incoming", 60)
    other_recording = _file(tmp_path, ".18.999.00000000.incoming", 9000)
    archived = _file(tmp_path, "17.flac", 90000)
    (tmp_path / ".17.dir.incoming").mkdir()  # not a file: never touched

    assert remove_stale(tmp_path, ".17.*.incoming", now=NOW) == 1
    assert not stale.exists()
    assert fresh.exists() and other_recording.exists() and archived.exists()
    assert (tmp_path / ".17.dir.incoming").is_dir()


def test_the_age_limit_is_a_parameter_and_an_empty_folder_is_fine(tmp_path):
    young = _file(tmp_path, ".readback.abc", 120)
    assert remove_stale(tmp_path, ".readback.*", older_than_s=3600, now=NOW) == 0
    assert remove_stale(tmp_path, ".readback.*", older_than_s=60, now=NOW) == 1
    assert not young.exists()
    assert remove_stale(tmp_path / "missing", ".readback.*", now=NOW) == 0
