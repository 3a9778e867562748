"""The `lists` command group, through Flask's CLI runner and `python -m campaigns.lists`."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select

from campaigns.lists.cli import lists_group
from campaigns.models import ImportBatch, Lead

ROOT = Path(__file__).resolve().parents[3]


def test_import_and_undo_from_the_cli(runner, session, campaign_list, samples):
    campaign, call_list = campaign_list
    result = runner.invoke(lists_group, ["import", str(samples / "cn_small_utf8.csv"), "--campaign", str(campaign.id),
                                         "--list", str(call_list.id)])
    assert result.exit_code == 0, result.output
    assert "accepted" in result.output and "Repeated earlier in this file" in result.output
    batch = session.scalar(select(ImportBatch))
    assert batch.status == "done"
    assert session.scalar(select(func.count()).select_from(Lead)) == batch.accepted > 0
    result = runner.invoke(lists_group, ["undo", str(batch.id), "--reason", "test"])
    assert result.exit_code == 0, result.output
    assert session.scalar(select(func.count()).select_from(Lead)) == 0


def test_cli_preview_and_refusals(runner, session, campaign_list, samples, tmp_path):
    campaign, _ = campaign_list
    result = runner.invoke(lists_group, ["import", str(samples / "cn_small.xlsx"), "--campaign", str(campaign.id),
                                         "--list-name", "xlsx", "--preview"])
    assert result.exit_code == 0, result.output
    assert "+86" in result.output and session.scalar(select(func.count()).select_from(ImportBatch)) == 0
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    result = runner.invoke(lists_group, ["import", str(empty), "--campaign", str(campaign.id), "--list-name", "x"])
    assert result.exit_code != 0 and "The file is empty." in result.output


def test_python_dash_m_entry_point():
    env = {**os.environ, "APP_ENV": "test"}
    out = subprocess.run([sys.executable, "-m", "campaigns.lists", "import", "--help"], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "--campaign" in out.stdout and "--encoding" in out.stdout
