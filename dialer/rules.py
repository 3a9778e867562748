"""Plain inputs of the eligibility gate: a lead, a campaign's calling rules,
its DNC status and its recent call history.

These are frozen dataclasses, not ORM rows: the campaign module maps its
rows onto them, so the gate stays pure and testable without a database.
All datetimes are timezone-aware; times of day are the called party's
local time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time
from enum import Enum
from typing import Mapping

CAMPAIGN_STATES = ("draft", "trial", "live", "paused", "stopped", "completed", "settled")
DIALABLE_STATES = ("trial", "live")
DEFAULT_FINAL_STATUSES = frozenset({"closed", "completed", "sale", "refused", "dnc", "invalid", "wrong_number"})
E164 = re.compile(r"^\+[1-9][0-9]{6,14}$")


class Reason(str, Enum):
    """Why a lead may not be dialled now (the value is the stable code)."""

    DNC_GLOBAL = "DNC_GLOBAL"
    DNC_CAMPAIGN = "DNC_CAMPAIGN"
    HOLIDAY = "HOLIDAY"
    NOT_CALLING_DAY = "NOT_CALLING_DAY"
    OUTSIDE_HOURS = "OUTSIDE_HOURS"
    LOCKOUT_72H = "LOCKOUT_72H"
    NO_CALLER_ID = "NO_CALLER_ID"
    CAMPAIGN_NOT_LIVE = "CAMPAIGN_NOT_LIVE"
    NOT_IN_TRIAL_SAMPLE = "NOT_IN_TRIAL_SAMPLE"
    INVALID_NUMBER = "INVALID_NUMBER"
    FINAL_STATUS = "FINAL_STATUS"
    ATTEMPTS_EXHAUSTED = "ATTEMPTS_EXHAUSTED"
    DAILY_NUMBER_CAP = "DAILY_NUMBER_CAP"
    RETRY_DELAY = "RETRY_DELAY"


@dataclass(frozen=True)
class LeadView:
    id: int | str
    phone_e164: str
    time_zone: str | None = None  # the lead's own zone when known
    # Every zone the number could be in (from its country / area code), used
    # when time_zone is unknown: the call must be inside the window in all.
    candidate_zones: tuple[str, ...] = ()
    region: str | None = None  # country or region code, informative
    status: str = "new"
    attempt_count: int = 0
    last_attempt_at: datetime | None = None
    last_outcome: str | None = None  # no_answer, busy, machine, abandoned, failed, ...
    next_attempt_at: datetime | None = None  # callback or reschedule time
    in_trial_sample: bool = False
    lock_until: datetime | None = None  # e.g. 72 h after an abandoned call


@dataclass(frozen=True)
class CallingRules:
    campaign_state: str = "live"
    window_start: time = time(8, 0)  # local time, inclusive
    window_end: time = time(21, 0)  # local time, exclusive
    # Per-weekday windows (0 = Monday) overriding the default window.
    weekday_windows: Mapping[int, tuple[time, time]] = field(default_factory=dict)
    calling_days: frozenset[int] = frozenset(range(7))
    holidays: frozenset[date] = frozenset()  # local dates in the called party's zone
    default_timezone: str | None = None
    # "strictest": with no zone on the lead, every candidate zone must be in
    # the window (the default zone only if there are no candidates);
    # "default": use default_timezone alone.
    unknown_zone_policy: str = "strictest"
    max_attempts: int | None = None
    max_attempts_per_number_per_day: int | None = None
    retry_delays: Mapping[str, float] = field(default_factory=dict)  # outcome -> seconds
    lockout_72h: bool = True
    lockout_hours: float = 72.0
    trial_sample_only: bool = True
    caller_id_available: bool = True
    final_statuses: frozenset[str] = DEFAULT_FINAL_STATUSES

    def __post_init__(self) -> None:
        if self.campaign_state not in CAMPAIGN_STATES:
            raise ValueError(f"unknown campaign state {self.campaign_state!r}; expected one of {CAMPAIGN_STATES}")
        if self.unknown_zone_policy not in ("strictest", "default"):
            raise ValueError("unknown_zone_policy must be 'strictest' or 'default'")
        for start, end in [(self.window_start, self.window_end), *self.weekday_windows.values()]:
            if not start < end:
                raise ValueError(f"calling window must start before it ends, got {start}-{end}")
        if any(d not in range(7) for d in (*self.calling_days, *self.weekday_windows)):
            raise ValueError("weekdays are 0 (Monday) to 6 (Sunday)")
        if any(v < 0 for v in self.retry_delays.values()):
            raise ValueError("retry delays must be >= 0 seconds")

    def window_for(self, weekday: int) -> tuple[time, time]:
        return self.weekday_windows.get(weekday, (self.window_start, self.window_end))


@dataclass(frozen=True)
class DncView:
    is_global_dnc: bool = False
    is_campaign_dnc: bool = False


@dataclass(frozen=True)
class History:
    """What other calls already did to this number."""

    attempts_today: int = 0  # attempts to this number today, any lead or campaign
    last_abandoned_at: datetime | None = None


@dataclass(frozen=True)
class Decision:
    dial: bool
    reason: Reason | None = None

    @classmethod
    def skip(cls, reason: Reason) -> "Decision":
        return cls(False, reason)


DIAL = Decision(True)
