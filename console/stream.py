"""Server-Sent Events for the console and the wallboard, fed by Redis pub/sub.

A stream subscribes first and then sends the current snapshot, so nothing
published in between is lost; after that every pub/sub message becomes an
event with an id, a comment line keeps proxies and the browser's
connection alive every `heartbeat` seconds, and the `retry:` hint tells the
browser how soon to reconnect.  A stream ends after `max_seconds` (the
browser reconnects at once and gets a fresh snapshot), so no thread is held
forever by a client that vanished without a TCP reset.
"""
from __future__ import annotations

import itertools
import json
import time
from typing import Callable, Iterator

import redis

RETRY_MS = 2000


def sse_event(data: dict, event: str | None = None, event_id: str | None = None) -> str:
    """One SSE event; the JSON is on one line, so no `data:` splitting is needed."""
    lines = []
    if event_id is not None:
        lines.append(f"id: {event_id}")
    if event:
        lines.append(f"event: {event}")
    lines.append("data: " + json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=str))
    return "\n".join(lines) + "\n\n"


def sse_comment(text: str) -> str:
    return f": {text}\n\n"


def _ids(start: float) -> Iterator[str]:
    # Ids grow across reconnects (they start from the connect time in ms), so
    # a browser's Last-Event-ID is always older than anything sent after it.
    base = int(start * 1000)
    for n in itertools.count(1):
        yield f"{base}-{n}"


def event_stream(client: redis.Redis, channels: list[str], patterns: list[str],
                 snapshot: Callable[[], list[tuple[str, dict]]],
                 accept: Callable[[str, dict], tuple[str, dict] | None],
                 heartbeat: float = 15.0, max_seconds: float = 300.0,
                 clock: Callable[[], float] = time.monotonic) -> Iterator[str]:
    """Yield SSE text: the retry hint, the snapshot events, then each message
    of the channels/patterns that `accept(channel, payload)` turns into an
    (event name, data) pair (None drops it)."""
    pubsub = client.pubsub(ignore_subscribe_messages=True)
    try:
        if channels:
            pubsub.subscribe(*channels)
        if patterns:
            pubsub.psubscribe(*patterns)
        ids = _ids(time.time())
        started = last_sent = clock()
        out = [f"retry: {RETRY_MS}\n\n"]
        for name, data in snapshot():
            out.append(sse_event(data, name, next(ids)))
        yield "".join(out)
        while clock() - started < max_seconds:
            message = pubsub.get_message(timeout=min(1.0, heartbeat))
            if message is not None and message.get("type") in ("message", "pmessage"):
                try:
                    payload = json.loads(message["data"])
                except (TypeError, ValueError):
                    payload = None
                if isinstance(payload, dict):
                    accepted = accept(message["channel"], payload)
                    if accepted is not None:
                        yield sse_event(accepted[1], accepted[0], next(ids))
                        last_sent = clock()
                        continue
            if clock() - last_sent >= heartbeat:
                yield sse_comment("heartbeat")
                last_sent = clock()
    finally:
        pubsub.close()
