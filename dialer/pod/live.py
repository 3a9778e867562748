"""The pod's side of the live state in Redis (docs/live-state.md)."""
from __future__ import annotations

import json
import time

import redis

from core import events
from dialer.pod.state import AgentSlot, CallSlot

AGENT_POD_TTL = 30
POD_STATUS_TTL = 15


class LivePublisher:
    def __init__(self, client: redis.Redis, pod_id: str):
        self.r = client
        self.pod_id = pod_id

    def agent(self, a: AgentSlot, softphone: str = "connected") -> None:
        live = {
            "state": a.state if softphone == "connected" else "offline",
            "reason": a.reason or "",
            "since": f"{a.since_wall:.3f}",
            "campaign_id": a.campaign_id or "",
            "pod_id": self.pod_id,
            "softphone": softphone,
            "attempt_uuid": a.call_uuid or "",
            "wrapup_deadline": f"{a.wrapup_deadline_wall:.3f}" if a.wrapup_deadline else "",
            "lead_id": a.preview_lead_id or "",
        }
        pipe = self.r.pipeline()
        pipe.delete(events.agent_live_key(a.agent_id))
        pipe.hset(events.agent_live_key(a.agent_id), mapping=live)
        if softphone == "connected":
            pipe.set(events.agent_pod_key(a.agent_id), self.pod_id, ex=AGENT_POD_TTL)
        else:
            pipe.delete(events.agent_pod_key(a.agent_id))
        pipe.publish(events.agent_channel(a.agent_id), json.dumps({"type": "state", "agent_id": a.agent_id, **live}))
        pipe.execute()

    def agent_event(self, agent_id: int, payload: dict) -> None:
        self.r.publish(events.agent_channel(agent_id), json.dumps(payload, ensure_ascii=False, default=str))

    def call(self, c: CallSlot, event: str, at: float, outcome: str | None = None) -> None:
        pipe = self.r.pipeline()
        if event == "ended":
            pipe.hdel(events.LIVE_CALLS, c.uuid)
        else:
            pipe.hset(events.LIVE_CALLS, c.uuid, json.dumps({
                "campaign_id": c.campaign_id, "agent_id": c.agent_id, "pod_id": self.pod_id,
                "phone": mask(c.phone), "state": c.state, "since": at, "lead_id": c.lead_id}))
        pipe.publish(events.CALL_EVENTS, json.dumps({
            "event": event, "attempt_uuid": c.uuid, "campaign_id": c.campaign_id, "agent_id": c.agent_id,
            "outcome": outcome, "at": at, "pod_id": self.pod_id}))
        pipe.execute()

    def heartbeat(self, calls: int, limit: int, agents: list[AgentSlot], campaigns: list[int], sip: str) -> None:
        now = time.time()
        key = events.pod_status_key(self.pod_id)
        pipe = self.r.pipeline()
        pipe.sadd(events.PODS, self.pod_id)
        pipe.hset(key, mapping={"heartbeat": f"{now:.3f}", "calls": calls, "limit": limit, "agents": len(agents),
                                "campaigns": json.dumps(campaigns), "sip": sip})
        pipe.expire(key, POD_STATUS_TTL)
        for a in agents:
            pipe.set(events.agent_pod_key(a.agent_id), self.pod_id, ex=AGENT_POD_TTL)
        pipe.execute()

    def campaign_stats(self, campaign_id: int, stats: dict) -> None:
        key = events.campaign_stats_key(campaign_id)
        fields = {f"{self.pod_id}:{k}": v for k, v in stats.items()}
        fields["updated"] = f"{time.time():.3f}"
        self.r.hset(key, mapping=fields)
        self.r.expire(key, 120)

    def gone(self, agents: list[AgentSlot]) -> None:
        pipe = self.r.pipeline()
        pipe.srem(events.PODS, self.pod_id)
        pipe.delete(events.pod_status_key(self.pod_id))
        for a in agents:
            pipe.delete(events.agent_pod_key(a.agent_id))
        pipe.execute()


def mask(phone: str) -> str:
    """Wallboards show numbers masked: the middle digits hidden."""
    if len(phone) < 8:
        return phone
    return phone[:5] + "****" + phone[-3:]
