"""Abandon accounting per campaign, shared by every pod through Redis.

A person answer adds the attempt to `abandon:<c>:answers`, an abandoned call
to `abandon:<c>:abandons` (sorted sets scored by epoch seconds), so the rate
over any window (the UK's rolling 24 hours, the US's 30 days) is two ZCOUNTs.
"""
from __future__ import annotations

from dataclasses import dataclass

import redis

DAY = 86400.0
KEEP = 31 * DAY


def _keys(campaign_id: int) -> tuple[str, str]:
    return f"abandon:{campaign_id}:answers", f"abandon:{campaign_id}:abandons"


def record_answer(client: redis.Redis, campaign_id: int, attempt_uuid: str, at: float) -> None:
    answers, abandons = _keys(campaign_id)
    pipe = client.pipeline()
    pipe.zadd(answers, {attempt_uuid: at})
    pipe.zremrangebyscore(answers, "-inf", at - KEEP)
    pipe.zremrangebyscore(abandons, "-inf", at - KEEP)
    pipe.execute()


def record_abandon(client: redis.Redis, campaign_id: int, attempt_uuid: str, at: float) -> None:
    client.zadd(_keys(campaign_id)[1], {attempt_uuid: at})


@dataclass(frozen=True)
class AbandonRate:
    answers: int
    abandons: int

    @property
    def rate(self) -> float:
        return self.abandons / self.answers if self.answers else 0.0


def rate(client: redis.Redis, campaign_id: int, now: float, window_seconds: float) -> AbandonRate:
    answers, abandons = _keys(campaign_id)
    pipe = client.pipeline()
    pipe.zcount(answers, now - window_seconds, now)
    pipe.zcount(abandons, now - window_seconds, now)
    n_answers, n_abandons = pipe.execute()
    return AbandonRate(int(n_answers), int(n_abandons))


def at_cap(current: AbandonRate, cap: float, min_answers: int = 20) -> bool:
    """Over the cap, pacing falls back to progressive.  With very few answers
    one abandon is a large share: below `min_answers` we judge the count as if
    the window had `min_answers` answers, so the guard neither sleeps nor
    trips on the first call."""
    if current.abandons == 0:
        return False
    return current.abandons / max(current.answers, min_answers) >= cap
