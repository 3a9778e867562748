"""Start-up objects are kept out of the cyclic collector (core.app), and the
import's fork (campaigns.lists.pipeline) leaves that freeze as it found it."""
from __future__ import annotations

import gc

import pytest

from campaigns.lists.pipeline import can_fork, forked


def rows():
    yield from ((f"row {n}", {"rows": n + 1}) for n in range(3))


def test_the_app_freezes_what_start_up_built(app):
    # tens of thousands of objects: modules, mappers, schemas
    assert gc.get_freeze_count() > 10_000


@pytest.mark.skipif(not can_fork(), reason="needs fork")
def test_the_import_fork_keeps_a_freeze_made_before_it(app):
    before = gc.get_freeze_count()
    assert [payload for payload, _ in forked(rows)] == ["row 0", "row 1", "row 2"]
    assert gc.get_freeze_count() >= before > 0


@pytest.mark.skipif(not can_fork(), reason="needs fork")
def test_the_import_fork_undoes_its_own_freeze():
    saved = gc.get_freeze_count()
    gc.unfreeze()
    try:
        assert [payload for payload, _ in forked(rows)] == ["row 0", "row 1", "row 2"]
        assert gc.get_freeze_count() == 0
    finally:
        if saved:
            gc.freeze()
