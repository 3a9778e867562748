"""Fixtures for import tests: sample files, a campaign with a list, file makers."""
from __future__ import annotations

import csv
from pathlib import Path

import pytest
from core.paths import LISTS

SAMPLES = LISTS


@pytest.fixture
def samples() -> Path:
    return SAMPLES


@pytest.fixture
def campaign_list(session):
    """(campaign, call list) in region CN."""
    from campaigns.models import CallList, Campaign

    campaign = Campaign(code="L1", name="Lists", default_region="CN")
    session.add(campaign)
    session.flush()
    call_list = CallList(campaign_id=campaign.id, name="first")
    session.add(call_list)
    session.commit()
    return campaign, call_list


def write_csv(path: Path, rows: list[list[str]], encoding: str = "utf-8") -> Path:
    with open(path, "w", encoding=encoding, newline="") as fh:
        csv.writer(fh, lineterminator="\r\n").writerows(rows)
    return path
