"""Live state shared through Redis between web, pods and workers.

Keys and channels are named here once.  Pods read `campaign:<id>:state` on
every tick (a GET every few hundred ms), so a stop or pause is obeyed within
a second even if a pub/sub message is missed; browsers get the pub/sub
messages through Server-Sent Events.
"""
from __future__ import annotations

import json
from datetime import datetime

import redis

CAMPAIGN_EVENTS = "events:campaign"  # state changes, settings changes
DNC_EVENTS = "events:dnc"  # numbers added to or removed from a DNC list
AGENT_EVENTS = "events:agent"  # agent state changes, screen pops (per agent channel below)
CALL_EVENTS = "events:call"  # calls placed, answered, bridged, ended


def campaign_state_key(campaign_id: int) -> str:
    return f"campaign:{campaign_id}:state"


def agent_channel(agent_id: int) -> str:
    return f"events:agent:{agent_id}"


def publish(client: redis.Redis, channel: str, payload: dict) -> None:
    client.publish(channel, json.dumps(payload, ensure_ascii=False, default=_default))


def publish_campaign_state(client: redis.Redis, campaign_id: int, state: str, at: datetime) -> None:
    """Record the campaign's state where pods look for it, then announce it."""
    client.set(campaign_state_key(campaign_id), state)
    publish(client, CAMPAIGN_EVENTS, {"type": "state", "campaign_id": campaign_id, "state": state, "at": at})


def campaign_state(client: redis.Redis, campaign_id: int) -> str | None:
    return client.get(campaign_state_key(campaign_id))


def _default(value):
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


# ---------------------------------------------------------------------------
# Live state of agents, calls and pods (written by pods, read by the web).
# docs/live-state.md describes every key and message.

PODS = "pods"  # SET of pod ids alive
POD_EVENTS = "events:pods"  # login requests and other site-wide notices for pods
LIVE_CALLS = "calls:live"  # HASH attempt uuid -> JSON of a call in progress


def pod_status_key(pod_id: str) -> str:
    return f"pod:{pod_id}:status"


def pod_commands_key(pod_id: str) -> str:
    return f"pod:{pod_id}:commands"


def agent_live_key(agent_id: int) -> str:
    return f"agent:{agent_id}:live"


def agent_pod_key(agent_id: int) -> str:
    return f"agent:{agent_id}:pod"


def agent_wanted_key(agent_id: int) -> str:
    return f"agent:{agent_id}:wanted"


def campaign_stats_key(campaign_id: int) -> str:
    return f"campaign:{campaign_id}:stats"


def send_agent_command(client: redis.Redis, agent_id: int, command: dict) -> str | None:
    """Queue a command from the agent's console for the pod holding the agent's
    softphone leg; returns the pod id, or None when the agent is on no pod."""
    pod_id = client.get(agent_pod_key(agent_id))
    if not pod_id:
        return None
    client.rpush(pod_commands_key(pod_id), json.dumps({**command, "agent_id": agent_id}, ensure_ascii=False,
                                                      default=_default))
    return pod_id


def agent_live(client: redis.Redis, agent_id: int) -> dict:
    return client.hgetall(agent_live_key(agent_id))
