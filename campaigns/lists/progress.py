"""Live progress of an import in Redis, for cheap polling by the page and the
API while the import's own transaction is still open (the batch row only
gets its final figures when that transaction commits), and the cancel flag."""
from __future__ import annotations

from datetime import datetime

import redis

TTL = 7 * 24 * 3600


def progress_key(batch_id: int) -> str:
    return f"import:{batch_id}:progress"


def cancel_key(batch_id: int) -> str:
    return f"import:{batch_id}:cancel"


def publish(client: redis.Redis | None, batch_id: int, **values) -> None:
    if client is None:
        return
    key = progress_key(batch_id)
    client.hset(key, mapping={k: ("" if v is None else str(v)) for k, v in values.items()})
    client.expire(key, TTL)


def read(client: redis.Redis | None, batch_id: int) -> dict:
    if client is None:
        return {}
    raw = client.hgetall(progress_key(batch_id))
    out: dict = {}
    for k, v in raw.items():
        k = k.decode() if isinstance(k, bytes) else k
        v = v.decode() if isinstance(v, bytes) else v
        out[k] = int(v) if v.lstrip("-").isdigit() else v
    return out


def request_cancel(client: redis.Redis, batch_id: int) -> None:
    client.set(cancel_key(batch_id), "1", ex=TTL)


def cancel_requested(client: redis.Redis | None, batch_id: int) -> bool:
    return bool(client is not None and client.exists(cancel_key(batch_id)))


def eta_seconds(rows_done: int, rows_total: int | None, started_at: datetime | None, now: datetime) -> float | None:
    """Time left at the rate so far; None until there is a rate to go by."""
    if not rows_total or not started_at or rows_done <= 0:
        return None
    elapsed = (now - started_at).total_seconds()
    if elapsed <= 0:
        return None
    return max(0.0, (rows_total - rows_done) * elapsed / rows_done)
