"""Jurisdiction profiles (US, UK, CN, custom): the calling-rule defaults a
campaign starts from.  Pure data and functions; no I/O.

A rules dict is plain JSON (it is stored in ``Campaign.rules`` as the
manager's overrides).  Keys:

* ``calling_hours``: ``{"start": "HH:MM", "end": "HH:MM"}`` in the called
  party's local time, end exclusive; ``weekday_hours`` overrides it per
  weekday (``"0"`` = Monday): ``{"5": {"start": "10:00", "end": "18:00"}}``.
* ``calling_days``: weekdays allowed, 0 = Monday .. 6 = Sunday.
* ``holidays``: ISO dates on which no call is placed (local dates).
* ``fallback_timezone`` (None = the campaign's own zone) and
  ``unknown_zone_policy`` ("strictest": a lead with no zone is only called
  when the window is open in every zone its number could be in).
* ``abandon_cap`` (share of person-answered calls) over
  ``abandon_window_hours``; ``safe_harbour_seconds``: the most a person may
  wait for an agent before the call counts as abandoned.
* ``min_ring_seconds`` (legal floor) and ``ring_timeout_seconds`` (what the
  dialer uses, never below the floor).
* ``lockout_72h`` / ``lockout_hours``: no new call to a number that got an
  abandoned call within that time.
* ``max_attempts_per_lead``, ``max_attempts_per_number_per_day``.
* ``retry_delays_minutes`` per dialer outcome: no_answer, busy, machine,
  abandoned.
* ``stop_on_refusal``: a refusal ends the lead and puts it on the DNC list;
  ``consent_required``: leads must carry consent evidence (CN);
  ``dnc_scope``: where a do-not-call disposition lands ("campaign" or
  "global"); ``trial_sample_only``: during trial only sample leads are dialled.
"""

from __future__ import annotations

import copy

JURISDICTIONS = ("US", "UK", "CN", "custom")
OUTCOMES_WITH_RETRY = ("no_answer", "busy", "machine", "abandoned")

_BASE: dict = {
    "calling_hours": {"start": "08:00", "end": "21:00"},
    "weekday_hours": {},
    "calling_days": [0, 1, 2, 3, 4, 5, 6],
    "holidays": [],
    "fallback_timezone": None,
    "unknown_zone_policy": "strictest",
    "abandon_cap": 0.03,
    "abandon_window_hours": 24,
    "safe_harbour_seconds": 2,
    "min_ring_seconds": 15,
    "ring_timeout_seconds": 20,
    "lockout_72h": False,
    "lockout_hours": 72,
    "max_attempts_per_lead": 6,
    "max_attempts_per_number_per_day": 3,
    "retry_delays_minutes": {"no_answer": 120, "busy": 30, "machine": 240, "abandoned": 1440},
    "stop_on_refusal": True,
    "consent_required": False,
    "dnc_scope": "campaign",
    "trial_sample_only": True,
}

# Only what differs from the base.  Sources: DOMAIN.md.
_PROFILES: dict[str, dict] = {
    # FTC TSR / FCC TCPA: 08:00-21:00 local, <= 3 % abandoned over 30 days,
    # ring >= 15 s, message within 2 s.
    "US": {"abandon_window_hours": 30 * 24},
    # Ofcom: <= 3 % over any 24 h, ring >= 15 s, no call again within 72 h
    # after an abandoned call.  Ofcom sets no hours; 08:00-21:00 is the
    # industry norm and the same as the US, so it is kept.
    "UK": {"lockout_72h": True, "lockout_hours": 72},
    # China: hours NOT confirmed by the client's documents; 09:00-20:00 is
    # our conservative choice (inside every common reading).  Consent is
    # required, a refusal stops at once and goes on the (centre-wide) DNC list.
    "CN": {
        "calling_hours": {"start": "09:00", "end": "20:00"},
        "consent_required": True,
        "stop_on_refusal": True,
        "dnc_scope": "global",
    },
    # Custom: the strictest combination as a starting point; the manager
    # edits every value.
    "custom": {
        "calling_hours": {"start": "09:00", "end": "20:00"},
        "lockout_72h": True,
        "abandon_window_hours": 24,
    },
}


def profile_defaults(jurisdiction: str) -> dict:
    """The full rules dict of a jurisdiction profile (a fresh copy)."""
    if jurisdiction not in _PROFILES:
        raise ValueError(f"unknown jurisdiction {jurisdiction!r}; expected one of {JURISDICTIONS}")
    rules = copy.deepcopy(_BASE)
    rules.update(copy.deepcopy(_PROFILES[jurisdiction]))
    return rules


def overlay(defaults: dict, overrides: dict | None) -> dict:
    """Profile defaults with the campaign's overrides on top.  Nested dicts
    (hours, retry delays) are merged key by key, so overriding one retry
    delay keeps the others."""
    out = copy.deepcopy(defaults)
    for key, value in (overrides or {}).items():
        if key not in out:
            continue  # stale keys from an older version are ignored, not trusted
        if isinstance(value, dict) and isinstance(out[key], dict) and key != "weekday_hours":
            out[key] = {**out[key], **copy.deepcopy(value)}
        else:
            out[key] = copy.deepcopy(value)
    return out
