"""Which questions are shown, given the answers so far: the branching rules.

The rules, kept small on purpose because `static/scripts/questionnaire.js`
implements exactly the same ones (a test runs shared cases through both):

* Sections are walked from the first.  After a section, its `next` rules are
  tried in order; the first whose `if` holds (a rule without `if` always
  holds) sends the walk to its `goto` section, or finishes it with
  `"goto": "end"`.  No rule matching means the following section (or the
  end after the last one).  A section is never walked twice.
* A question is visible when it has no `show_if` or its condition holds.
* Conditions only see answers to questions already shown on the walk:
  the answer to a hidden question is ignored, as if unanswered.
* A comparison with an unanswered question is false (`not_equals` too);
  `answered` / `not_answered` test presence.  Unanswered means missing,
  null, a blank string or an empty list.
* `equals` / `not_equals`: same type and value (true is not 1; lists are
  equal element by element).  `in` / `not_in`: the answer is one of the
  listed values (for a multiple choice answer: any chosen option is).
  `contains`: a list answer contains the value, or a text answer contains
  the value as a substring.  `gt` `gte` `lt` `lte`: numbers with numbers,
  strings with strings (ISO dates compare correctly), otherwise false.
* `all` of an empty list is true, `any` of an empty list is false; an
  unknown operator or a malformed condition is false.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from scripts_mgmt.questionnaire.schema import END, is_empty, questions_of, rules_of, sections


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def same(a, b) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if _is_number(a) and _is_number(b):
        return a == b
    if isinstance(a, str) and isinstance(b, str):
        return a == b
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return False


def _one_of(answer, values) -> bool:
    if not isinstance(values, list):
        return False
    chosen = answer if isinstance(answer, list) else [answer]
    return any(same(c, v) for c in chosen for v in values)


def _order(op: str, a, b) -> bool:
    if not ((_is_number(a) and _is_number(b)) or (isinstance(a, str) and isinstance(b, str))):
        return False
    if op == "gt":
        return a > b
    if op == "gte":
        return a >= b
    if op == "lt":
        return a < b
    return a <= b


def evaluate(condition, known: dict) -> bool:
    """Whether `condition` holds, `known` holding the answers visible so far."""
    if not isinstance(condition, dict):
        return False
    if "all" in condition:
        parts = condition["all"]
        return isinstance(parts, list) and all(evaluate(p, known) for p in parts)
    if "any" in condition:
        parts = condition["any"]
        return isinstance(parts, list) and any(evaluate(p, known) for p in parts)
    if "not" in condition:
        return not evaluate(condition["not"], known)
    key = condition.get("question")
    op = condition.get("op")
    has = isinstance(key, str) and key in known
    if op == "answered":
        return has
    if op == "not_answered":
        return not has
    if not has:
        return False
    answer, value = known[key], condition.get("value")
    if op == "equals":
        return same(answer, value)
    if op == "not_equals":
        return not same(answer, value)
    if op == "in":
        return _one_of(answer, value)
    if op == "not_in":
        return isinstance(value, list) and not _one_of(answer, value)
    if op == "contains":
        if isinstance(answer, list):
            return any(same(x, value) for x in answer)
        return isinstance(answer, str) and isinstance(value, str) and value in answer
    if op in ("gt", "gte", "lt", "lte"):
        return _order(op, answer, value)
    return False


@dataclass
class Walk:
    path: list[str] = field(default_factory=list)  # section keys walked, in order
    visible: list[str] = field(default_factory=list)  # question keys shown, in order
    known: dict = field(default_factory=dict)  # answers of shown questions, unanswered left out


def _next_index(secs: list[dict], index: int, known: dict, by_key: dict[str, int]) -> int | None:
    for rule in rules_of(secs[index]):
        condition = rule.get("if")
        if condition is None or evaluate(condition, known):
            goto = rule.get("goto")
            if goto == END:
                return None
            return by_key.get(goto) if isinstance(goto, str) else None
    return index + 1 if index + 1 < len(secs) else None


def walk(questionnaire, answers) -> Walk:
    """The sections walked and the questions shown for these answers."""
    answers = answers if isinstance(answers, dict) else {}
    secs = sections(questionnaire)
    by_key = {s["key"]: i for i, s in enumerate(secs) if isinstance(s.get("key"), str)}
    result = Walk()
    index = 0 if secs else None
    seen: set[int] = set()
    while index is not None and index not in seen:
        seen.add(index)
        section = secs[index]
        result.path.append(section.get("key"))
        for question in questions_of(section):
            key = question.get("key")
            if not isinstance(key, str):
                continue
            condition = question.get("show_if")
            if condition is None or evaluate(condition, result.known):
                result.visible.append(key)
                if key in answers and not is_empty(answers[key]):
                    result.known[key] = answers[key]
        index = _next_index(secs, index, result.known, by_key)
    return result


def visible_questions(questionnaire, answers) -> list[str]:
    return walk(questionnaire, answers).visible


def next_section(questionnaire, section_key: str, answers) -> str | None:
    """The section the walk goes to after `section_key`; None at the end or off the walk."""
    path = walk(questionnaire, answers).path
    if section_key not in path:
        return None
    position = path.index(section_key)
    return path[position + 1] if position + 1 < len(path) else None
