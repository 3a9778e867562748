"""Column-mapping suggestions, resolution and templates."""
from __future__ import annotations

import pytest

from campaigns.lists.mapping import MappingError, fit_template, resolve, suggest


def test_chinese_headers():
    header = ["姓名", "手机号码", "城市", "备注", "客户编号", "备用电话"]
    m = suggest(header)
    assert m["phone"] == ["手机号码", "备用电话"]  # primary first
    assert m["name"] == ["姓名"]
    assert m["fields"] == {"城市": "城市", "备注": "备注", "客户编号": "客户编号"}


def test_english_headers_first_and_last_name():
    header = ["last_name", "first_name", "Phone", "state", "customer_id", "Mobile Number"]
    m = suggest(header)
    assert m["phone"] == ["Phone", "Mobile Number"]
    assert m["name"] == ["first_name", "last_name"]
    assert "customer_id" in m["fields"].values()


def test_content_decides_when_headers_say_nothing():
    header = ["a", "b"]
    sample = [["王", "13800138000"], ["李", "13900139000"]]
    assert suggest(header, sample, lambda v: v.isdigit() and len(v) == 11)["phone"] == ["b"]


def test_resolve_and_errors():
    header = ["姓名", "手机号码", "城市"]
    r = resolve({"phone": ["手机号码"], "name": ["姓名"], "fields": {"city": "城市"}}, header)
    assert r.phone == [1] and r.name == [0] and r.fields == [("city", 2)]
    with pytest.raises(MappingError):
        resolve({"phone": [], "name": [], "fields": {}}, header)
    with pytest.raises(MappingError, match="电话"):
        resolve({"phone": ["电话"]}, header)


def test_template_fits_a_file_missing_columns():
    template = {"phone": ["手机号码", "备用电话"], "name": ["姓名"], "fields": {"city": "城市", "vip": "等级"}}
    assert fit_template(template, ["手机号码", "姓名", "城市"]) == {
        "phone": ["手机号码"], "name": ["姓名"], "fields": {"city": "城市"}}
