"""What happens to a lead after a dial that reached no agent.  Pure.

A person who talked to an agent is settled by the agent's disposition
(`campaigns.dispositions`); every other outcome is settled here, from the
campaign's effective rules (`campaigns.rules`): retry after the outcome's
delay while attempts remain, the 72-hour lockout after an abandoned call
where the profile demands it, invalid numbers closed at once.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

DEFAULT_DELAY_MINUTES = {"no_answer": 120, "busy": 30, "machine": 240, "abandoned": 1440, "failed": 60,
                         "congestion": 15, "rejected": 240, "cancelled": 60, "interrupted": 5}
# Outcomes whose lead is not worth another dial.
CLOSING = {"invalid"}
# A person who talked but got no disposition yet: call again only after a day,
# unless the agent's disposition says otherwise (it normally does).
HUMAN_PENDING_MINUTES = 24 * 60


@dataclass(frozen=True)
class LeadAfter:
    status: str  # LeadStatus value
    next_attempt_at: datetime | None
    lockout_until: datetime | None = None


def after_attempt(outcome: str, attempt_count: int, rules: dict, now: datetime) -> LeadAfter:
    """`attempt_count` already includes the attempt that just ended."""
    if outcome in CLOSING:
        return LeadAfter("invalid", None)
    if outcome == "human":
        return LeadAfter("retry", now + timedelta(minutes=HUMAN_PENDING_MINUTES))
    max_attempts = rules.get("max_attempts_per_lead")
    if max_attempts is not None and attempt_count >= max_attempts:
        return LeadAfter("done", None)
    delays = {**DEFAULT_DELAY_MINUTES, **(rules.get("retry_delays_minutes") or {})}
    delay = float(delays.get(outcome, DEFAULT_DELAY_MINUTES["failed"]))
    lockout = None
    if outcome == "abandoned" and rules.get("lockout_72h"):
        lockout = now + timedelta(hours=float(rules.get("lockout_hours", 72)))
        delay = max(delay, float(rules.get("lockout_hours", 72)) * 60)
    return LeadAfter("retry", now + timedelta(minutes=delay), lockout)
