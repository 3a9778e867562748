"""The normaliser's fast path must give exactly what phonenumbers gives."""
from __future__ import annotations

import random

import pytest

from campaigns.lists.normalise import EMPTY, INVALID, NOT_A_NUMBER, TOO_LONG, TOO_SHORT, Normalised, Normaliser, normalise_full


def _cn_mobile(rng):
    n = "1" + str(rng.randrange(3, 10)) + f"{rng.randrange(10**9):09d}"
    return rng.choice([n, "+86 " + n, "0086" + n, "86" + n, f"{n[:3]}-{n[3:7]}-{n[7:]}", f" {n} ", n[:3] + " " + n[3:]])


def _cn_landline(rng):
    area = rng.choice(["10", "21", "20", "755", "571", "28", "27", "29", "25", "22", "23", "731", "851", "433", "311",
                       "400", "800"])
    local = str(rng.randrange(10**6, 10**8))
    return rng.choice([f"0{area}-{local}", f"(0{area}){local}", f"+86 {area} {local}", f"0{area}{local}",
                       f"+86 0{area}{local}"])


def _nanp(rng):
    n = f"{rng.randrange(200, 1000)}{rng.randrange(10**7):07d}"
    return rng.choice([n, "1" + n, "+1 " + n, f"({n[:3]}) {n[3:6]}-{n[6:]}", f"{n[:3]}.{n[3:6]}.{n[6:]}"])


@pytest.mark.parametrize("region", ["CN", "US", "GB"])
def test_fast_path_agrees_with_phonenumbers(region):
    rng = random.Random(20261123)
    normaliser = Normaliser(region)
    makers = [_cn_mobile, _cn_landline, _nanp]
    mismatches = []
    for i in range(6000):
        raw = makers[i % 3](rng)
        fast, full = normaliser.normalise(raw), normalise_full(raw, region, normaliser.lang)
        if fast != full:
            mismatches.append((raw, fast, full))
        # the second time comes from the caches
        assert normaliser.normalise(raw) == full
    assert mismatches == []
    assert normaliser.fast_hits > 1000  # the fast path was really taken


def test_real_sample_numbers_agree(samples):
    import csv

    normaliser = Normaliser("US")
    with open(samples / "us_small.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            assert normaliser.normalise(row["phone"]) == normalise_full(row["phone"], "US", "en")


def test_what_a_number_becomes():
    n = Normaliser("CN")
    res = n.normalise("+86 138 0013 8000")
    assert isinstance(res, Normalised)
    assert res.e164 == "+8613800138000" and res.number_type == "mobile" and res.region == "CN"
    assert res.timezone == "Asia/Shanghai" and res.geo  # a province/city in Chinese
    landline = n.normalise("010-62345678")
    assert landline.e164 == "+861062345678" and landline.number_type == "fixed" and landline.geo == "北京市"
    us = Normaliser("US").normalise("(212) 555-2368")
    assert us.e164 == "+12125552368" and us.timezone == "America/New_York" and us.region == "US"


@pytest.mark.parametrize("raw,reason", [("", EMPTY), ("n/a", NOT_A_NUMBER), ("暂无", NOT_A_NUMBER), ("1234", TOO_SHORT), ("12345", INVALID), ("1380013800", INVALID),
                                        ("1380013800012345678", TOO_LONG),
                                        ("0000000000", INVALID), ("+86 000 0000 0000", INVALID)])
def test_reject_reasons(raw, reason):
    assert Normaliser("CN").normalise(raw) == reason
