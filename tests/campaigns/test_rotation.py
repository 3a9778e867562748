"""Caller-ID rotation strategies and cool-down, pure."""

from datetime import UTC, datetime, timedelta

import pytest

from campaigns.callerids.rotation import Candidate, choose, cooldown_after_cap, going_bad, usable

NOW = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)
SH = Candidate(1, "+862161234567", area_code="21", region="Shanghai", daily_cap=100, used_today=50)
BJ = Candidate(2, "+861061234567", area_code="10", region="Beijing", daily_cap=100, used_today=10)
GZ = Candidate(3, "+862061234567", area_code="20", region="Guangdong", daily_cap=100, used_today=30)
POOL = [GZ, SH, BJ]


def test_usable_excludes_unverified_inactive_capped_cooling():
    assert usable(SH, NOW)
    assert not usable(Candidate(9, "+8610", verified=False), NOW)
    assert not usable(Candidate(9, "+8610", active=False), NOW)
    assert not usable(Candidate(9, "+8610", daily_cap=5, used_today=5), NOW)
    assert not usable(Candidate(9, "+8610", cooldown_until=NOW + timedelta(minutes=1)), NOW)
    assert usable(Candidate(9, "+8610", cooldown_until=NOW), NOW)


def test_fixed_and_round_robin():
    assert choose("fixed", POOL, now=NOW).id == 1
    assert choose("round_robin", POOL, state=None, now=NOW).id == 1
    assert choose("round_robin", POOL, state=1, now=NOW).id == 2
    assert choose("round_robin", POOL, state=2, now=NOW).id == 3
    assert choose("round_robin", POOL, state=3, now=NOW).id == 1  # wraps
    capped = Candidate(2, BJ.number, daily_cap=10, used_today=10)
    assert choose("round_robin", [SH, capped, GZ], state=1, now=NOW).id == 3  # skips the capped one


def test_least_used():
    assert choose("least_used", POOL, now=NOW).id == 2


def test_local_presence_by_area_code_then_region_then_fallback():
    assert choose("local_presence", POOL, lead_number_e164="+862187654321", now=NOW).id == 1
    assert (
        choose("local_presence", POOL, lead_number_e164="+8613800000000", lead_region="guangdong", now=NOW).id
        == 3
    )
    # a mobile number with no regional match: least used
    assert choose("local_presence", POOL, lead_number_e164="+8613800000000", now=NOW).id == 2
    # US number with area code 21x must not match China's "21"
    assert choose("local_presence", POOL, lead_number_e164="+12125550100", now=NOW).id == 2


def test_none_when_nothing_usable_and_unknown_strategy():
    assert choose("round_robin", [Candidate(1, "+8610", verified=False)], now=NOW) is None
    with pytest.raises(ValueError):
        choose("random", POOL, now=NOW)


def test_cooldown_after_cap_until_centre_midnight():
    capped = Candidate(1, "+8610", daily_cap=10, used_today=10)
    # 03:00 UTC is 11:00 in Shanghai; next local midnight is 16:00 UTC
    assert cooldown_after_cap(capped, NOW, "Asia/Shanghai") == datetime(2026, 11, 23, 16, 0, tzinfo=UTC)
    assert cooldown_after_cap(SH, NOW, "Asia/Shanghai") is None


def test_going_bad():
    assert going_bad(100, 0.2, 0.5)
    assert going_bad(100, 0.01, 0.0)
    assert not going_bad(100, 0.2, 0.1)
    assert not going_bad(10, 0.0, 1.0)  # too few dials to say
