"""The one clock.  Code that needs `now` takes it as an argument; the edges
(web requests, the pod loop, jobs) read it from here so tests can move time.
"""
from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone


def utcnow() -> datetime:
    """Aware UTC now; every stored time is UTC."""
    return datetime.now(timezone.utc)


def monotonic() -> float:
    return time.monotonic()


class FakeClock:
    """A clock tests move by hand."""

    def __init__(self, start: datetime | None = None):
        self._now = start or datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)

    def __call__(self) -> datetime:
        return self._now

    def advance(self, seconds: float) -> datetime:
        self._now += timedelta(seconds=seconds)
        return self._now
