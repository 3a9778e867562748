"""QA scorecard arithmetic."""

import pytest

from scripts_mgmt.scoring import ScoringError, item_problems, passed, score

ITEMS = [
    {"key": "greeting", "label": "开场白", "weight": 20},
    {"key": "accuracy", "label": "信息准确", "weight": 50},
    {"key": "closing", "label": "结束语", "weight": 30},
    {"key": "dnc", "label": "客户拒绝后继续推销", "weight": 0, "auto_fail": True},
]


def test_weighted_total_with_partial_and_not_applicable_marks():
    total, failed, breakdown = score(ITEMS, {"greeting": True, "accuracy": 0.5, "closing": None, "dnc": True})
    assert (total, failed) == (round(100 * (20 + 25) / 70, 2), False)
    assert [b["points"] for b in breakdown] == [20.0, 25.0, None, 0.0]
    assert passed(total, failed, 60) and not passed(total, failed, 70)


def test_auto_fail_item_zeroes_the_score():
    total, failed, breakdown = score(
        ITEMS, {"greeting": True, "accuracy": True, "closing": True, "dnc": False}
    )
    assert (total, failed) == (0.0, True)
    assert [b["key"] for b in breakdown if b["failed"]] == ["dnc"]
    assert not passed(100, True, 0)


def test_marks_must_cover_the_items_and_be_in_range():
    with pytest.raises(ScoringError):
        score(ITEMS, {"greeting": True})
    with pytest.raises(ScoringError):
        score(ITEMS, {"greeting": True, "accuracy": 2, "closing": True, "dnc": True})
    with pytest.raises(ScoringError):
        score(ITEMS, {"greeting": True, "accuracy": 1, "closing": True, "dnc": True, "extra": 1})


def test_item_problems():
    assert item_problems(ITEMS) == []
    assert item_problems([]) != []
    assert item_problems([{"key": "a", "weight": 0, "auto_fail": True}]) != []
    assert item_problems([{"key": "a", "weight": 1}, {"key": "a", "weight": 1}]) != []
    assert item_problems([{"key": "a", "weight": -1}]) != []
