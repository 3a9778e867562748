"""Objection answer search: substrings, tags, full-width text, ranking."""

from scripts_mgmt.objections import search_objections

ITEMS = [
    {"objection": "我没有时间", "answer": "只占用您一分钟", "tags": ["时间"]},
    {"objection": "价格太贵了", "answer": "现在办理有优惠，比其他银行便宜", "tags": ["价格", "VIP"]},
    {"objection": "已经有信用卡", "answer": "多一张卡，多一份额度，没有年费", "tags": []},
]


def _objections(found):
    return [i["objection"] for i in found]


def test_substring_search_in_chinese_ranks_objection_hits_first():
    assert _objections(search_objections(ITEMS, "时间")) == ["我没有时间"]
    assert _objections(search_objections(ITEMS, "没有")) == ["我没有时间", "已经有信用卡"]
    assert _objections(search_objections(ITEMS, "银行")) == ["价格太贵了"]


def test_all_terms_must_match_and_empty_query_lists_all():
    assert _objections(search_objections(ITEMS, "价格 优惠")) == ["价格太贵了"]
    assert search_objections(ITEMS, "价格 年费") == []
    assert len(search_objections(ITEMS, "")) == 3


def test_tags_and_full_width_and_case():
    assert _objections(search_objections(ITEMS, "", tag="vip")) == ["价格太贵了"]
    assert _objections(search_objections(ITEMS, "ｖｉｐ")) == ["价格太贵了"]  # full-width letters
