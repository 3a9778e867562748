"""Jurisdiction profiles, overrides and the mapping to the dialer's CallingRules."""

from datetime import date, time

import pytest
from marshmallow import ValidationError

from campaigns.rules.effective import effective_rules, to_calling_rules
from campaigns.rules.profiles import overlay, profile_defaults
from campaigns.rules.schemas import CampaignRulesSchema, RulesSchema


def test_profiles_hold_the_legal_figures():
    us, uk, cn = profile_defaults("US"), profile_defaults("UK"), profile_defaults("CN")
    assert us["calling_hours"] == {"start": "08:00", "end": "21:00"}
    assert (us["abandon_cap"], us["abandon_window_hours"], us["min_ring_seconds"]) == (0.03, 720, 15)
    assert not us["lockout_72h"]
    assert (uk["abandon_cap"], uk["abandon_window_hours"], uk["lockout_72h"], uk["lockout_hours"]) == (
        0.03,
        24,
        True,
        72,
    )
    assert uk["min_ring_seconds"] >= 15
    assert cn["calling_hours"] == {"start": "09:00", "end": "20:00"}
    assert cn["stop_on_refusal"] and cn["consent_required"]
    for rules in (us, uk, cn, profile_defaults("custom")):
        RulesSchema().load(rules)
    with pytest.raises(ValueError):
        profile_defaults("FR")


def test_overrides_merge_nested_values():
    rules = overlay(
        profile_defaults("US"), {"retry_delays_minutes": {"busy": 5}, "holidays": ["2026-12-25"], "bogus": 1}
    )
    assert rules["retry_delays_minutes"]["busy"] == 5 and rules["retry_delays_minutes"]["no_answer"] == 120
    assert rules["holidays"] == ["2026-12-25"] and "bogus" not in rules


def test_calling_rules_for_the_dialer():
    rules = effective_rules(
        "UK",
        {
            "weekday_hours": {"5": {"start": "10:00", "end": "16:00"}},
            "calling_days": [0, 1, 2, 3, 4, 5],
            "holidays": ["2026-12-25"],
        },
        "Europe/London",
    )
    cr = to_calling_rules(rules, "approved")
    assert cr.campaign_state == "draft"  # approved dials nothing
    assert (cr.window_start, cr.window_end) == (time(8), time(21))
    assert cr.weekday_windows == {5: (time(10), time(16))}
    assert cr.calling_days == frozenset(range(6)) and cr.holidays == frozenset({date(2026, 12, 25)})
    assert cr.lockout_72h and cr.lockout_hours == 72
    assert cr.retry_delays["busy"] == 30 * 60
    assert cr.default_timezone == "Europe/London"
    assert "done" in cr.final_statuses and "dnc" in cr.final_statuses


@pytest.mark.parametrize(
    "bad,field",
    [
        ({"calling_hours": {"start": "21:00", "end": "08:00"}}, "calling_hours"),
        ({"calling_hours": {"start": "8am", "end": "21:00"}}, "calling_hours"),
        ({"calling_days": [7]}, "calling_days"),
        ({"holidays": ["2026-13-01"]}, "holidays"),
        ({"abandon_cap": 0.9}, "abandon_cap"),
        ({"fallback_timezone": "Mars/Base"}, "fallback_timezone"),
        ({"min_ring_seconds": 20, "ring_timeout_seconds": 15}, "ring_timeout_seconds"),
    ],
)
def test_bad_rules_are_field_errors(bad, field):
    with pytest.raises(ValidationError) as exc:
        RulesSchema().load(bad)
    assert field in exc.value.messages


def test_dial_mode_checked_by_the_pacer():
    CampaignRulesSchema().load({"jurisdiction": "CN", "dial_mode": "ratio", "dial_settings": {"ratio": 2.0}})
    with pytest.raises(ValidationError) as exc:
        CampaignRulesSchema().load({"jurisdiction": "CN", "dial_mode": "ratio", "dial_settings": {}})
    assert "dial_settings" in exc.value.messages
    with pytest.raises(ValidationError) as exc:
        CampaignRulesSchema().load({"jurisdiction": "CN", "dial_mode": "warp"})
    assert "dial_mode" in exc.value.messages


def test_dial_settings_bounded_to_known_keys():
    load = CampaignRulesSchema().load
    load({"jurisdiction": "US", "dial_mode": "predictive", "dial_settings": {"target_abandon_rate": 0.02}})
    for settings in ({"horizon_s": 1e12}, {"max_lines_per_agent": 1e9}, {"safety": "lots"}, {"safety": True}):
        with pytest.raises(ValidationError) as exc:
            load({"jurisdiction": "US", "dial_mode": "predictive", "dial_settings": settings})
        assert "dial_settings" in exc.value.messages
    with pytest.raises(ValidationError):
        load({"jurisdiction": "US", "dial_mode": "vicidial", "dial_settings": {"drop_method": "soft"}})
