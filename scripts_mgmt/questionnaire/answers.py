"""Server-side check of the answers given on a call, against the questionnaire
of the script version the call used, with branching applied: answers to
questions that were not shown are dropped, required shown questions must be
answered, and every answer must fit its question's type and limits."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date

from scripts_mgmt.questionnaire.branching import walk
from scripts_mgmt.questionnaire.issues import Issue
from scripts_mgmt.questionnaire.schema import (
    MAX_TEXT_LENGTH,
    RATING_DEFAULT,
    is_empty,
    option_values,
    question_index,
)


@dataclass
class AnswerCheck:
    cleaned: dict = field(default_factory=dict)  # what to store: shown, answered, normalised
    errors: list[Issue] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)  # answered but not shown: not stored

    @property
    def ok(self) -> bool:
        return not self.errors


def _number(value):
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        try:
            value = float(value.strip())
        except ValueError:
            return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and math.isfinite(value):
        return int(value) if value.is_integer() else value
    return None


def _bounded(key: str, value, lo, hi, what: str) -> Issue | None:
    # Bounds of the wrong type (a questionnaire approval would refuse) are ignored.
    if (
        lo is not None
        and type(lo) is not type(value)
        and not (_number(lo) is not None and _number(value) is not None)
    ):
        lo = None
    if (
        hi is not None
        and type(hi) is not type(value)
        and not (_number(hi) is not None and _number(value) is not None)
    ):
        hi = None
    if lo is not None and value < lo:
        return Issue(
            "too_small",
            key,
            "The %(what)s of %(key)s must be at least %(min)s.",
            {"what": what, "key": key, "min": lo},
        )
    if hi is not None and value > hi:
        return Issue(
            "too_large",
            key,
            "The %(what)s of %(key)s must be at most %(max)s.",
            {"what": what, "key": key, "max": hi},
        )
    return None


def check_one(question: dict, value) -> tuple[object, Issue | None]:
    """The normalised value of one non-empty answer, or the problem with it."""
    key, kind = question.get("key"), question.get("type")
    lo, hi = question.get("min"), question.get("max")
    bad = Issue("bad_value", key, "The answer to %(key)s is not valid.", {"key": key})
    if kind == "single":
        return (value, None) if isinstance(value, str) and value in option_values(question) else (None, bad)
    if kind == "multiple":
        if (
            not isinstance(value, list)
            or not all(isinstance(v, str) for v in value)
            or len(set(value)) != len(value)
        ):
            return None, bad
        known = option_values(question)
        if any(v not in known for v in value):
            return None, bad
        ordered = [v for v in known if v in value]  # option order, so equal answers compare equal
        return ordered, _bounded(key, len(value), lo, hi, "number of choices")
    if kind == "text":
        if not isinstance(value, str):
            return None, bad
        text = value.strip()
        problem = _bounded(key, len(text), lo, hi, "length")
        if problem is None and len(text) > MAX_TEXT_LENGTH:
            problem = _bounded(key, len(text), None, MAX_TEXT_LENGTH, "length")
        if problem is None and isinstance(question.get("pattern"), str):
            try:
                if re.fullmatch(question["pattern"], text) is None:
                    problem = Issue(
                        "pattern", key, "The answer to %(key)s does not have the expected form.", {"key": key}
                    )
            except re.error:
                problem = bad
        return text, problem
    if kind == "number":
        number = _number(value)
        if number is None:
            return None, bad
        return number, _bounded(key, number, lo, hi, "value")
    if kind == "rating":
        number = _number(value)
        if number is None or not isinstance(number, int):
            return None, bad
        low = RATING_DEFAULT[0] if lo is None else lo
        high = RATING_DEFAULT[1] if hi is None else hi
        return number, _bounded(key, number, low, high, "value")
    if kind == "date":
        try:
            day = date.fromisoformat(value) if isinstance(value, str) and len(value) == 10 else None
        except ValueError:
            day = None
        if day is None:
            return None, bad
        return value, _bounded(key, value, lo, hi, "date")
    if kind == "yes_no":
        return (value, None) if isinstance(value, bool) else (None, bad)
    return None, bad


def check_answers(questionnaire, answers) -> AnswerCheck:
    result = AnswerCheck()
    if not isinstance(answers, dict):
        result.errors.append(Issue("shape", "", "Answers must be an object keyed by question."))
        return result
    questions = question_index(questionnaire)
    for key in answers:
        if key not in questions:
            result.errors.append(
                Issue("unknown_question", str(key), "There is no question %(key)s.", {"key": str(key)})
            )
    shown = walk(questionnaire, answers)
    visible = set(shown.visible)
    for key, value in answers.items():
        if key in questions and key not in visible and not is_empty(value):
            result.dropped.append(key)
    for key in shown.visible:
        question = questions[key]
        value = answers.get(key)
        if is_empty(value):
            if question.get("required") is True:
                result.errors.append(Issue("required", key, "%(key)s must be answered.", {"key": key}))
            continue
        cleaned, problem = check_one(question, value)
        if problem is not None:
            result.errors.append(problem)
        else:
            result.cleaned[key] = cleaned
    return result
