"""The event streams: retry hint and snapshot first (subscribed before the
snapshot, so nothing is lost), pub/sub messages as events with growing ids,
heartbeat comments, an end after the longest allowed time; the agent's
stream carries only its own channel."""
from __future__ import annotations

import json
import time

import pytest

from console.stream import event_stream, sse_comment, sse_event


def parse(chunk: str) -> list[dict]:
    """SSE text → [{"id", "event", "data"} or {"comment"} or {"retry"}]."""
    out = []
    for block in chunk.split("\n\n"):
        if not block:
            continue
        item: dict = {}
        for line in block.split("\n"):
            if line.startswith(":"):
                item["comment"] = line[1:].strip()
            else:
                key, _, value = line.partition(": ")
                item[key] = json.loads(value) if key == "data" else value
        out.append(item)
    return out


def test_event_text_shapes():
    assert sse_event({"a": "中"}, "state", "1-1") == 'id: 1-1\nevent: state\ndata: {"a":"中"}\n\n'
    assert sse_comment("heartbeat") == ": heartbeat\n\n"


def test_snapshot_then_messages_then_heartbeat_then_end(redis_client):
    stream = event_stream(redis_client, ["events:agent:7"], [], lambda: [("state", {"state": "ready"})],
                          lambda channel, p: (p.get("type"), p) if p.get("type") else None,
                          heartbeat=0.3, max_seconds=2.0)
    first = parse(next(stream))
    assert first[0] == {"retry": "2000"}
    assert first[1]["event"] == "state" and first[1]["data"] == {"state": "ready"}
    redis_client.publish("events:agent:7", json.dumps({"type": "call", "event": "bridged"}))
    redis_client.publish("events:agent:7", "not json")
    redis_client.publish("events:agent:7", json.dumps({"no": "type"}))
    second = parse(next(stream))
    assert second[0]["event"] == "call" and second[0]["data"]["event"] == "bridged"
    assert second[0]["id"] > first[1]["id"]
    started = time.monotonic()
    assert parse(next(stream)) == [{"comment": "heartbeat"}]
    assert time.monotonic() - started < 1.5
    rest = list(stream)  # ends by itself after max_seconds
    assert all(item == {"comment": "heartbeat"} for chunk in rest for item in parse(chunk))
    assert redis_client.pubsub_numsub("events:agent:7")[0][1] == 0  # unsubscribed


def test_nothing_published_between_subscribe_and_snapshot_is_lost(redis_client):
    def snapshot():
        # a pod publishes while the snapshot is being read
        redis_client.publish("events:agent:8", json.dumps({"type": "state", "state": "talking"}))
        return [("state", {"state": "ready"})]

    stream = event_stream(redis_client, ["events:agent:8"], [], snapshot, lambda c, p: (p["type"], p),
                          heartbeat=5, max_seconds=3)
    next(stream)
    assert parse(next(stream))[0]["data"]["state"] == "talking"
    stream.close()


@pytest.fixture
def short_streams(app):
    saved = {k: app.config.get(k) for k in ("CONSOLE_SSE_HEARTBEAT", "CONSOLE_SSE_MAX_SECONDS")}
    app.config.update(CONSOLE_SSE_HEARTBEAT=0.5, CONSOLE_SSE_MAX_SECONDS=3)
    yield
    for key, value in saved.items():
        if value is None:
            app.config.pop(key, None)
        else:
            app.config[key] = value


def collect(chunks, until, timeout=4.0) -> list[dict]:
    """Parsed items from a streamed response until `until(items)` (heartbeats keep it moving)."""
    items: list[dict] = []
    deadline = time.monotonic() + timeout
    for chunk in chunks:
        items.extend(parse(chunk.decode() if isinstance(chunk, bytes) else chunk))
        if until(items) or time.monotonic() > deadline:
            break
    return items


def test_agent_stream_through_the_api(as_role, world, pod, redis_client, short_streams):
    pod.connect_agent(world.agent.id, world.campaign.id, state="paused", reason="break")
    pod.connect_agent(world.other.id, world.campaign.id, state="ready")
    agent = as_role("agent")
    response = agent.client.get("/api/v1/console/stream", buffered=False)
    assert response.status_code == 200
    assert response.mimetype == "text/event-stream"
    assert response.headers["Cache-Control"] == "no-cache"
    chunks = iter(response.response)
    first = parse(next(chunks).decode())
    assert first[0] == {"retry": "2000"}
    snapshot = first[1]
    assert snapshot["event"] == "state" and snapshot["id"]
    assert snapshot["data"]["state"] == "paused" and snapshot["data"]["reason"] == "break"
    assert snapshot["data"]["connected"] is True and snapshot["data"]["agent_id"] == world.agent.id

    pod.bridge_call(world.other.id, world.lead2.id)  # another agent's call: not on this stream
    uuid = pod.bridge_call(world.agent.id, world.lead.id)
    items = collect(chunks, lambda got: any(i.get("event") == "call" for i in got))
    named = [i for i in items if "event" in i]
    assert [i["event"] for i in named] == ["state", "call"]
    assert named[0]["data"]["state"] == "talking" and named[0]["data"]["attempt_uuid"] == uuid
    assert named[1]["data"]["event"] == "bridged" and named[1]["data"]["attempt_uuid"] == uuid
    assert isinstance(named[1]["data"]["at"], float)
    ids = [snapshot["id"]] + [i["id"] for i in named]
    assert ids == sorted(ids, key=lambda x: int(x.split("-")[1]))
    assert collect(chunks, lambda got: any("comment" in i for i in got))[-1] == {"comment": "heartbeat"}
    response.close()


def test_a_reconnect_starts_with_the_current_call(as_role, world, pod, short_streams):
    """A reload mid-call: the new stream's first event already names the call."""
    pod.connect_agent(world.agent.id, world.campaign.id, state="ready")
    uuid = pod.bridge_call(world.agent.id, world.lead.id)
    pod.end_call(uuid)
    response = as_role("agent").client.get("/api/v1/console/stream", buffered=False,
                                           headers={"Last-Event-ID": "1-5"})
    first = parse(next(iter(response.response)).decode())
    assert first[1]["data"]["state"] == "wrapup" and first[1]["data"]["attempt_uuid"] == uuid
    assert first[1]["data"]["wrapup_deadline"] > time.time()
    response.close()


def test_wallboard_stream_filters_to_the_supervisors_teams(as_role, world, pod, short_streams):
    pod.connect_agent(world.agent.id, world.campaign.id, state="ready")
    pod.connect_agent(world.outsider.id, world.foreign.id, state="ready")
    response = as_role("supervisor").client.get("/api/v1/console/wallboard/stream", buffered=False)
    assert response.status_code == 200
    chunks = iter(response.response)
    first = parse(next(chunks).decode())
    board = first[1]
    assert board["event"] == "wallboard"
    assert {a["username"] for a in board["data"]["agents"]} == {"agent1", "agent2"}
    pod.set_state(world.outsider.id, "paused", "break")
    pod.set_state(world.agent.id, "paused", "meal")
    items = collect(chunks, lambda got: any(i.get("event") == "agent" for i in got))
    agents = [i for i in items if i.get("event") == "agent"]
    assert [(a["data"]["agent_id"], a["data"]["state"]) for a in agents] == [(world.agent.id, "paused")]
    uuid = pod.bridge_call(world.agent.id, world.lead.id)
    items = collect(chunks, lambda got: any(i.get("event") == "call" for i in got))
    assert [i["data"]["attempt_uuid"] for i in items if i.get("event") == "call"] == [uuid]
    response.close()
