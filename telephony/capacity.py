"""How many calls a pod may hold and how fast it may start them.

Pure logic: the build's call limit from the pjsua2 version string, the check
of the configured limit against it, and a token bucket driven by ``now``.
"""
from __future__ import annotations

from dataclasses import dataclass, field

# Measured (TELEPHONY_NOTES.md): the PyPI wheels are built with the library's
# default PJSUA_MAX_CALLS, which changed between releases.
_KNOWN_LIMITS = {(2, 10): 32, (2, 15): 4}
# PJSUA_MAX_ACC of the stock builds: the pod's own account plus the trunks' accounts
MAX_ACCOUNTS = 8


class CapacityError(ValueError):
    """The configured call limit cannot be honoured by the installed build."""


def parse_version(full: str) -> tuple[int, int]:
    parts = full.split("-")[0].split(".")
    return int(parts[0]), int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0


def build_call_limit(version: str, has_audio_media_port: bool, override: int | None = None) -> int:
    """Calls one process can hold with this pjsua2 build.

    ``override`` is for a site's own build (PJSUA_MAX_CALLS raised); without
    it an unknown 2.14+ wheel is assumed to be the stock 4, anything older 32.
    """
    if override:
        return override
    major_minor = parse_version(version)
    if major_minor in _KNOWN_LIMITS:
        return _KNOWN_LIMITS[major_minor]
    return 4 if (has_audio_media_port or major_minor >= (2, 14)) else 32


def effective_limit(configured: int | None, build_limit: int) -> int:
    """The pod's limit; a configured value above the build's is refused, not clamped."""
    if configured is None:
        return build_limit
    if configured < 1:
        raise CapacityError(f"max_calls must be at least 1, got {configured}")
    if configured > build_limit:
        raise CapacityError(
            f"max_calls={configured} exceeds this pjsua2 build's limit of {build_limit} calls per process")
    return configured


@dataclass
class TokenBucket:
    """Call starts per second, with a small burst; ``take(now)`` is True when a start is allowed."""

    rate: float
    burst: float = 1.0
    _tokens: float = field(default=-1.0, repr=False)
    _last: float | None = field(default=None, repr=False)

    def _refill(self, now: float) -> None:
        if self._last is None:
            self._tokens = self.burst
        else:
            self._tokens = min(self.burst, self._tokens + (now - self._last) * self.rate)
        self._last = now

    def take(self, now: float) -> bool:
        self._refill(now)
        if self._tokens >= 1.0:
            self._tokens -= 1.0
            return True
        return False

    def wait_time(self, now: float) -> float:
        """Seconds until the next start would be allowed."""
        self._refill(now)
        return 0.0 if self._tokens >= 1.0 else (1.0 - self._tokens) / self.rate
