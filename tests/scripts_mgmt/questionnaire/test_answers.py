"""Answers checked server-side with branching applied."""

from scripts_mgmt.questionnaire.answers import check_answers

from tests.scripts_mgmt.conftest import SURVEY


def test_valid_answers_are_normalised():
    check = check_answers(
        SURVEY,
        {"interested": True, "products": ["b", "a"], "budget": "1200", "zip": " 100101 ", "score": 4.0},
    )
    assert check.ok, check.errors
    assert check.cleaned == {
        "interested": True,
        "products": ["a", "b"],
        "budget": 1200,
        "zip": "100101",
        "score": 4,
    }


def test_answers_to_hidden_questions_are_dropped_not_stored():
    check = check_answers(SURVEY, {"interested": False, "reason": "price", "products": ["a"], "score": 5})
    assert check.ok
    assert check.cleaned == {"interested": False, "reason": "price"}
    assert sorted(check.dropped) == ["products", "score"]


def test_required_visible_questions_are_enforced_hidden_ones_not():
    check = check_answers(SURVEY, {"interested": True})
    assert sorted(i.path for i in check.errors if i.code == "required") == ["products", "score"]
    check = check_answers(SURVEY, {"interested": False})
    assert [i.path for i in check.errors] == ["reason"]  # products/score are not shown


def test_branch_reached_by_an_answer_brings_its_required_questions():
    check = check_answers(SURVEY, {"interested": True, "products": ["a"], "budget": 80000, "score": 3})
    assert [i.path for i in check.errors] == ["manager_call"]


def test_bad_values_are_rejected():
    base = {"interested": True, "products": ["a"], "score": 3}
    bad = [
        {"products": ["a", "b", "c"]},  # more than max 2 choices
        {"products": ["z"]},
        {"budget": -1},
        {"budget": "lots"},
        {"budget": True},
        {"zip": "12345"},  # pattern
        {"score": 6},  # rating 1..5
        {"score": 2.5},
        {"interested": "yes"},
        {"products": ["c"], "visit": "2025-12-31"},  # before min
        {"products": ["c"], "visit": "31/12/2026"},
        {"unknown": 1},
    ]
    for change in bad:
        check = check_answers(SURVEY, {**base, **change})
        assert not check.ok, change
    assert not check_answers(SURVEY, ["not", "a", "dict"]).ok


def test_bounds_compare_numbers_of_either_kind_and_ignore_malformed_ones():
    q = {
        "sections": [
            {
                "key": "s",
                "questions": [
                    {"key": "n", "type": "number", "label": "n", "min": 2.5},
                    {"key": "d", "type": "date", "label": "d", "min": 5},  # malformed: approval refuses it
                ],
            }
        ]
    }
    assert not check_answers(q, {"n": 2}).ok
    assert check_answers(q, {"n": 3, "d": "2026-01-01"}).ok
