"""Import and export of a script as JSON or YAML: a round trip keeps everything."""

import pytest

from scripts_mgmt import exchange
from scripts_mgmt.errors import ScriptsError


@pytest.mark.parametrize("fmt", ["json", "yaml"])
def test_round_trip(session, users, make_campaign, approved_script, fmt):
    objections = [
        {"objection": "太贵", "answer": "有**优惠**", "tags": ["价格"]},
        {"objection": "没时间", "answer": "一分钟", "tags": []},
    ]
    _, _, version = approved_script(content="# 开场\n您好，{{姓名}}：\n- 一\n> 注意", objections=objections)
    text = exchange.dump(exchange.export_document(version), fmt)
    assert "开场" in text  # readable Chinese, not escapes
    doc = exchange.load_document(exchange.parse(text, fmt))
    target = make_campaign("C2")
    copy = exchange.import_document(session, doc, users["technician"], target.id)
    session.commit()
    imported = copy.versions[0]
    assert (copy.campaign_id, imported.number, imported.status.value) == (target.id, 1, "draft")
    again = exchange.export_document(imported)
    first = exchange.export_document(version)
    for d in (again, first):
        d.pop("source")
    assert again == first
    assert imported.variables == ["姓名"]


def test_bad_documents_are_refused_with_reasons():
    with pytest.raises(ScriptsError) as refused:
        exchange.parse("{not json", "json")
    assert refused.value.status == 422
    with pytest.raises(ScriptsError):
        exchange.parse("a: &x [1]\nb: *x\n", "yaml")  # aliases are refused
    with pytest.raises(ScriptsError) as refused:
        exchange.load_document({"format": "dialer-script/1", "name": "", "objections": [{"objection": "x"}]})
    assert set(refused.value.details["fields"]) == {"name", "objections"}
    with pytest.raises(ScriptsError):
        exchange.load_document({"format": "something-else", "name": "x"})
    with pytest.raises(ScriptsError):
        exchange.load_document(["a list"])


def test_yaml_dates_stay_text_and_non_json_values_are_refused():
    assert exchange.parse("min: 2026-01-01\n", "yaml") == {"min": "2026-01-01"}
    for text, fmt in (("a: .nan", "yaml"), ("a: !!binary aGVsbG8=", "yaml"), ('{"a": NaN}', "json")):
        with pytest.raises(ScriptsError):
            exchange.parse(text, fmt)
