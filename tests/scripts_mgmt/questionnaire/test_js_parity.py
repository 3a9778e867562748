"""The console's questionnaire.js and branching.py walk the same way.

Every case (questionnaire, answers) goes through both; path, visible
questions and the answers they keep must be identical.  Needs Node.js.
"""

import itertools
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from scripts_mgmt.questionnaire.branching import evaluate, walk

from tests.scripts_mgmt.conftest import SURVEY

JS = Path(__file__).resolve().parents[3] / "static" / "scripts" / "questionnaire.js"
NODE = shutil.which("node") or shutil.which("nodejs")

RUNNER = """
const Q = require(process.argv[2]);
const cases = JSON.parse(require('fs').readFileSync(0, 'utf8'));
process.stdout.write(JSON.stringify(cases.map(c => c.condition !== undefined
  ? Q.Rules.evaluate(c.condition, c.known)
  : Q.Rules.walk(c.questionnaire, c.answers))));
"""

OPS_Q = {
    "sections": [
        {
            "key": "s1",
            "questions": [
                {"key": "a", "type": "number", "label": "a"},
                {"key": "b", "type": "multiple", "label": "b", "options": [{"value": "x"}, {"value": "y"}]},
                {
                    "key": "c",
                    "type": "yes_no",
                    "label": "c",
                    "show_if": {
                        "any": [
                            {"question": "a", "op": "gt", "value": 3},
                            {"question": "b", "op": "contains", "value": "y"},
                        ]
                    },
                },
                {
                    "key": "d",
                    "type": "text",
                    "label": "d",
                    "show_if": {
                        "all": [
                            {"question": "c", "op": "equals", "value": True},
                            {"not": {"question": "a", "op": "in", "value": [7, 8]}},
                        ]
                    },
                },
            ],
            "next": [{"if": {"question": "d", "op": "contains", "value": "跳"}, "goto": "s3"}],
        },
        {
            "key": "s2",
            "questions": [
                {"key": "e", "type": "date", "label": "e"},
                {
                    "key": "f",
                    "type": "text",
                    "label": "f",
                    "show_if": {"question": "e", "op": "lt", "value": "2026-06-01"},
                },
            ],
            "next": [{"if": {"question": "e", "op": "not_answered"}, "goto": "end"}],
        },
        {
            "key": "s3",
            "questions": [
                {
                    "key": "g",
                    "type": "rating",
                    "label": "g",
                    "show_if": {"question": "b", "op": "not_in", "value": ["x"]},
                }
            ],
        },
    ]
}


def _cases():
    cases = []
    survey_values = {
        "interested": [None, True, False, 1],
        "reason": [None, "other", "price"],
        "products": [None, [], ["c"], ["a", "c"]],
        "budget": [None, 49999, 50000, "60000"],
    }
    for combo in itertools.product(*survey_values.values()):
        answers = {k: v for k, v in zip(survey_values, combo) if v is not None}
        cases.append({"questionnaire": SURVEY, "answers": answers})
    ops_values = {
        "a": [None, 3, 4, 7, 4.5, True, "5"],
        "b": [None, ["x"], ["y"], ["x", "y"]],
        "c": [None, True, False],
        "d": [None, "跳过", "不"],
        "e": [None, "2026-01-01", "2026-12-31"],
    }
    for combo in itertools.product(*ops_values.values()):
        answers = {k: v for k, v in zip(ops_values, combo) if v is not None}
        cases.append({"questionnaire": OPS_Q, "answers": answers})
    cases += [
        {"questionnaire": q, "answers": {"q": 1}}
        for q in (
            None,
            [],
            {},
            {"sections": "x"},
            {"sections": [1, {"questions": "x"}]},
            {"sections": [{"key": "a", "next": [{"goto": "a"}], "questions": [{"key": "q"}]}]},
            {"sections": [{"key": "a", "next": [{"if": "odd", "goto": "b"}, {"goto": 5}]}, {"key": "b"}]},
        )
    ]
    return cases


def _conditions():
    known = {"n": 5, "f": 2.5, "s": "abc", "m": ["x", "y"], "b": True, "z": 0}
    conditions = []
    for op in (
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
    ):
        for key in ("n", "f", "s", "m", "b", "z", "missing"):
            for value in (5, 2.5, "abc", "b", ["x", "y"], ["y"], [5, "abc"], True, 1, 0, False, None):
                conditions.append({"condition": {"question": key, "op": op, "value": value}, "known": known})
    return conditions


@pytest.mark.skipif(NODE is None, reason="Node.js is not installed")
def test_python_and_javascript_agree(tmp_path):
    cases = _cases()
    conditions = _conditions()
    runner = tmp_path / "run.js"
    runner.write_text(RUNNER)
    out = subprocess.run(
        [NODE, str(runner), str(JS)],
        input=json.dumps(cases + conditions),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    results = json.loads(out.stdout)
    assert len(results) == len(cases) + len(conditions) > 1500
    for case, js in zip(cases, results):
        py = walk(case["questionnaire"], case["answers"])
        assert {"path": py.path, "visible": py.visible, "known": py.known} == js, case
    for case, js in zip(conditions, results[len(cases) :]):
        assert evaluate(case["condition"], case["known"]) is js, case
    # the cases do exercise the branches
    assert len({tuple(r["path"]) for r in results[: len(cases)] if isinstance(r, dict)}) >= 5
