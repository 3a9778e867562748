"""Row logic: normalisation, alternates, fields, hygiene (dedup and DNC), reasons."""
from __future__ import annotations

import json

from campaigns.lists.engine import Hygiene, RowProcessor
from campaigns.lists.mapping import resolve
from campaigns.lists.normalise import Normaliser

HEADER = ["姓名", "手机号码", "备用电话", "城市"]
MAPPING = {"phone": ["手机号码", "备用电话"], "name": ["姓名"], "fields": {"city": "城市"}}


def _run(rows, hygiene=None):
    p = RowProcessor(Normaliser("CN"), resolve(MAPPING, HEADER), hygiene or Hygiene())
    leads, rejects = p.process(list(enumerate(rows, start=2)))
    return leads, rejects, p.tally


def test_accepted_lead_shape():
    leads, rejects, tally = _run([["张伟", "138-0013-8000", "010-62345678", "北京"]])
    assert rejects == []
    row, raw, e164, alts, kind, region, geo, tz, name, fields = leads[0]
    assert (row, raw, e164, kind, region, tz, name) == (2, "138-0013-8000", "+8613800138000", "mobile", "CN",
                                                        "Asia/Shanghai", "张伟")
    assert json.loads(alts) == ["+861062345678"]
    assert json.loads(fields) == {"city": "北京"}
    assert tally.accepted == 1 and tally.rows == 1


def test_invalid_primary_falls_back_to_the_alternate():
    leads, rejects, _ = _run([["王", "暂无", "13900139000", ""]])
    assert leads[0][2] == "+8613900139000" and json.loads(leads[0][3]) == []


def test_reasons_and_file_duplicates():
    leads, rejects, tally = _run([
        ["a", "13800138000", "", ""], ["b", "+86 138 0013 8000", "", ""], ["c", "12345", "", ""], ["d", "", "", ""],
        ["e", "n/a", "", ""],
    ])
    assert len(leads) == 1
    assert [(r[0], r[1]) for r in rejects] == [(3, "duplicate_in_file"), (4, "invalid_number"), (5, "empty"),
                                               (6, "not_a_number")]
    assert json.loads(rejects[0][3]) == ["b", "+86 138 0013 8000", "", ""]  # the row as it was, for the download
    assert tally.by_reason == {"duplicate_in_file": 1, "invalid_number": 1, "empty": 1, "not_a_number": 1}


def test_dedup_switches_and_dnc():
    rows = [["a", "13800138000", "", ""], ["b", "13800138000", "", ""], ["c", "13900139000", "", ""],
            ["d", "13700137000", "", ""], ["e", "13600136000", "13500135000", ""]]
    hygiene = Hygiene(in_list={8613900139000}, in_campaign={8613700137000},
                      dnc={8613600136000: "registry:工信部"}, dedup_file=True)
    leads, rejects, _ = _run(rows, hygiene)
    assert [r[1] for r in rejects] == ["duplicate_in_file", "duplicate_in_list", "duplicate_in_campaign"]
    # the DNC primary is dropped, the clean alternate becomes the lead's number
    assert [lead[2] for lead in leads] == ["+8613800138000", "+8613500135000"]
    off = Hygiene(in_list={8613900139000}, in_campaign={8613700137000}, dnc={8613600136000: "global"},
                  dedup_file=False, dedup_list=False, dedup_campaign=False)
    leads, rejects, _ = _run(rows[:4] + [["e", "13600136000", "", ""]], off)
    assert len(leads) == 4 and [(r[1], r[2]) for r in rejects] == [("dnc", "global")]


def test_unreadable_row():
    p = RowProcessor(Normaliser("CN"), resolve(MAPPING, HEADER), Hygiene())
    leads, rejects = p.process([(7, None)])
    assert leads == [] and rejects == [(7, "unreadable_row", None, "[]")]
