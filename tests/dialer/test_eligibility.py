"""The eligibility gate: every reason code, the check order, the dry-run,
rescheduling, and properties that no DNC number and no out-of-window call
is ever released whatever the inputs."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from dialer.eligibility import check, check_all, dry_run, next_window_open, window_failures, zones_for
from dialer.rules import CallingRules, DncView, History, LeadView, Reason

UTC = timezone.utc
# Monday 2024-06-03 16:00 UTC = 12:00 in New York.
NOON_NY = datetime(2024, 6, 3, 16, 0, tzinfo=UTC)
NY = "America/New_York"
CLEAN = DncView()
NO_HISTORY = History()


def lead(**changes) -> LeadView:
    base = dict(id=1, phone_e164="+12125550123", time_zone=NY)
    base.update(changes)
    return LeadView(**base)


def reason(lead_=None, rules=None, dnc=CLEAN, history=NO_HISTORY, now=NOON_NY):
    return check(lead_ or lead(), rules or CallingRules(), dnc, history, now).reason


def test_a_clean_lead_in_the_window_is_dialled():
    decision = check(lead(), CallingRules(), CLEAN, NO_HISTORY, NOON_NY)
    assert decision.dial and decision.reason is None


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        (dict(dnc=DncView(is_global_dnc=True)), Reason.DNC_GLOBAL),
        (dict(dnc=DncView(is_campaign_dnc=True)), Reason.DNC_CAMPAIGN),
        (dict(now=datetime(2024, 6, 3, 11, 59, tzinfo=UTC)), Reason.OUTSIDE_HOURS),  # 07:59 local
        (dict(now=datetime(2024, 6, 4, 1, 0, tzinfo=UTC)), Reason.OUTSIDE_HOURS),  # 21:00 local, end exclusive
        (dict(rules=CallingRules(calling_days=frozenset(range(1, 7)))), Reason.NOT_CALLING_DAY),
        (dict(rules=CallingRules(holidays=frozenset({date(2024, 6, 3)}))), Reason.HOLIDAY),
        (dict(lead_=lead(attempt_count=5), rules=CallingRules(max_attempts=5)), Reason.ATTEMPTS_EXHAUSTED),
        (
            dict(history=History(attempts_today=2), rules=CallingRules(max_attempts_per_number_per_day=2)),
            Reason.DAILY_NUMBER_CAP,
        ),
        (
            dict(
                lead_=lead(last_attempt_at=NOON_NY - timedelta(minutes=30), last_outcome="busy"),
                rules=CallingRules(retry_delays={"busy": 3600}),
            ),
            Reason.RETRY_DELAY,
        ),
        (dict(lead_=lead(next_attempt_at=NOON_NY + timedelta(hours=2))), Reason.RETRY_DELAY),
        (dict(history=History(last_abandoned_at=NOON_NY - timedelta(hours=71))), Reason.LOCKOUT_72H),
        (dict(lead_=lead(lock_until=NOON_NY + timedelta(minutes=1))), Reason.LOCKOUT_72H),
        (
            dict(lead_=lead(last_outcome="abandoned", last_attempt_at=NOON_NY - timedelta(hours=1))),
            Reason.LOCKOUT_72H,
        ),
        (dict(rules=CallingRules(campaign_state="paused")), Reason.CAMPAIGN_NOT_LIVE),
        (dict(rules=CallingRules(campaign_state="draft")), Reason.CAMPAIGN_NOT_LIVE),
        (dict(rules=CallingRules(campaign_state="trial")), Reason.NOT_IN_TRIAL_SAMPLE),
        (dict(rules=CallingRules(caller_id_available=False)), Reason.NO_CALLER_ID),
        (dict(lead_=lead(status="closed")), Reason.FINAL_STATUS),
        (dict(lead_=lead(phone_e164="0212555")), Reason.INVALID_NUMBER),
    ],
)
def test_each_reason_code(kwargs, expected):
    assert reason(**kwargs) is expected


def test_lockout_ends_after_its_hours_and_can_be_switched_off():
    abandoned = History(last_abandoned_at=NOON_NY - timedelta(hours=72, seconds=1))
    assert reason(history=abandoned) is None
    recent = History(last_abandoned_at=NOON_NY - timedelta(hours=1))
    assert reason(history=recent, rules=CallingRules(lockout_72h=False)) is None


def test_retry_delay_is_over_once_its_time_has_passed():
    done = lead(last_attempt_at=NOON_NY - timedelta(hours=2), last_outcome="no_answer")
    assert reason(lead_=done, rules=CallingRules(retry_delays={"no_answer": 3600})) is None


def test_trial_sample_leads_are_dialled_in_trial():
    assert reason(lead_=lead(in_trial_sample=True), rules=CallingRules(campaign_state="trial")) is None


def test_compliance_reasons_come_first_and_check_all_lists_every_failure():
    bad = lead(status="closed", attempt_count=9, phone_e164="12")
    rules = CallingRules(max_attempts=3, campaign_state="stopped")
    night = datetime(2024, 6, 3, 6, 0, tzinfo=UTC)  # 02:00 in New York
    dnc = DncView(is_global_dnc=True, is_campaign_dnc=True)
    assert check(bad, rules, dnc, NO_HISTORY, night).reason is Reason.DNC_GLOBAL
    assert check_all(bad, rules, dnc, NO_HISTORY, night) == [
        Reason.DNC_GLOBAL,
        Reason.DNC_CAMPAIGN,
        Reason.OUTSIDE_HOURS,
        Reason.CAMPAIGN_NOT_LIVE,
        Reason.INVALID_NUMBER,
        Reason.FINAL_STATUS,
        Reason.ATTEMPTS_EXHAUSTED,
    ]


def test_dnc_may_be_a_lookup_by_number():
    blocked = {"+12125550123"}
    assert check(lead(), CallingRules(), lambda n: DncView(is_global_dnc=n in blocked), NO_HISTORY, NOON_NY).reason \
        is Reason.DNC_GLOBAL


def test_unknown_zone_uses_every_candidate_zone():
    both = lead(time_zone=None, candidate_zones=(NY, "America/Los_Angeles"))
    # 13:00 UTC: 09:00 in New York but 06:00 in Los Angeles.
    assert reason(lead_=both, now=datetime(2024, 6, 3, 13, 0, tzinfo=UTC)) is Reason.OUTSIDE_HOURS
    assert reason(lead_=both, now=datetime(2024, 6, 3, 15, 0, tzinfo=UTC)) is None


def test_unknown_zone_without_candidates_falls_back_to_default_or_fails_closed():
    nowhere = lead(time_zone=None)
    assert reason(lead_=nowhere) is Reason.OUTSIDE_HOURS
    assert reason(lead_=nowhere, rules=CallingRules(default_timezone=NY)) is None
    assert reason(lead_=lead(time_zone="Mars/Olympus_Mons")) is Reason.OUTSIDE_HOURS


def test_per_weekday_window():
    saturday_noon = datetime(2024, 6, 8, 16, 0, tzinfo=UTC)
    rules = CallingRules(weekday_windows={5: (time(9), time(12))})
    assert reason(rules=rules, now=saturday_noon) is Reason.OUTSIDE_HOURS
    assert reason(rules=rules) is None


def test_naive_now_is_refused():
    with pytest.raises(ValueError):
        check(lead(), CallingRules(), CLEAN, NO_HISTORY, datetime(2024, 6, 3, 12))


def test_bad_rules_are_refused():
    with pytest.raises(ValueError):
        CallingRules(window_start=time(21), window_end=time(8))
    with pytest.raises(ValueError):
        CallingRules(campaign_state="running")


def test_dry_run_counts_each_rule_and_the_eligible():
    leads = [lead(id=1), lead(id=2, status="closed"), lead(id=3, status="closed", attempt_count=9), lead(id=4)]
    counts = dry_run(
        leads,
        CallingRules(max_attempts=3),
        lambda l: DncView(is_campaign_dnc=l.id == 4),
        lambda l: NO_HISTORY,
        NOON_NY,
    )
    assert counts["TOTAL"] == 4
    assert counts["ELIGIBLE"] == 1
    assert counts["FINAL_STATUS"] == 2
    assert counts["ATTEMPTS_EXHAUSTED"] == 1
    assert counts["DNC_CAMPAIGN"] == 1


def test_next_window_open_skips_night_holidays_and_blocks():
    night = datetime(2024, 6, 3, 3, 0, tzinfo=UTC)  # 23:00 Sunday in New York
    assert next_window_open(lead(), CallingRules(), night) == datetime(2024, 6, 3, 12, 0, tzinfo=UTC)
    holiday = CallingRules(holidays=frozenset({date(2024, 6, 3)}))
    assert next_window_open(lead(), holiday, night) == datetime(2024, 6, 4, 12, 0, tzinfo=UTC)
    locked = lead(lock_until=datetime(2024, 6, 3, 18, 30, tzinfo=UTC))
    assert next_window_open(locked, CallingRules(), night) == datetime(2024, 6, 3, 18, 30, tzinfo=UTC)
    assert next_window_open(lead(), CallingRules(), NOON_NY) == NOON_NY


def test_next_window_open_is_none_when_candidate_windows_never_overlap():
    apart = lead(time_zone=None, candidate_zones=(NY, "Asia/Shanghai"))  # 12 h apart
    mornings = CallingRules(window_start=time(8), window_end=time(12))
    assert next_window_open(apart, mornings, NOON_NY) is None


# --- properties -----------------------------------------------------------

ZONES = [
    "UTC",
    NY,
    "America/Los_Angeles",
    "America/St_Johns",  # -03:30 with DST
    "Europe/London",
    "Europe/Berlin",
    "Asia/Kolkata",  # +05:30
    "Asia/Kathmandu",  # +05:45
    "Asia/Shanghai",
    "Australia/Adelaide",  # +09:30 with DST
    "Australia/Lord_Howe",  # half-hour DST shift
    "Pacific/Chatham",  # +12:45
    "Pacific/Kiritimati",  # +14
    "Pacific/Pago_Pago",  # -11
]

times = st.times().map(lambda t: t.replace(microsecond=0))
windows = st.tuples(times, times).filter(lambda w: w[0] < w[1])
instants = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2040, 1, 1)).map(
    lambda d: d.replace(tzinfo=UTC)
)
rules_strategy = st.builds(
    CallingRules,
    campaign_state=st.sampled_from(["trial", "live", "paused"]),
    window_start=st.shared(windows, key="w").map(lambda w: w[0]),
    window_end=st.shared(windows, key="w").map(lambda w: w[1]),
    weekday_windows=st.dictionaries(st.integers(0, 6), windows, max_size=3),
    calling_days=st.frozensets(st.integers(0, 6)),
    holidays=st.frozensets(st.dates(date(2000, 1, 1), date(2040, 1, 1)), max_size=5),
    default_timezone=st.none() | st.sampled_from(ZONES),
    unknown_zone_policy=st.sampled_from(["strictest", "default"]),
    lockout_72h=st.booleans(),
    caller_id_available=st.booleans(),
)
leads_strategy = st.builds(
    LeadView,
    id=st.integers(1, 10**6),
    phone_e164=st.sampled_from(["+12125550123", "+442071838750", "+8613800138000", "bad"]),
    time_zone=st.none() | st.sampled_from(ZONES),
    candidate_zones=st.lists(st.sampled_from(ZONES), max_size=3).map(tuple),
    in_trial_sample=st.booleans(),
    attempt_count=st.integers(0, 5),
)
dnc_strategy = st.builds(DncView, is_global_dnc=st.booleans(), is_campaign_dnc=st.booleans())

DST_EDGES = [
    datetime(2024, 3, 10, 7, 0, tzinfo=UTC),  # New York springs forward
    datetime(2024, 11, 3, 6, 0, tzinfo=UTC),  # New York falls back
    datetime(2024, 3, 31, 1, 0, tzinfo=UTC),  # London
    datetime(2024, 4, 6, 15, 0, tzinfo=UTC),  # Lord Howe, half-hour shift
]


def _inside_everywhere(lead_: LeadView, rules: CallingRules, at: datetime) -> bool:
    """Oracle written apart from the gate: local wall time by the zone's offset."""
    zones = zones_for(lead_, rules)
    if not zones:
        return False
    for zone in zones:
        local = zone.fromutc(at.astimezone(UTC).replace(tzinfo=zone))
        start, end = rules.window_for(local.weekday())
        if local.date() in rules.holidays or local.weekday() not in rules.calling_days:
            return False
        if not start <= local.replace(tzinfo=None).time() < end:
            return False
    return True


