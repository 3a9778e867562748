"""Diff between two versions."""

import copy

from scripts_mgmt.diff import diff_versions

from tests.scripts_mgmt.conftest import SURVEY


def test_content_questionnaire_and_objections_changes():
    old = {
        "content": "您好\n我是<客服>\n再见",
        "questionnaire": SURVEY,
        "objections": [
            {"objection": "没时间", "answer": "占用您一分钟", "tags": []},
            {"objection": "太贵", "answer": "有优惠", "tags": ["价格"]},
        ],
    }
    q = copy.deepcopy(SURVEY)
    q["sections"][0]["questions"][0]["label"] = "您是否感兴趣"
    del q["sections"][1]["questions"][3]  # zip
    q["sections"][2]["questions"].append({"key": "best_time", "type": "text", "label": "方便时间"})
    q["sections"][1]["next"] = [{"goto": "end"}]
    new = {
        "content": "您好\n我是<客服>小王\n再见",
        "questionnaire": q,
        "objections": [
            {"objection": "太贵", "answer": "现在有八折优惠", "tags": ["价格"]},
            {"objection": "已经有了", "answer": "可以对比一下", "tags": []},
        ],
    }
    d = diff_versions(old, new, "v1", "v2")
    assert d["content_changed"]
    assert "-我是<客服>" in d["content_unified"] and "+我是<客服>小王" in d["content_unified"]
    assert "&lt;客服&gt;" in d["content_html"] and "<客服>" not in d["content_html"]
    assert d["questionnaire"]["questions"] == {
        "added": ["best_time"],
        "removed": ["zip"],
        "changed": [{"key": "interested", "fields": ["label"]}],
    }
    assert d["questionnaire"]["sections"]["changed"] == [{"key": "detail", "fields": ["next"]}]
    assert d["objections"] == {
        "added": ["已经有了"],
        "removed": ["没时间"],
        "changed": [{"key": "太贵", "fields": ["answer"]}],
    }


def test_identical_versions_have_no_changes():
    same = {"content": "x", "questionnaire": SURVEY, "objections": []}
    d = diff_versions(same, copy.deepcopy(same))
    assert not d["content_changed"] and d["content_unified"] == ""
    assert d["questionnaire"]["questions"] == {"added": [], "removed": [], "changed": []}
