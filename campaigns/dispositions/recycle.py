"""Recycle rules: what happens to a lead after a disposition.  Pure.

* do-not-call: the lead ends as DNC (the number goes on the DNC list).
* final: the lead ends as DONE.
* callback: the lead waits for its callback time (status CALLBACK).
* retry: the lead is dialled again after the disposition's recycle delay
  (else the campaign's retry delay for the matching outcome), unless the
  disposition's max recycles or the campaign's max attempts per lead are
  used up, in which case it ends as DONE.
* a disposition with none of these flags ends the lead (nothing says to call again).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

DEFAULT_RETRY_MINUTES = 60
# Which dialer outcome a retry disposition stands for, to find its delay.
OUTCOME_OF_CODE = {"NO_ANSWER": "no_answer", "BUSY": "busy", "MACHINE": "machine", "ABANDONED": "abandoned"}


@dataclass(frozen=True)
class LeadState:
    status: str
    attempt_count: int = 0
    recycles_of_disposition: int = 0  # earlier times this lead got this same disposition


@dataclass(frozen=True)
class DispositionRule:
    code: str
    is_final: bool = False
    is_retry: bool = False
    is_callback: bool = False
    is_dnc: bool = False
    recycle_delay_minutes: int | None = None
    max_recycles: int | None = None

    @classmethod
    def of(cls, row) -> DispositionRule:
        return cls(
            code=row.code,
            is_final=row.is_final,
            is_retry=row.is_retry,
            is_callback=row.is_callback,
            is_dnc=row.is_dnc,
            recycle_delay_minutes=row.recycle_delay_minutes,
            max_recycles=row.max_recycles,
        )


@dataclass(frozen=True)
class Step:
    status: str  # a LeadStatus value
    next_attempt_at: datetime | None
    why: str


def next_step(
    lead: LeadState,
    disposition: DispositionRule,
    rules: dict,
    now: datetime,
    callback_at: datetime | None = None,
) -> Step:
    if disposition.is_dnc:
        return Step("dnc", None, "do_not_call")
    if disposition.is_final:
        return Step("done", None, "final")
    if disposition.is_callback:
        if callback_at is None:
            raise ValueError("a callback disposition needs a callback time")
        return Step("callback", callback_at, "callback")
    if disposition.is_retry:
        max_attempts = rules.get("max_attempts_per_lead")
        if max_attempts is not None and lead.attempt_count >= max_attempts:
            return Step("done", None, "attempts_exhausted")
        if disposition.max_recycles is not None and lead.recycles_of_disposition >= disposition.max_recycles:
            return Step("done", None, "recycles_exhausted")
        minutes = disposition.recycle_delay_minutes
        if minutes is None:
            outcome = OUTCOME_OF_CODE.get(disposition.code)
            minutes = (rules.get("retry_delays_minutes") or {}).get(outcome, DEFAULT_RETRY_MINUTES)
        return Step("retry", now + timedelta(minutes=minutes), "retry")
    return Step("done", None, "no_retry_flag")