@settings(max_examples=200, deadline=None)
@given(lead_=leads_strategy, rules=rules_strategy, dnc=dnc_strategy, now=instants)
@example(lead_=lead(), rules=CallingRules(window_start=time(2, 30), window_end=time(3)), dnc=CLEAN, now=DST_EDGES[0])
def test_no_dnc_number_and_no_out_of_window_call_is_ever_released(lead_, rules, dnc, now):
    decision = check(lead_, rules, dnc, NO_HISTORY, now)
    if dnc.is_global_dnc or dnc.is_campaign_dnc:
        assert not decision.dial
    if decision.dial:
        assert _inside_everywhere(lead_, rules, now)
        assert rules.caller_id_available and rules.campaign_state in ("trial", "live")


@settings(max_examples=200, deadline=None)
@given(lead_=leads_strategy, rules=rules_strategy, now=st.sampled_from(DST_EDGES) | instants,
       shift=st.integers(-7200, 7200))
def test_the_window_holds_around_dst_transitions(lead_, rules, now, shift):
    at = now + timedelta(seconds=shift)
    failures = window_failures(lead_, rules, at)
    assert (not failures) == _inside_everywhere(lead_, rules, at)


@settings(max_examples=150, deadline=None)
@given(lead_=leads_strategy, rules=rules_strategy, now=st.sampled_from(DST_EDGES) | instants)
def test_next_window_open_returns_a_moment_inside_the_window(lead_, rules, now):
    opens = next_window_open(lead_, rules, now)
    if opens is not None:
        assert opens >= now
        assert _inside_everywhere(lead_, rules, opens)
    else:
        assert not _inside_everywhere(lead_, rules, now)


def test_zones_on_the_lead_are_used_as_given():
    assert zones_for(lead(), CallingRules()) == (ZoneInfo(NY),)
