"""The console's side of the live state in Redis (docs/live-state.md):
reading what pods publish about an agent, the calls and the pods, and
writing what the web may write (the agent's wanted campaign, login
requests, commands).  Keys come from core/events.py only."""
from __future__ import annotations

import json

import redis

from core import events

LIVE_FIELDS = ("state", "reason", "since", "campaign_id", "pod_id", "softphone", "attempt_uuid",
               "wrapup_deadline", "lead_id")


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _float(value) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def normalise_live(raw: dict) -> dict:
    """The `agent:<id>:live` hash (all strings) as typed values; an agent no
    pod has published is offline and disconnected."""
    return {
        "state": raw.get("state") or "offline",
        "reason": raw.get("reason") or None,
        "since": _float(raw.get("since")),
        "campaign_id": _int(raw.get("campaign_id")),
        "pod_id": raw.get("pod_id") or None,
        "softphone": raw.get("softphone") or "disconnected",
        "attempt_uuid": raw.get("attempt_uuid") or None,
        "wrapup_deadline": _float(raw.get("wrapup_deadline")),
        "lead_id": _int(raw.get("lead_id")),
    }


def agent_snapshot(client: redis.Redis, agent_id: int) -> dict:
    """What the console shows first on (re)connect: the live hash, and whether
    a pod holds the agent's softphone leg right now."""
    pipe = client.pipeline()
    pipe.hgetall(events.agent_live_key(agent_id))
    pipe.get(events.agent_pod_key(agent_id))
    raw, pod = pipe.execute()
    live = normalise_live(raw)
    live["connected"] = bool(pod) and live["softphone"] == "connected"
    live["agent_id"] = agent_id
    return live


def agents_snapshot(client: redis.Redis, agent_ids: list[int]) -> dict[int, dict]:
    pipe = client.pipeline()
    for agent_id in agent_ids:
        pipe.hgetall(events.agent_live_key(agent_id))
        pipe.get(events.agent_pod_key(agent_id))
    replies = pipe.execute()
    out = {}
    for n, agent_id in enumerate(agent_ids):
        live = normalise_live(replies[2 * n])
        live["connected"] = bool(replies[2 * n + 1]) and live["softphone"] == "connected"
        live["agent_id"] = agent_id
        out[agent_id] = live
    return out


def live_calls(client: redis.Redis) -> list[dict]:
    """The calls in progress (`calls:live`), each with its attempt uuid."""
    out = []
    for uuid, raw in client.hgetall(events.LIVE_CALLS).items():
        try:
            call = json.loads(raw)
        except (TypeError, ValueError):
            continue
        if not isinstance(call, dict):
            continue
        call["attempt_uuid"] = uuid
        call["agent_id"] = _int(call.get("agent_id"))
        call["campaign_id"] = _int(call.get("campaign_id"))
        call["since"] = _float(call.get("since"))
        out.append(call)
    out.sort(key=lambda c: c["since"] or 0)
    return out


def live_call(client: redis.Redis, attempt_uuid: str) -> dict | None:
    raw = client.hget(events.LIVE_CALLS, attempt_uuid)
    if not raw:
        return None
    try:
        call = json.loads(raw)
    except (TypeError, ValueError):
        return None
    if not isinstance(call, dict):
        return None
    call["attempt_uuid"] = attempt_uuid
    call["agent_id"] = _int(call.get("agent_id"))
    return call


def pod_sip_addresses(client: redis.Redis) -> list[str]:
    """The SIP addresses of the pods alive now: where a softphone registers
    and dials in with the agent's PIN."""
    pods = sorted(client.smembers(events.PODS))
    if not pods:
        return []
    pipe = client.pipeline()
    for pod in pods:
        pipe.hget(events.pod_status_key(pod), "sip")
    return sorted({sip for sip in pipe.execute() if sip})


def live_pods(client: redis.Redis) -> set[str]:
    """Pods whose status has not expired (a dead pod's hash is gone after 15 s)."""
    pods = sorted(client.smembers(events.PODS))
    if not pods:
        return set()
    pipe = client.pipeline()
    for pod in pods:
        pipe.exists(events.pod_status_key(pod))
    return {pod for pod, alive in zip(pods, pipe.execute()) if alive}


def wanted(client: redis.Redis, agent_id: int) -> dict | None:
    raw = client.get(events.agent_wanted_key(agent_id))
    if not raw:
        return None
    try:
        value = json.loads(raw)
    except (TypeError, ValueError):
        return None
    return value if isinstance(value, dict) else None


def set_wanted(client: redis.Redis, agent_id: int, campaign_id: int, method: str,
               softphone_uri: str | None) -> None:
    """Record the campaign the agent picked where pods look for it, and for a
    pod-calls login ask the pods to claim the agent and call the softphone."""
    client.set(events.agent_wanted_key(agent_id),
               json.dumps({"campaign_id": campaign_id, "method": method, "softphone_uri": softphone_uri}))
    if method == "pod_calls":
        events.publish(client, events.POD_EVENTS, {"type": "login_request", "agent_id": agent_id})


def send_command(client: redis.Redis, agent_id: int, command: dict) -> str | None:
    """Queue a command for the agent's pod; None when no pod holds the agent."""
    return events.send_agent_command(client, agent_id, command)
