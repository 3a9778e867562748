"""The normaliser's fast path must give exactly what phonenumbers gives."""
from __future__ import annotations

import importlib.util
import random

import pytest

from campaigns.lists.normalise import (
    EMPTY,
    INVALID,
    NOT_A_NUMBER,
    TOO_LONG,
    TOO_SHORT,
    Normalised,
    Normaliser,
    normalise_full,
)
from core.paths import GEN_LEADS


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


def _gen_leads():
    spec = importlib.util.spec_from_file_location("gen_leads", GEN_LEADS)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("country,region,count,seed", [("CN", "CN", 32_000, 11), ("US", "US", 16_000, 12),
                                                       ("CN", "US", 2_000, 13), ("US", "CN", 2_000, 14)])
def test_generated_lists_agree_with_phonenumbers(country, region, count, seed):
    """52,000 rows of gen_leads.py (client-style formats, junk, duplicates;
    also each country's file under the other default region): every phone
    cell normalises exactly as plain phonenumbers does it."""
    normaliser = Normaliser(region)
    mismatches = []
    for row in _gen_leads().rows(count, country, seed, 0.03):
        raw = row["手机号码"] if country == "CN" else row["phone"]
        got, want = normaliser.normalise(raw), normalise_full(raw, region, normaliser.lang)
        if got != want:
            mismatches.append((raw, got, want))
    assert mismatches[:20] == []
    assert normaliser.fast_hits > count // 10  # the fast path was really taken


def test_every_chinese_mobile_prefix_agrees():
    """The type of a Chinese mobile is computed once per 5-digit prefix:
    one number of every prefix 13000-19999, checked against phonenumbers."""
    rng = random.Random(5)
    normaliser = Normaliser("CN")
    for prefix in range(13000, 20000):
        for raw in (f"{prefix}{rng.randrange(10**6):06d}", f"{prefix}{rng.randrange(10**6):06d}"):
            assert normaliser.normalise(raw) == normalise_full(raw, "CN", "zh"), raw


@pytest.mark.parametrize("numbers", [
    ["2465210234", "2465211234"],  # Barbados: fixed line only with a 7th digit of 0, 3, 6 or 9
    ["8766060123", "8766061123"],  # Jamaica: 876-606-0 is a fixed line, 876-606-1 is not valid
])
def test_nanp_numbers_are_typed_one_by_one(numbers):
    for order in (numbers, numbers[::-1]):
        normaliser = Normaliser("US")
        for raw in order:
            assert normaliser.normalise(raw) == normalise_full(raw, "US", "en"), raw


@pytest.mark.parametrize("raw", ["０１０－６２３４５６７８", "１３８００１３８０００", "010-６２３４５６７８", "138００138000", "+86 0755 2345678", "0755 234567",
                                 "0086 010 6234567", "+860215551234", "02012345", "+86 400 123 4567", "95588",
                                 "0851 12345678", "+1 246 521 0234", "+1 876 606 1123"])
def test_odd_shapes_agree(raw):
    assert Normaliser("CN").normalise(raw) == normalise_full(raw, "CN", "zh")
