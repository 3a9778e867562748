"""Structure validation: the problems that block approval."""

import copy

from scripts_mgmt.questionnaire.validate import validate_questionnaire

from tests.scripts_mgmt.conftest import SURVEY


def codes(questionnaire):
    return sorted({i.code for i in validate_questionnaire(questionnaire)})


def test_the_sample_survey_and_an_empty_one_are_valid():
    assert validate_questionnaire(SURVEY) == []
    assert validate_questionnaire({}) == []
    assert validate_questionnaire({"sections": []}) == []


def test_a_cycle_between_sections_is_rejected():
    q = copy.deepcopy(SURVEY)
    q["sections"][2]["next"] = [
        {"if": {"question": "manager_call", "op": "equals", "value": True}, "goto": "detail"}
    ]
    found = validate_questionnaire(q)
    assert "cycle" in {i.code for i in found}
    assert any("detail → vip → detail" in i.text() for i in found if i.code == "cycle")


def test_unreachable_sections_and_questions_are_rejected():
    q = {
        "sections": [
            {
                "key": "a",
                "questions": [{"key": "q1", "type": "text", "label": "x"}],
                "next": [{"goto": "end"}],
            },
            {"key": "b", "questions": [{"key": "q2", "type": "text", "label": "y"}]},
        ]
    }
    assert codes(q) == ["unreachable_question", "unreachable_section"]


def test_a_rule_after_an_unconditional_one_is_unreachable():
    q = copy.deepcopy(SURVEY)
    q["sections"][1]["next"].append({"goto": "vip"})
    assert "unreachable_rule" in codes(q)


def test_references_to_unknown_questions_options_and_sections():
    q = copy.deepcopy(SURVEY)
    q["sections"][0]["questions"][2]["show_if"] = {"question": "reason", "op": "equals", "value": "weather"}
    q["sections"][1]["questions"][1]["show_if"] = {"question": "nope", "op": "answered"}
    q["sections"][1]["next"][0]["goto"] = "nowhere"
    assert {"unknown_option", "unknown_question", "unknown_section"} <= set(codes(q))


def test_forward_references_and_self_references_are_rejected():
    q = copy.deepcopy(SURVEY)
    q["sections"][0]["questions"][0]["show_if"] = {"question": "reason", "op": "answered"}  # later in section
    q["sections"][1]["questions"][0]["show_if"] = {
        "question": "manager_call",
        "op": "answered",
    }  # later section
    q["sections"][1]["questions"][4]["show_if"] = {"question": "score", "op": "answered"}  # itself
    found = [i for i in validate_questionnaire(q) if i.code == "forward_reference"]
    assert len(found) == 3


def test_a_rule_may_look_at_any_question_of_its_section_or_earlier_ones():
    q = copy.deepcopy(SURVEY)
    q["sections"][1]["next"][0]["if"] = {
        "all": [
            {"question": "score", "op": "gte", "value": 4},
            {"question": "interested", "op": "equals", "value": True},
        ]
    }
    assert validate_questionnaire(q) == []


def test_shape_and_field_problems():
    q = {
        "sections": [
            {
                "key": "a",
                "questions": [
                    {"key": "q1", "type": "dropdown", "label": "x"},
                    {"key": "q1", "type": "text", "label": "dup"},
                    {"key": "q2", "type": "single", "label": "no options"},
                    {"key": "q3", "type": "number", "label": "n", "min": 5, "max": 1},
                    {"key": "q4", "type": "text", "label": "t", "pattern": "("},
                    {"key": "has space", "type": "text", "label": "t"},
                    {"key": "q5", "type": "yes_no", "label": "y"},
                    {
                        "key": "q6",
                        "type": "text",
                        "label": "z",
                        "show_if": {"question": "q5", "op": "equals", "value": "yes"},
                    },
                    {
                        "key": "q7",
                        "type": "text",
                        "label": "z",
                        "show_if": {"question": "q5", "op": "in", "value": True},
                    },
                ],
            },
            {"key": "end", "questions": []},
        ]
    }
    assert codes(q) == [
        "bad_bound",
        "bad_condition",
        "bad_key",
        "bad_pattern",
        "bad_type",
        "duplicate_key",
        "no_options",
        "reserved_key",
    ]
    assert codes("not an object") == ["shape"]
    assert codes({"sections": [1, 2]}) == ["shape"]
