"""Recycle rules, pure."""

from datetime import UTC, datetime, timedelta

import pytest

from campaigns.dispositions.recycle import DispositionRule, LeadState, next_step
from campaigns.rules.profiles import profile_defaults

NOW = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)
RULES = profile_defaults("CN")


def test_final_dnc_callback():
    assert next_step(LeadState("new"), DispositionRule("SALE", is_final=True), RULES, NOW).status == "done"
    assert (
        next_step(LeadState("new"), DispositionRule("DNC", is_final=True, is_dnc=True), RULES, NOW).status
        == "dnc"
    )
    at = NOW + timedelta(days=1)
    step = next_step(LeadState("new"), DispositionRule("CALLBACK", is_callback=True), RULES, NOW, at)
    assert (step.status, step.next_attempt_at) == ("callback", at)
    with pytest.raises(ValueError):
        next_step(LeadState("new"), DispositionRule("CALLBACK", is_callback=True), RULES, NOW)


def test_retry_uses_disposition_delay_then_profile_delay():
    step = next_step(
        LeadState("new", 1), DispositionRule("BUSY", is_retry=True, recycle_delay_minutes=30), RULES, NOW
    )
    assert (step.status, step.next_attempt_at) == ("retry", NOW + timedelta(minutes=30))
    step = next_step(LeadState("new", 1), DispositionRule("MACHINE", is_retry=True), RULES, NOW)
    assert step.next_attempt_at == NOW + timedelta(minutes=RULES["retry_delays_minutes"]["machine"])
    step = next_step(LeadState("new", 1), DispositionRule("OTHER", is_retry=True), RULES, NOW)
    assert step.next_attempt_at == NOW + timedelta(minutes=60)


def test_retry_exhausted_by_attempts_or_recycles():
    rule = DispositionRule("NO_ANSWER", is_retry=True, recycle_delay_minutes=120, max_recycles=3)
    assert next_step(LeadState("retry", 6, 0), rule, RULES, NOW).why == "attempts_exhausted"
    assert next_step(LeadState("retry", 3, 3), rule, RULES, NOW).why == "recycles_exhausted"
    assert next_step(LeadState("retry", 3, 2), rule, RULES, NOW).status == "retry"


def test_unflagged_disposition_ends_the_lead():
    assert next_step(LeadState("new"), DispositionRule("X"), RULES, NOW).status == "done"
