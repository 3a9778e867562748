"""The structure of a questionnaire, as stored in `ScriptVersion.questionnaire`.

    {"sections": [
       {"key": "s1", "title": "...",
        "questions": [
          {"key": "q1", "type": "single", "label": "...", "help": "...",
           "required": true,
           "options": [{"value": "a", "label": "A"}],   # single, multiple
           "min": 1, "max": 3,       # number/rating: value; text: length;
                                     # multiple: choices; date: ISO dates
           "pattern": "^\\d{6}$",    # text: the whole answer must match
           "show_if": CONDITION}],   # shown only when true
        "next": [{"if": CONDITION, "goto": "s3"}, {"goto": "end"}]}]}

A CONDITION is {"question": key, "op": OP, "value": ...} or
{"all": [CONDITION, ...]}, {"any": [...]}, {"not": CONDITION}.
OP is one of OPS below; the semantics are in `branching.py`.

An empty questionnaire ({} or no sections) is allowed: a script without one.
"""

from __future__ import annotations

from typing import Iterator

QUESTION_TYPES = ("single", "multiple", "text", "number", "date", "yes_no", "rating")
CHOICE_TYPES = ("single", "multiple")
OPS = (
    "equals",
    "not_equals",
    "in",
    "not_in",
    "contains",
    "answered",
    "not_answered",
    "gt",
    "gte",
    "lt",
    "lte",
)
VALUELESS_OPS = ("answered", "not_answered")
LIST_OPS = ("in", "not_in")
ORDER_OPS = ("gt", "gte", "lt", "lte")
END = "end"  # the goto target that finishes the questionnaire
RATING_DEFAULT = (1, 5)
MAX_KEY_LENGTH = 64
MAX_TEXT_LENGTH = 2000  # bounds regex work on an answer
MAX_PATTERN_LENGTH = 200


def sections(questionnaire) -> list[dict]:
    """The section dicts, tolerating a missing or malformed root."""
    if not isinstance(questionnaire, dict):
        return []
    found = questionnaire.get("sections")
    return [s for s in found if isinstance(s, dict)] if isinstance(found, list) else []


def questions_of(section: dict) -> list[dict]:
    found = section.get("questions")
    return [q for q in found if isinstance(q, dict)] if isinstance(found, list) else []


def rules_of(section: dict) -> list[dict]:
    found = section.get("next")
    return [r for r in found if isinstance(r, dict)] if isinstance(found, list) else []


def iter_questions(questionnaire) -> Iterator[tuple[dict, dict]]:
    """(section, question) in document order."""
    for section in sections(questionnaire):
        for question in questions_of(section):
            yield section, question


def question_index(questionnaire) -> dict[str, dict]:
    return {q.get("key"): q for _, q in iter_questions(questionnaire) if isinstance(q.get("key"), str)}


def option_values(question: dict) -> list:
    options = question.get("options")
    if not isinstance(options, list):
        return []
    return [o.get("value") for o in options if isinstance(o, dict)]


def referenced_questions(condition) -> list[str]:
    """Every question key a condition mentions (nested ones included)."""
    if not isinstance(condition, dict):
        return []
    out: list[str] = []
    for key in ("all", "any"):
        if isinstance(condition.get(key), list):
            for sub in condition[key]:
                out.extend(referenced_questions(sub))
    if "not" in condition:
        out.extend(referenced_questions(condition["not"]))
    if isinstance(condition.get("question"), str):
        out.append(condition["question"])
    return out


def is_empty(value) -> bool:
    """An unanswered value: None, a blank string or an empty list."""
    if value is None:
        return True
    if isinstance(value, str):
        return value.strip() == ""
    if isinstance(value, list):
        return len(value) == 0
    return False
