"""The eligibility gate: may this lead be dialled now, and if not, why.

Pure: it takes the lead, the campaign's rules, the number's DNC status and
call history, and an aware ``now``; it returns a ``Decision``. Compliance
checks come first (DNC, the calling window in the called party's local
time, the post-abandon lockout, a returnable caller ID) so that the reason
reported for a lead that fails several is the one that matters legally.

* ``check`` returns the first failing reason; ``check_all`` every one
  (for the campaign dry-run); ``dry_run`` counts, over a list of leads, how
  many each rule excludes.
* ``next_window_open`` says when a lead next becomes callable, for
  rescheduling.

With no time zone on the lead the window is held in every candidate zone
at once (strictest policy), so a number whose zone is ambiguous is only
called when it is a legal hour everywhere it might be. A zone that cannot
be resolved fails closed (OUTSIDE_HOURS).
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Callable, Iterable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dialer.rules import (
    DIAL,
    DIALABLE_STATES,
    E164,
    CallingRules,
    Decision,
    DncView,
    History,
    LeadView,
    Reason,
)

DncSource = DncView | Callable[[str], DncView]
_COMPLIANCE = (Reason.DNC_GLOBAL, Reason.DNC_CAMPAIGN, Reason.HOLIDAY, Reason.NOT_CALLING_DAY, Reason.OUTSIDE_HOURS)
_SEARCH_DAYS = 400  # how far ahead next_window_open looks before giving up


def check(lead: LeadView, rules: CallingRules, dnc: DncSource, history: History, now: datetime) -> Decision:
    """Dial, or skip with the first failing reason in compliance-first order."""
    for reason in _failures(lead, rules, dnc, history, now):
        return Decision.skip(reason)
    return DIAL


def check_all(
    lead: LeadView, rules: CallingRules, dnc: DncSource, history: History, now: datetime
) -> list[Reason]:
    """Every reason the lead may not be dialled now, in check order (empty: dial)."""
    return list(_failures(lead, rules, dnc, history, now))


def dry_run(
    leads: Iterable[LeadView],
    rules: CallingRules,
    dnc_lookup: Callable[[LeadView], DncView],
    history_lookup: Callable[[LeadView], History],
    now: datetime,
) -> Counter:
    """How many leads each rule excludes (a lead counts under each rule it
    fails), plus ``ELIGIBLE`` and ``TOTAL``."""
    counts: Counter = Counter({"ELIGIBLE": 0, "TOTAL": 0})
    for lead in leads:
        reasons = check_all(lead, rules, dnc_lookup(lead), history_lookup(lead), now)
        counts["TOTAL"] += 1
        if reasons:
            counts.update(r.value for r in reasons)
        else:
            counts["ELIGIBLE"] += 1
    return counts


def _failures(lead: LeadView, rules: CallingRules, dnc: DncSource, history: History, now: datetime):
    _require_aware(now)
    view = dnc(lead.phone_e164) if callable(dnc) else dnc
    if view.is_global_dnc:
        yield Reason.DNC_GLOBAL
    if view.is_campaign_dnc:
        yield Reason.DNC_CAMPAIGN
    yield from window_failures(lead, rules, now)
    if rules.lockout_72h and _locked_until(lead, rules, history) > now:
        yield Reason.LOCKOUT_72H
    if not rules.caller_id_available:
        yield Reason.NO_CALLER_ID
    if rules.campaign_state not in DIALABLE_STATES:
        yield Reason.CAMPAIGN_NOT_LIVE
    if rules.campaign_state == "trial" and rules.trial_sample_only and not lead.in_trial_sample:
        yield Reason.NOT_IN_TRIAL_SAMPLE
    if not E164.match(lead.phone_e164 or ""):
        yield Reason.INVALID_NUMBER
    if lead.status in rules.final_statuses:
        yield Reason.FINAL_STATUS
    if rules.max_attempts is not None and lead.attempt_count >= rules.max_attempts:
        yield Reason.ATTEMPTS_EXHAUSTED
    cap = rules.max_attempts_per_number_per_day
    if cap is not None and history.attempts_today >= cap:
        yield Reason.DAILY_NUMBER_CAP
    if _retry_at(lead, rules) > now:
        yield Reason.RETRY_DELAY


def window_failures(lead: LeadView, rules: CallingRules, now: datetime) -> list[Reason]:
    """Calling-window reasons at ``now``: holiday, day, hours, in every zone
    the lead may be in. No resolvable zone at all fails closed."""
    zones = zones_for(lead, rules)
    if not zones:
        return [Reason.OUTSIDE_HOURS]
    found: set[Reason] = set()
    for zone in zones:
        local = now.astimezone(zone)
        if local.date() in rules.holidays:
            found.add(Reason.HOLIDAY)
        if local.weekday() not in rules.calling_days:
            found.add(Reason.NOT_CALLING_DAY)
        start, end = rules.window_for(local.weekday())
        if not start <= local.time().replace(tzinfo=None) < end:
            found.add(Reason.OUTSIDE_HOURS)
    return [r for r in _COMPLIANCE if r in found]


def zones_for(lead: LeadView, rules: CallingRules) -> tuple[ZoneInfo, ...]:
    """The zones the window must hold in; empty if none can be resolved
    (a named zone that does not exist counts as unresolvable)."""
    if lead.time_zone:
        names: tuple[str, ...] = (lead.time_zone,)
    elif rules.unknown_zone_policy == "strictest" and lead.candidate_zones:
        names = tuple(lead.candidate_zones)
    elif rules.default_timezone:
        names = (rules.default_timezone,)
    else:
        return ()
    zones = tuple(_zone(name) for name in names)
    return () if any(z is None for z in zones) else zones  # type: ignore[return-value]


@lru_cache(maxsize=512)
def _zone(name: str) -> ZoneInfo | None:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        return None


def next_window_open(
    lead: LeadView, rules: CallingRules, now: datetime, history: History | None = None
) -> datetime | None:
    """The earliest instant >= now at which the lead's time-based blocks
    (retry delay, callback time, lockout) are over and the calling window is
    open in every zone the lead may be in; None if that never happens within
    about a year (e.g. candidate zones too far apart for windows to overlap)."""
    _require_aware(now)
    zones = zones_for(lead, rules)
    if not zones:
        return None
    t = max(now, _retry_at(lead, rules))
    if rules.lockout_72h:
        t = max(t, _locked_until(lead, rules, history or History()))
    t = t.astimezone(now.tzinfo)
    limit = now + timedelta(days=_SEARCH_DAYS)
    while t <= limit:
        closed = [z for z in zones if _closed_in(z, rules, t)]
        if not closed:
            return t
        # The answer is no earlier than the latest next opening among the
        # zones closed now; jump there and check every zone again.
        opens = [_next_open_in(z, rules, t) for z in closed]
        if any(o is None for o in opens):
            return None
        t = max(opens)  # type: ignore[type-var]
    return None


def _closed_in(zone: ZoneInfo, rules: CallingRules, t: datetime) -> bool:
    local = t.astimezone(zone)
    if local.date() in rules.holidays or local.weekday() not in rules.calling_days:
        return True
    start, end = rules.window_for(local.weekday())
    return not start <= local.time().replace(tzinfo=None) < end


def _next_open_in(zone: ZoneInfo, rules: CallingRules, t: datetime) -> datetime | None:
    """First instant after ``t`` at which the window is open in ``zone``."""
    local_day = t.astimezone(zone).date()
    for offset in range(_SEARCH_DAYS + 2):
        day = local_day + timedelta(days=offset)
        if day in rules.holidays or day.weekday() not in rules.calling_days:
            continue
        start, end = rules.window_for(day.weekday())
        candidate = datetime.combine(day, start, tzinfo=zone).astimezone(t.tzinfo)
        if candidate <= t:
            continue
        # A start inside a DST gap lands later than written; it still has to
        # be a moment when the window is open.
        for step in range(0, 24 * 60, 1):
            probe = candidate + timedelta(minutes=step)
            if not _closed_in(zone, rules, probe):
                return probe
            if probe.astimezone(zone).date() != day:
                break
    return None


def _retry_at(lead: LeadView, rules: CallingRules) -> datetime:
    earliest = datetime.min.replace(tzinfo=ZoneInfo("UTC"))
    if lead.next_attempt_at is not None:
        earliest = max(earliest, lead.next_attempt_at)
    if lead.last_attempt_at is not None and lead.last_outcome in rules.retry_delays:
        earliest = max(earliest, lead.last_attempt_at + timedelta(seconds=rules.retry_delays[lead.last_outcome]))
    return earliest


def _locked_until(lead: LeadView, rules: CallingRules, history: History) -> datetime:
    until = datetime.min.replace(tzinfo=ZoneInfo("UTC"))
    hold = timedelta(hours=rules.lockout_hours)
    if lead.lock_until is not None:
        until = max(until, lead.lock_until)
    if history.last_abandoned_at is not None:
        until = max(until, history.last_abandoned_at + hold)
    if lead.last_outcome == "abandoned" and lead.last_attempt_at is not None:
        until = max(until, lead.last_attempt_at + hold)
    return until


def _require_aware(now: datetime) -> None:
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be a timezone-aware datetime (UTC)")
