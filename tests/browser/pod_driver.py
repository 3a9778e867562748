"""A "pod side" for console tests: publishes into Redis exactly what a dialer
pod publishes (docs/live-state.md, the same shapes as dialer/pod/live.py)
and consumes `pod:<pod>:commands` like a pod, so the console and the
wallboard can be driven without SIP.

`PodDriver` is the interface the browser tests use (`connect_agent`,
`bridge_call`, `end_call`, `offer_preview`, `commands`, ...).  A driver for
the real pod with the carrier and softphone simulators can offer the same
methods and replace this one in the `pod` fixture of tests/browser/conftest.py.
"""
from __future__ import annotations

import json
import threading
import time
import uuid as uuidlib
from datetime import datetime, timezone

from core import events
from core.db import db
from dialer import abandon

POD_ID = "pod-test"
SIP = "sip:dialer@127.0.0.1:5080"


class PodDriver:
    def __init__(self, redis, pod_id: str = POD_ID, sip: str = SIP, wrapup_seconds: float = 30.0):
        self.r = redis
        self.pod_id = pod_id
        self.sip = sip
        self.wrapup_seconds = wrapup_seconds
        self.agents: dict[int, dict] = {}
        self.calls: dict[str, dict] = {}
        self.received: list[dict] = []
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.RLock()

    # -- pod status -------------------------------------------------------
    def heartbeat(self) -> None:
        key = events.pod_status_key(self.pod_id)
        pipe = self.r.pipeline()
        pipe.sadd(events.PODS, self.pod_id)
        pipe.hset(key, mapping={"heartbeat": f"{time.time():.3f}", "calls": len(self.calls), "limit": 20,
                                "agents": len(self.agents), "campaigns": json.dumps(sorted(
                                    {a["campaign_id"] for a in self.agents.values() if a["campaign_id"]})),
                                "sip": self.sip})
        pipe.expire(key, 15)
        for agent_id in self.agents:
            pipe.set(events.agent_pod_key(agent_id), self.pod_id, ex=30)
        pipe.execute()

    def campaign_stats(self, campaign_id: int, **stats) -> None:
        fields = {f"{self.pod_id}:{k}": v for k, v in stats.items()}
        fields["updated"] = f"{time.time():.3f}"
        self.r.hset(events.campaign_stats_key(campaign_id), mapping=fields)

    # -- agents -----------------------------------------------------------
    def connect_agent(self, agent_id: int, campaign_id: int | None = None, state: str = "paused",
                      reason: str | None = "login") -> None:
        """The agent's softphone identified itself (PIN) or answered the pod's call."""
        if campaign_id is None:
            wanted = json.loads(self.r.get(events.agent_wanted_key(agent_id)) or "{}")
            campaign_id = wanted.get("campaign_id")
        with self._lock:
            self.agents[agent_id] = {"state": state, "reason": reason, "since": time.time(),
                                     "campaign_id": campaign_id, "attempt_uuid": None,
                                     "wrapup_deadline": None, "lead_id": None}
        self.heartbeat()
        self._publish_agent(agent_id)

    def disconnect_agent(self, agent_id: int) -> None:
        with self._lock:
            self.agents[agent_id]["state"] = "offline"
            self._publish_agent(agent_id, softphone="disconnected")
            del self.agents[agent_id]

    def set_state(self, agent_id: int, state: str, reason: str | None = None, **extra) -> None:
        with self._lock:
            a = self.agents[agent_id]
            a.update(state=state, reason=reason, since=time.time(), **extra)
            if state not in ("talking", "wrapup"):
                a["attempt_uuid"] = None
                a["wrapup_deadline"] = None
            if state != "preview":
                a["lead_id"] = None
        self._publish_agent(agent_id)

    def _publish_agent(self, agent_id: int, softphone: str = "connected") -> None:
        a = self.agents[agent_id]
        live = {"state": a["state"] if softphone == "connected" else "offline", "reason": a["reason"] or "",
                "since": f"{a['since']:.3f}", "campaign_id": a["campaign_id"] or "", "pod_id": self.pod_id,
                "softphone": softphone, "attempt_uuid": a["attempt_uuid"] or "",
                "wrapup_deadline": f"{a['wrapup_deadline']:.3f}" if a["wrapup_deadline"] else "",
                "lead_id": a["lead_id"] or ""}
        pipe = self.r.pipeline()
        pipe.delete(events.agent_live_key(agent_id))
        pipe.hset(events.agent_live_key(agent_id), mapping=live)
        if softphone == "connected":
            pipe.set(events.agent_pod_key(agent_id), self.pod_id, ex=30)
        else:
            pipe.delete(events.agent_pod_key(agent_id))
        pipe.publish(events.agent_channel(agent_id),
                     json.dumps({"type": "state", "agent_id": agent_id, **live}))
        pipe.execute()

    # -- calls ------------------------------------------------------------
    def bridge_call(self, agent_id: int, lead_id: int, phone: str | None = None) -> str:
        """A person answered a call to the lead and was bridged to the agent:
        the attempt row as the pod writes it, then the live state and events."""
        from campaigns.models import Campaign, Lead
        from dialer.models import CallAttempt

        attempt_uuid = str(uuidlib.uuid4())
        now = datetime.now(timezone.utc)
        with db.transaction() as s:
            lead = s.get(Lead, lead_id)
            campaign = s.get(Campaign, lead.campaign_id)
            s.add(CallAttempt(uuid=attempt_uuid, campaign_id=campaign.id, lead_id=lead.id,
                              phone_e164=phone or lead.phone_e164, pod_id=self.pod_id, agent_id=agent_id,
                              script_version_id=campaign.script_version_id, dial_mode=campaign.dial_mode,
                              dialed_at=now, answered_at=now, bridged_at=now, amd_result="HUMAN"))
            campaign_id, number = campaign.id, phone or lead.phone_e164
        at = time.time()
        abandon.record_answer(self.r, campaign_id, attempt_uuid, at)
        with self._lock:
            self.calls[attempt_uuid] = {"campaign_id": campaign_id, "agent_id": agent_id, "lead_id": lead_id,
                                        "phone": number, "since": at}
        self.r.hset(events.LIVE_CALLS, attempt_uuid, json.dumps({
            "campaign_id": campaign_id, "agent_id": agent_id, "pod_id": self.pod_id,
            "phone": number[:5] + "****" + number[-3:], "state": "bridged", "since": at, "lead_id": lead_id}))
        events.publish(self.r, events.CALL_EVENTS, {"event": "bridged", "attempt_uuid": attempt_uuid,
                                                    "campaign_id": campaign_id, "agent_id": agent_id,
                                                    "outcome": "human", "at": at, "pod_id": self.pod_id})
        self.set_state(agent_id, "talking", None, attempt_uuid=attempt_uuid)
        events.publish(self.r, events.agent_channel(agent_id), {
            "type": "call", "event": "bridged", "attempt_uuid": attempt_uuid, "lead_id": lead_id,
            "campaign_id": campaign_id, "at": at})
        return attempt_uuid

    def end_call(self, attempt_uuid: str, hangup_by: str = "customer") -> None:
        """The call ended: the agent goes to wrap-up until the web's wrapup_done."""
        from dialer.models import CallAttempt
        from sqlalchemy import update

        with self._lock:
            call = self.calls.pop(attempt_uuid, None)
        if call is None:
            return
        now = datetime.now(timezone.utc)
        with db.transaction() as s:
            s.execute(update(CallAttempt).where(CallAttempt.uuid == attempt_uuid).values(
                ended_at=now, outcome="human", hangup_by=hangup_by,
                talk_seconds=round(time.time() - call["since"], 2)))
        at = time.time()
        self.r.hdel(events.LIVE_CALLS, attempt_uuid)
        events.publish(self.r, events.CALL_EVENTS, {"event": "ended", "attempt_uuid": attempt_uuid,
                                                    "campaign_id": call["campaign_id"],
                                                    "agent_id": call["agent_id"], "outcome": "human",
                                                    "at": at, "pod_id": self.pod_id})
        agent_id = call["agent_id"]
        self.set_state(agent_id, "wrapup", None, attempt_uuid=attempt_uuid,
                       wrapup_deadline=at + self.wrapup_seconds)
        events.publish(self.r, events.agent_channel(agent_id), {
            "type": "call", "event": "ended", "attempt_uuid": attempt_uuid, "lead_id": call["lead_id"],
            "campaign_id": call["campaign_id"], "at": at})

    def offer_preview(self, agent_id: int, lead_id: int) -> None:
        a = self.agents[agent_id]
        self.set_state(agent_id, "preview", None, lead_id=lead_id)
        events.publish(self.r, events.agent_channel(agent_id),
                       {"type": "preview", "lead_id": lead_id, "campaign_id": a["campaign_id"]})

    # -- commands -----------------------------------------------------------
    def commands(self) -> list[dict]:
        """Take the commands queued for this pod (as the pod's loop does)."""
        out = []
        while True:
            raw = self.r.lpop(events.pod_commands_key(self.pod_id))
            if raw is None:
                return out
            out.append(json.loads(raw))

    def handle(self, command: dict) -> None:
        """What a pod does with a console command, as far as the live state shows."""
        self.received.append(command)
        agent_id = command.get("agent_id")
        if agent_id not in self.agents:
            return
        cmd = command.get("cmd")
        a = self.agents[agent_id]
        if cmd == "ready" and a["state"] in ("paused", "ready", "preview"):
            self.set_state(agent_id, "ready")
        elif cmd == "pause" and a["state"] in ("ready", "paused", "preview"):
            self.set_state(agent_id, "paused", command.get("reason"))
        elif cmd == "hangup" and a["state"] == "talking":
            self.end_call(a["attempt_uuid"], hangup_by="agent")
        elif (cmd == "wrapup_done" and a["state"] == "wrapup"
              and a["attempt_uuid"] == command.get("attempt_uuid")):
            if command.get("next") == "pause":
                self.set_state(agent_id, "paused", command.get("reason"))
            else:
                self.set_state(agent_id, "ready")
        elif cmd == "logout":
            self.disconnect_agent(agent_id)

    def serve(self, interval: float = 0.05) -> "PodDriver":
        """Consume commands in a thread until `stop()`, like the pod's tick."""
        def loop():
            while not self._stop.is_set():
                for command in self.commands():
                    self.handle(command)
                self._stop.wait(interval)

        self._thread = threading.Thread(target=loop, name="pod-driver", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2)
