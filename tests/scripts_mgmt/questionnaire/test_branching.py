"""Branching: visible questions and the sections walked, given answers."""

from scripts_mgmt.questionnaire.branching import evaluate, next_section, walk

from tests.scripts_mgmt.conftest import SURVEY


def test_nothing_answered_shows_first_section_then_falls_through():
    result = walk(SURVEY, {})
    # interested unanswered: the jump to end does not apply; "detail" follows;
    # budget unanswered so "goto vip" does not apply and the unconditional end does.
    assert result.path == ["intro", "detail"]
    assert result.visible == ["interested", "products", "budget", "zip", "score"]


def test_a_no_shows_the_reason_and_ends():
    result = walk(SURVEY, {"interested": False, "reason": "other"})
    assert result.path == ["intro"]
    assert result.visible == ["interested", "reason", "reason_text"]


def test_answers_of_hidden_questions_are_ignored_by_later_conditions():
    # reason is hidden once interested is yes; its stale answer must not show reason_text
    result = walk(SURVEY, {"interested": True, "reason": "other", "products": ["a"]})
    assert "reason" not in result.visible and "reason_text" not in result.visible
    assert "reason" not in result.known


def test_jump_to_a_section_by_number():
    answers = {"interested": True, "products": ["a", "c"], "budget": 60000}
    result = walk(SURVEY, answers)
    assert result.path == ["intro", "detail", "vip"]
    assert "visit" in result.visible and "manager_call" in result.visible
    assert next_section(SURVEY, "detail", answers) == "vip"
    assert next_section(SURVEY, "detail", {"interested": True, "budget": 10}) is None


def test_operators():
    known = {"n": 5, "s": "abc", "m": ["x", "y"], "b": True}
    cases = [
        ({"question": "n", "op": "gt", "value": 4}, True),
        ({"question": "n", "op": "lte", "value": 4}, False),
        ({"question": "n", "op": "equals", "value": 5.0}, True),
        ({"question": "b", "op": "equals", "value": 1}, False),  # true is not 1
        ({"question": "s", "op": "contains", "value": "b"}, True),
        ({"question": "m", "op": "contains", "value": "y"}, True),
        ({"question": "m", "op": "in", "value": ["y", "z"]}, True),
        ({"question": "m", "op": "not_in", "value": ["z"]}, True),
        ({"question": "m", "op": "equals", "value": ["x", "y"]}, True),
        ({"question": "gone", "op": "not_equals", "value": 1}, False),  # unanswered compares false
        ({"question": "gone", "op": "not_answered"}, True),
        ({"question": "s", "op": "gt", "value": 1}, False),  # mixed types
        ({"question": "s", "op": "bogus", "value": 1}, False),
        ({"all": []}, True),
        ({"any": []}, False),
        ({"not": {"question": "n", "op": "answered"}}, False),
        (
            {
                "any": [
                    {"question": "n", "op": "lt", "value": 0},
                    {"question": "b", "op": "equals", "value": True},
                ]
            },
            True,
        ),
        ("garbage", False),
    ]
    for condition, expected in cases:
        assert evaluate(condition, known) is expected, condition


def test_malformed_questionnaires_do_not_raise():
    for broken in (
        None,
        [],
        {"sections": "x"},
        {"sections": [1, {"questions": "x"}]},
        {"sections": [{"key": "a", "next": [{"goto": "a"}], "questions": [{"key": "q"}]}]},
    ):
        walk(broken, {"q": 1})
