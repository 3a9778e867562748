"""Screen-pop timing: the console reports, per bridged call, the time from
the pod's `bridged` event to the screen drawn; the figures are kept in a
capped Redis list and summarised as percentiles (the end-to-end test reads
the p99 against the 300 ms target)."""
from __future__ import annotations

import json

import redis

from console.rates import percentile

SCREEN_POP_KEY = "console:screen_pop_ms"
KEEP = 5000


def record_screen_pop(client: redis.Redis, agent_id: int, attempt_uuid: str, bridge_ms: float,
                      event_ms: float | None) -> None:
    pipe = client.pipeline()
    sample = {"agent_id": agent_id, "attempt_uuid": attempt_uuid, "bridge_to_render_ms": round(bridge_ms, 1),
              "event_to_render_ms": None if event_ms is None else round(event_ms, 1)}
    pipe.lpush(SCREEN_POP_KEY, json.dumps(sample))
    pipe.ltrim(SCREEN_POP_KEY, 0, KEEP - 1)
    pipe.execute()


def summary(client: redis.Redis) -> dict:
    samples = []
    for raw in client.lrange(SCREEN_POP_KEY, 0, KEEP - 1):
        try:
            samples.append(float(json.loads(raw)["bridge_to_render_ms"]))
        except (TypeError, ValueError, KeyError):
            continue
    return {"count": len(samples), "p50_ms": percentile(samples, 50), "p95_ms": percentile(samples, 95),
            "p99_ms": percentile(samples, 99), "max_ms": max(samples) if samples else None, "target_ms": 300}
