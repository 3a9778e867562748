"""A campaign's effective calling rules: its jurisdiction profile overlaid by
its own overrides, and the same rules as the dialer's `CallingRules`.

Pure: takes plain values (or a Campaign row read only), returns data."""

from __future__ import annotations

from datetime import date, time

from campaigns.rules.profiles import overlay, profile_defaults
from campaigns.rules.schemas import RulesSchema

# Lead statuses (campaigns.models.LeadStatus values) the dialer must never dial.
FINAL_LEAD_STATUSES = frozenset({"done", "dnc", "invalid"})
# CampaignState values the dialer's gate knows; "approved" is a waiting room
# before formal calling and dials nothing, exactly like draft.
_GATE_STATE = {"approved": "draft"}


def effective_rules(jurisdiction: str, overrides: dict | None, campaign_timezone: str | None = None) -> dict:
    """Profile defaults with the overrides on top, validated (raises
    marshmallow.ValidationError if a stored override has gone bad)."""
    rules = overlay(profile_defaults(jurisdiction), overrides)
    RulesSchema().load(rules)
    if not rules.get("fallback_timezone"):
        rules["fallback_timezone"] = campaign_timezone
    return rules


def campaign_rules(campaign) -> dict:
    """`effective_rules` for a Campaign row."""
    return effective_rules(campaign.jurisdiction, campaign.rules, campaign.timezone)


def _hhmm(text: str) -> time:
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


def to_calling_rules(rules: dict, campaign_state: str, caller_id_available: bool = True):
    """The dialer's frozen `CallingRules` for an effective rules dict."""
    from dialer.rules import CallingRules

    hours = rules["calling_hours"]
    return CallingRules(
        campaign_state=_GATE_STATE.get(campaign_state, campaign_state),
        window_start=_hhmm(hours["start"]),
        window_end=_hhmm(hours["end"]),
        weekday_windows={
            int(d): (_hhmm(h["start"]), _hhmm(h["end"])) for d, h in rules["weekday_hours"].items()
        },
        calling_days=frozenset(rules["calling_days"]),
        holidays=frozenset(date.fromisoformat(d) for d in rules["holidays"]),
        default_timezone=rules.get("fallback_timezone"),
        unknown_zone_policy=rules["unknown_zone_policy"],
        max_attempts=rules["max_attempts_per_lead"],
        max_attempts_per_number_per_day=rules["max_attempts_per_number_per_day"],
        retry_delays={k: float(v) * 60 for k, v in rules["retry_delays_minutes"].items()},
        lockout_72h=bool(rules["lockout_72h"]),
        lockout_hours=float(rules["lockout_hours"]),
        trial_sample_only=bool(rules["trial_sample_only"]),
        caller_id_available=caller_id_available,
        final_statuses=FINAL_LEAD_STATUSES,
    )


def campaign_calling_rules(campaign, caller_id_available: bool = True):
    """The dialer's `CallingRules` for a Campaign row."""
    state = campaign.state.value if hasattr(campaign.state, "value") else str(campaign.state)
    return to_calling_rules(campaign_rules(campaign), state, caller_id_available)
