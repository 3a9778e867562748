"""Structure validation of a questionnaire, run on save (as messages) and
before approval (as a refusal): shape and types, unique keys, references to
unknown questions, options or sections, cycles between sections, conditions
that look at questions not yet answered, unreachable sections and rules."""

from __future__ import annotations

import math
import re
from datetime import date

from scripts_mgmt.questionnaire.issues import Issue
from scripts_mgmt.questionnaire.schema import (
    CHOICE_TYPES,
    END,
    LIST_OPS,
    MAX_KEY_LENGTH,
    MAX_PATTERN_LENGTH,
    OPS,
    ORDER_OPS,
    QUESTION_TYPES,
    VALUELESS_OPS,
    option_values,
    questions_of,
    rules_of,
)

_KEY = re.compile(r"^[^\s{}]+$")


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _iso_date(value) -> bool:
    try:
        date.fromisoformat(value)
        return isinstance(value, str) and len(value) == 10
    except (TypeError, ValueError):
        return False


class _Checker:
    def __init__(self, questionnaire):
        self.q = questionnaire
        self.issues: list[Issue] = []
        self.sections: list[dict] = []
        self.section_of: dict[str, int] = {}  # question key -> section index
        self.position: dict[str, int] = {}  # question key -> index in its section
        self.questions: dict[str, dict] = {}
        self.section_keys: dict[str, int] = {}

    def add(self, code: str, path: str, message: str, **params) -> None:
        self.issues.append(Issue(code, path, message, params))

    # -- shape -----------------------------------------------------------
    def shape(self) -> bool:
        if self.q in (None, {}):
            return False
        if not isinstance(self.q, dict):
            self.add("shape", "", "The questionnaire must be an object with a list of sections.")
            return False
        unknown = sorted(set(self.q) - {"sections", "title", "description"})
        if unknown:
            self.add("shape", "", "Unknown fields: %(fields)s.", fields=", ".join(map(str, unknown)))
        secs = self.q.get("sections", [])
        if not isinstance(secs, list) or not all(isinstance(s, dict) for s in secs):
            self.add("shape", "sections", "The questionnaire must be an object with a list of sections.")
            return False
        self.sections = secs
        for si, section in enumerate(secs):
            where = f"sections[{si}]"
            key = section.get("key")
            if not self._key_ok(key, where, "section"):
                continue
            if key == END:
                self.add("reserved_key", where, '"end" is reserved and cannot be a section key.')
            elif key in self.section_keys:
                self.add("duplicate_key", where, "The section key %(key)s is used twice.", key=key)
            else:
                self.section_keys[key] = si
            questions = section.get("questions", [])
            if not isinstance(questions, list) or not all(isinstance(q, dict) for q in questions):
                self.add("shape", where + ".questions", "Questions must be a list of objects.")
                questions = []
            rules = section.get("next", [])
            if not isinstance(rules, list) or not all(isinstance(r, dict) for r in rules):
                self.add("shape", where + ".next", "Next rules must be a list of objects.")
            for qi, question in enumerate(questions):
                self._question_shape(question, f"{where}.questions[{qi}]", si, qi)
        return True

    def _key_ok(self, key, where: str, what: str) -> bool:
        if not isinstance(key, str) or not key or len(key) > MAX_KEY_LENGTH or not _KEY.match(key):
            if what == "section":
                self.add("bad_key", where, "A section needs a key: up to 64 characters, no spaces or braces.")
            else:
                self.add(
                    "bad_key", where, "A question needs a key: up to 64 characters, no spaces or braces."
                )
            return False
        return True

    def _question_shape(self, question: dict, where: str, si: int, qi: int) -> None:
        key = question.get("key")
        if not self._key_ok(key, where, "question"):
            return
        if key in self.questions:
            self.add("duplicate_key", where, "The question key %(key)s is used twice.", key=key)
            return
        self.questions[key] = question
        self.section_of[key] = si
        self.position[key] = qi
        kind = question.get("type")
        if kind not in QUESTION_TYPES:
            self.add(
                "bad_type", where, "Question %(key)s has an unknown type %(type)s.", key=key, type=str(kind)
            )
            return
        if not isinstance(question.get("label", ""), str) or not str(question.get("label", "")).strip():
            self.add("no_label", where, "Question %(key)s needs a label.", key=key)
        if not isinstance(question.get("required", False), bool):
            self.add("bad_required", where, '"required" of question %(key)s must be true or false.', key=key)
        if kind in CHOICE_TYPES:
            options = question.get("options")
            values = option_values(question)
            if not isinstance(options, list) or not options or len(values) != len(options):
                self.add("no_options", where, "Question %(key)s needs a list of options.", key=key)
            elif not all(isinstance(v, str) and v for v in values):
                self.add(
                    "bad_option", where, "Option values of question %(key)s must be non-empty text.", key=key
                )
            elif len(set(values)) != len(values):
                self.add(
                    "duplicate_option", where, "Question %(key)s has the same option value twice.", key=key
                )
        lo, hi = question.get("min"), question.get("max")
        if kind == "date":
            for name, bound in (("min", lo), ("max", hi)):
                if bound is not None and not _iso_date(bound):
                    self.add(
                        "bad_bound",
                        where,
                        "%(bound)s of question %(key)s must be a date (YYYY-MM-DD).",
                        bound=name,
                        key=key,
                    )
        else:
            for name, bound in (("min", lo), ("max", hi)):
                if bound is not None and not _is_number(bound):
                    self.add(
                        "bad_bound",
                        where,
                        "%(bound)s of question %(key)s must be a number.",
                        bound=name,
                        key=key,
                    )
        if lo is not None and hi is not None and type(lo) is type(hi) and lo > hi:
            self.add("bad_bound", where, "min is greater than max in question %(key)s.", key=key)
        pattern = question.get("pattern")
        if pattern is not None:
            if kind != "text" or not isinstance(pattern, str) or len(pattern) > MAX_PATTERN_LENGTH:
                self.add("bad_pattern", where, "Only text questions take a pattern, of up to 200 characters.")
            else:
                try:
                    re.compile(pattern)
                except re.error as exc:
                    self.add(
                        "bad_pattern",
                        where,
                        "The pattern of question %(key)s is not valid: %(error)s.",
                        key=key,
                        error=str(exc),
                    )

    # -- sections graph --------------------------------------------------
    def edges(self) -> dict[int, set[int]]:
        graph: dict[int, set[int]] = {}
        for si, section in enumerate(self.sections):
            targets: set[int] = set()
            unconditional = False
            rules = section.get("next", [])
            rules = rules if isinstance(rules, list) else []
            for ri, rule in enumerate(rules):
                if not isinstance(rule, dict):
                    continue
                where = f"sections[{si}].next[{ri}]"
                if unconditional:
                    self.add(
                        "unreachable_rule",
                        where,
                        "This rule comes after a rule without a condition and never applies.",
                    )
                goto = rule.get("goto")
                if goto != END:
                    if goto not in self.section_keys:
                        self.add(
                            "unknown_section", where, "Jump to an unknown section %(key)s.", key=str(goto)
                        )
                    else:
                        targets.add(self.section_keys[goto])
                if rule.get("if") is None:
                    unconditional = True
            if not unconditional and si + 1 < len(self.sections):
                targets.add(si + 1)
            graph[si] = targets
        return graph

    def cycles_and_reach(self, graph: dict[int, set[int]]) -> bool:
        # Depth-first search: a grey node met again closes a cycle.
        colour = {i: 0 for i in graph}
        stack_path: list[int] = []
        found = False

        def visit(node: int) -> None:
            nonlocal found
            colour[node] = 1
            stack_path.append(node)
            for nxt in sorted(graph[node]):
                if colour[nxt] == 1:
                    loop = stack_path[stack_path.index(nxt) :] + [nxt]
                    names = " → ".join(str(self.sections[i].get("key")) for i in loop)
                    self.add(
                        "cycle", f"sections[{node}]", "The sections form a cycle: %(cycle)s.", cycle=names
                    )
                    found = True
                elif colour[nxt] == 0:
                    visit(nxt)
            stack_path.pop()
            colour[node] = 2

        if graph:
            visit(0)
            for si in graph:
                if colour[si] == 0:
                    self.add(
                        "unreachable_section",
                        f"sections[{si}]",
                        "Section %(key)s can never be reached.",
                        key=str(self.sections[si].get("key")),
                    )
                    for question in questions_of(self.sections[si]):
                        if isinstance(question.get("key"), str):
                            self.add(
                                "unreachable_question",
                                f"sections[{si}]",
                                "Question %(key)s can never be shown.",
                                key=question["key"],
                            )
        return found

    @staticmethod
    def ancestors(graph: dict[int, set[int]]) -> dict[int, set[int]]:
        reverse: dict[int, set[int]] = {i: set() for i in graph}
        for src, targets in graph.items():
            for dst in targets:
                reverse[dst].add(src)
        out = {}
        for node in graph:
            seen: set[int] = set()
            todo = list(reverse[node])
            while todo:
                current = todo.pop()
                if current not in seen:
                    seen.add(current)
                    todo.extend(reverse[current])
            out[node] = seen - {node}
        return out

    # -- conditions ------------------------------------------------------
    def condition(self, cond, where: str, si: int, before: int | None, above: dict[int, set[int]]) -> None:
        """Check one condition used in section `si`, by the question at index
        `before` (None: by the section's next rules, which see all its questions)."""
        if not isinstance(cond, dict):
            self.add("bad_condition", where, "A condition must be an object.")
            return
        for combinator in ("all", "any"):
            if combinator in cond:
                if not isinstance(cond[combinator], list):
                    self.add(
                        "bad_condition", where, '"%(name)s" takes a list of conditions.', name=combinator
                    )
                    return
                for i, sub in enumerate(cond[combinator]):
                    self.condition(sub, f"{where}.{combinator}[{i}]", si, before, above)
                return
        if "not" in cond:
            self.condition(cond["not"], where + ".not", si, before, above)
            return
        key, op = cond.get("question"), cond.get("op")
        if op not in OPS:
            self.add("bad_condition", where, "Unknown operator %(op)s.", op=str(op))
            return
        if key not in self.questions:
            self.add(
                "unknown_question",
                where,
                "The condition refers to an unknown question %(key)s.",
                key=str(key),
            )
            return
        ref_si, ref_pos = self.section_of[key], self.position[key]
        earlier = (ref_si == si and (before is None or ref_pos < before)) or ref_si in above.get(si, set())
        if not earlier:
            self.add(
                "forward_reference",
                where,
                "The condition looks at question %(key)s, which cannot be answered before it "
                "(a forward reference or a cycle).",
                key=key,
            )
        value = cond.get("value")
        if op in VALUELESS_OPS:
            return
        if "value" not in cond:
            self.add("bad_condition", where, "Operator %(op)s needs a value.", op=op)
            return
        if op in LIST_OPS and not isinstance(value, list):
            self.add("bad_condition", where, "Operator %(op)s needs a list of values.", op=op)
            return
        referenced = self.questions[key]
        kind = referenced.get("type")
        values = value if op in LIST_OPS else [value]
        if kind == "multiple" and op in ("equals", "not_equals"):
            if not isinstance(value, list):
                self.add(
                    "bad_condition",
                    where,
                    "A multiple choice answer is a list: compare it with a list, or use contains.",
                )
                return
            values = value
        if kind in CHOICE_TYPES and op not in ORDER_OPS:
            known = option_values(referenced)
            for v in values:
                if v not in known:
                    self.add(
                        "unknown_option",
                        where,
                        "Question %(key)s has no option %(option)s.",
                        key=key,
                        option=str(v),
                    )
        if kind == "yes_no" and not all(isinstance(v, bool) for v in values):
            self.add(
                "bad_condition",
                where,
                "Question %(key)s is answered yes or no: compare with true or false.",
                key=key,
            )
        if op in ORDER_OPS and kind not in ("number", "rating", "date"):
            self.add("bad_condition", where, "%(op)s only compares numbers, ratings or dates.", op=op)

    def conditions(self, above: dict[int, set[int]]) -> None:
        for si, section in enumerate(self.sections):
            for qi, question in enumerate(questions_of(section)):
                if question.get("show_if") is not None:
                    self.condition(
                        question["show_if"], f"sections[{si}].questions[{qi}].show_if", si, qi, above
                    )
            for ri, rule in enumerate(rules_of(section)):
                if rule.get("if") is not None:
                    self.condition(rule["if"], f"sections[{si}].next[{ri}].if", si, None, above)


def validate_questionnaire(questionnaire) -> list[Issue]:
    """Every problem found; an empty list means it may be approved."""
    checker = _Checker(questionnaire)
    if not checker.shape():
        return checker.issues
    graph = checker.edges()
    checker.cycles_and_reach(graph)
    checker.conditions(checker.ancestors(graph))
    return checker.issues
