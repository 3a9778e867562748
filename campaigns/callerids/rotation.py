"""Which caller ID to present on the next call: a pure choice the dialer makes.

Strategies:
* ``fixed``: always the first usable number (lowest id) of the pool.
* ``round_robin``: the next usable number after the one used last
  (``state`` is the id chosen last time; the caller keeps it).
* ``least_used``: the usable number with the fewest dials today.
* ``local_presence``: a usable number with the lead's area code, else one in
  the lead's region; with none, falls back to least used.

Usable means verified, active, under its daily cap and not cooling down.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

STRATEGIES = ("fixed", "round_robin", "least_used", "local_presence")


@dataclass(frozen=True)
class Candidate:
    id: int
    number: str  # E.164
    area_code: str | None = None
    region: str | None = None
    daily_cap: int | None = None
    used_today: int = 0
    cooldown_until: datetime | None = None
    verified: bool = True
    active: bool = True
    trunk_id: int | None = None


def usable(candidate: Candidate, now: datetime) -> bool:
    if not (candidate.verified and candidate.active):
        return False
    if candidate.cooldown_until is not None and candidate.cooldown_until > now:
        return False
    return candidate.daily_cap is None or candidate.used_today < candidate.daily_cap


def national_number(e164: str) -> str | None:
    """The national significant number of an E.164 number (None if unparseable)."""
    import phonenumbers

    try:
        return phonenumbers.national_significant_number(phonenumbers.parse(e164, None))
    except phonenumbers.NumberParseException:
        return None


def _country_prefix(e164: str) -> str | None:
    national = national_number(e164)
    return e164[: len(e164) - len(national)] if national else None


def is_local(candidate: Candidate, lead_number: str | None, lead_region: str | None) -> int:
    """2 if the caller ID shares the lead's area code, 1 its region, else 0."""
    if lead_number and candidate.area_code:
        national = national_number(lead_number)
        if (
            national
            and _country_prefix(lead_number) == _country_prefix(candidate.number)
            and national.startswith(candidate.area_code)
        ):
            return 2
    if lead_region and candidate.region and lead_region.strip().lower() == candidate.region.strip().lower():
        return 1
    return 0


def choose(
    strategy: str,
    candidates: list[Candidate],
    lead_number_e164: str | None = None,
    lead_region: str | None = None,
    state: int | None = None,
    now: datetime | None = None,
) -> Candidate | None:
    """The caller ID to use, or None when no number is usable."""
    if strategy not in STRATEGIES:
        raise ValueError(f"unknown caller-ID strategy {strategy!r}; expected one of {STRATEGIES}")
    if now is None:
        raise ValueError("now is required")
    pool = sorted((c for c in candidates if usable(c, now)), key=lambda c: c.id)
    if not pool:
        return None
    if strategy == "fixed":
        return pool[0]
    if strategy == "round_robin":
        after = [c for c in pool if state is not None and c.id > state]
        return after[0] if after else pool[0]
    if strategy == "local_presence":
        best = max(is_local(c, lead_number_e164, lead_region) for c in pool)
        if best:
            pool = [c for c in pool if is_local(c, lead_number_e164, lead_region) == best]
    return min(pool, key=lambda c: (c.used_today, c.id))


def cooldown_after_cap(candidate: Candidate, now: datetime, centre_tz: str) -> datetime | None:
    """A number that reached its daily cap rests until the centre's next midnight."""
    if candidate.daily_cap is None or candidate.used_today < candidate.daily_cap:
        return None
    zone = ZoneInfo(centre_tz)
    tomorrow = now.astimezone(zone).date() + timedelta(days=1)
    return datetime.combine(tomorrow, time(0), tzinfo=zone).astimezone(now.tzinfo)


def going_bad(dials: int, answer_rate: float, short_share: float, min_dials: int = 50) -> bool:
    """A number carriers may be flagging as spam: people answer and hang up at
    once, or hardly anyone answers.  Needs enough dials to say."""
    return dials >= min_dials and (short_share >= 0.4 or answer_rate < 0.05)
