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
