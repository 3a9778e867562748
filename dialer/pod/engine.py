"""The pod's engine: one loop that reads like RQ's scheduler.

    handle SIP events → run console commands → tick(now) → sleep until the next poll

`tick` paces every campaign the pod's agents work on, takes leads from the
hopper, places calls with the campaign's caller ID, bridges each person to the
longest-idle ready agent (or plays the safe-harbour message and records an
abandoned call after 2 s), and keeps the live state in Redis.  Every dial is a
call-attempt row from the moment it is placed, so a pod that dies loses no
record: its open rows are closed as interrupted by the sweeper.
"""
from __future__ import annotations

import json
import logging
import os
import time
import uuid as uuidlib
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from core import events
from core.clock import utcnow
from dialer import abandon
from dialer.hopper import Hopper
from dialer.pacing import PacingEvent, make_pacer
from dialer.pod import store
from dialer.pod.live import LivePublisher
from dialer.pod.state import AgentSlot, CallSlot, longest_idle_ready, snapshot
from telephony.port import (
    AgentConnected, AgentDisconnected, AgentIdentified, AmdDecided, BridgeConnected, LegAnswered, LegEnded,
    LegKind, LegRinging, NoCapacity, PromptEnded, RateLimited, RecordingFinished, TrunkRegistration,
)

log = logging.getLogger("dialer.pod")

PACE_EVERY = 0.2  # seconds between pacing decisions
HEARTBEAT_EVERY = 1.0
RELOAD_EVERY = 10.0
SWEEP_EVERY = 5.0
LEASE_SECONDS = 120.0
RESERVED_LEGS = 1  # kept free so an agent can always log in again or be called back


@dataclass
class PodSettings:
    pod_id: str
    default_trunk: str = "default"
    recordings_dir: str = "instance/recordings"
    centre_tz: str = "Asia/Shanghai"
    sip_address: str = ""
    default_safe_harbour: str | None = None


def wall(t_mono: float) -> float:
    """Epoch seconds of a monotonic timestamp (events carry monotonic times)."""
    return time.time() - (time.monotonic() - t_mono)


def as_dt(t_mono: float) -> datetime:
    return datetime.fromtimestamp(wall(t_mono), tz=timezone.utc)


class Pod:
    def __init__(self, port, redis_client, queue, settings: PodSettings):
        self.port = port
        self.r = redis_client
        self.queue = queue
        self.s = settings
        self.live = LivePublisher(redis_client, settings.pod_id)
        self.agents: dict[str, AgentSlot] = {}  # by leg
        self.calls: dict[str, CallSlot] = {}  # by leg
        self.calls_by_uuid: dict[str, CallSlot] = {}
        self.campaigns: dict[int, store.CampaignRuntime] = {}
        self.pacers: dict[int, object] = {}
        self.states: dict[int, str] = {}
        self.pending_monitors: dict[str, str] = {}  # monitor leg -> attempt uuid
        self.bridge_latencies: list[float] = []  # seconds from person known to bridge connected
        self.stopping = False
        self._next = {"pace": 0.0, "beat": 0.0, "reload": 0.0, "sweep": 0.0}
        self._retry_dial_at = 0.0

    # ------------------------------------------------------------------ loop
    def run(self, poll_ms: int = 10) -> None:
        self.port.start()
        self._heartbeat()  # announce at once: a restarted pod is back as soon as its endpoint is
        self._start_trunks()
        store_sweep = store.sweep_pod(self.s.pod_id, utcnow())  # what this pod id left behind
        if any(store_sweep.values()):
            log.warning("closed what a previous run of %s left open: %s", self.s.pod_id, store_sweep)
        log.info("pod %s up: %s calls at most", self.s.pod_id, self.port.call_limit)
        try:
            while not self.stopping:
                for event in self.port.poll(poll_ms):
                    self._safely(self.handle, event)
                self._safely(self.drain_commands)
                self._safely(self.tick, time.monotonic())
        finally:
            self.shutdown()

    def _safely(self, fn, *args) -> None:
        # One bad event or command must not take the pod (and its calls) down.
        try:
            fn(*args)
        except Exception:  # noqa: BLE001
            log.exception("error in %s", getattr(fn, "__name__", fn))

    def shutdown(self) -> None:
        now = utcnow()
        for agent in list(self.agents.values()):
            self.live.agent(agent, softphone="disconnected")
            if agent.session_id:
                store.end_session(agent.session_id, now, "pod_stopped")
        for call in list(self.calls.values()):
            store.close_attempt(call.attempt_id, "interrupted" if not call.bridged_at else "human", now,
                                hangup_by="dialer")
            self._release_lead(call)
        self.port.stop()
        self.live.gone(list(self.agents.values()))
        log.info("pod %s stopped", self.s.pod_id)

    def _start_trunks(self) -> None:
        self.trunk_names: dict[int, str] = {}
        for row in store.trunks():
            from telephony.config import FromMode, TrunkConfig

            mode = FromMode.TRUNK_USER if row.from_user_mode == "account" else FromMode.CALLER_ID
            try:
                self.port.add_trunk(TrunkConfig(
                    name=f"trunk-{row.id}", uri=row.uri, register=row.register, user=row.username,
                    password=row.password, from_mode=mode, send_pai=row.send_pai, send_rpid=row.send_rpid,
                    privacy=None if row.privacy == "none" else row.privacy,
                    extra_headers=tuple((row.extra_headers or {}).items())))
                self.trunk_names[row.id] = f"trunk-{row.id}"
            except Exception:  # noqa: BLE001 - a bad trunk row must not stop the others
                log.exception("trunk %s could not be added", row.name)

    # ------------------------------------------------------------------ tick
    def tick(self, now: float) -> None:
        if now >= self._next["beat"]:
            self._next["beat"] = now + HEARTBEAT_EVERY
            self._heartbeat()
        if now >= self._next["reload"]:
            self._next["reload"] = now + RELOAD_EVERY
            for cid in list(self.campaigns):
                self._load_campaign(cid)
        if now >= self._next["sweep"]:
            self._next["sweep"] = now + SWEEP_EVERY
            self._sweep_dead_pods()
        self._serve_waiting(now)
        if now >= self._next["pace"]:
            self._next["pace"] = now + PACE_EVERY
            for cid in self._served_campaigns():
                self._pace(cid, now)

    def _served_campaigns(self) -> list[int]:
        return sorted({a.campaign_id for a in self.agents.values() if a.campaign_id})

    def _campaign_state(self, cid: int) -> str:
        state = events.campaign_state(self.r, cid)
        if state is None:
            runtime = self.campaigns.get(cid)
            state = runtime.state if runtime else "draft"
        self.states[cid] = state
        return state

    def _pace(self, cid: int, now: float) -> None:
        runtime = self.campaigns.get(cid) or self._load_campaign(cid)
        if runtime is None:
            return
        state = self._campaign_state(cid)
        if state not in ("live", "trial"):
            return  # stopped, paused, draft...: no new calls; calls in progress finish
        trial = state == "trial"
        pacer = self.pacers[cid]
        rate = abandon.rate(self.r, cid, time.time(), runtime.abandon_window_s)
        pacer.set_abandon_state(rate.rate, abandon.at_cap(rate, runtime.abandon_cap))
        snap = snapshot(now, list(self.agents.values()), list(self.calls.values()), cid, trial_only=trial)
        want = pacer.calls_to_place(snap)
        self.live.campaign_stats(cid, {
            "agents_ready": snap.agents_ready, "agents_busy": snap.agents_busy,
            "calls_dialing": snap.calls_dialing, "calls_waiting": snap.calls_waiting,
            "dial_level": round((snap.calls_dialing + snap.calls_waiting + snap.agents_busy)
                                / max(snap.agents_ready + snap.agents_busy, 1), 2),
            "abandon_rate": round(rate.rate, 4)})
        hopper = Hopper(self.r, cid)
        agents_here = snap.agents_ready + snap.agents_busy
        low_water = max(5, int(agents_here * 3 * 2))
        if hopper.size() < low_water:
            from dialer.refill import request_refill

            request_refill(self.r, self.queue, cid, low_water * 2)
        if want <= 0 or now < self._retry_dial_at:
            return
        room = self.port.call_limit - self.port.active_legs - RESERVED_LEGS
        want = min(want, room)
        if trial:
            from campaigns.trial.service import trial_dials_left
            from core.db import db
            from campaigns.models import Campaign

            with db.transaction() as s:
                want = min(want, trial_dials_left(s, s.get(Campaign, cid)))
        if want <= 0:
            return
        for lead in hopper.take(self.s.pod_id, want, time.time(), LEASE_SECONDS):
            if not self._dial_lead(runtime, lead.lead_id, lead.phone_e164, trial, now):
                break

    def _dial_lead(self, runtime: store.CampaignRuntime, lead_id: int, phone: str, trial: bool, now: float,
                   manual_agent: AgentSlot | None = None) -> bool:
        """Place one call; False when the pod should stop dialling this round."""
        from core.db import db
        from campaigns.models import Campaign

        from dialer.refill import candidate_zones, gate_inputs, lead_view
        from dialer.eligibility import check
        from dialer.rules import DncView, History

        hopper = Hopper(self.r, runtime.id)
        utc_now = utcnow()
        with db.transaction() as s:
            campaign = s.get(Campaign, runtime.id)
            from campaigns.models import Lead

            lead = s.get(Lead, lead_id) if lead_id else None
            if lead is not None:
                # The gate again, at the last moment: DNC adds and closing windows since the refill.
                rules, dnc, hist = gate_inputs(s, campaign, [lead], utc_now, self.s.centre_tz)
                view = lead_view(lead, () if lead.timezone else candidate_zones(lead.phone_e164))
                decision = check(view, rules, dnc.get(lead.phone_e164, DncView()),
                                 hist.get(lead.phone_e164, History()), utc_now)
                if not decision.dial and not (manual_agent and decision.reason.value in ("CAMPAIGN_NOT_LIVE",)):
                    log.info("lead %s not dialled at take: %s", lead_id, decision.reason.value)
                    hopper.release(lead_id)
                    return True
            from campaigns.callerids.service import pick_caller_id

            chosen = pick_caller_id(s, campaign, utc_now, self.s.centre_tz, phone,
                                    lead.geo if lead is not None else None, redis=self.r)
        if chosen is None:
            log.warning("campaign %s has no usable caller ID; not dialling", runtime.id)
            if lead_id:
                hopper.release(lead_id)
                self._requeue(runtime.id, lead_id, phone)
            return False
        trunk = self.trunk_names.get(chosen.trunk_id) if chosen.trunk_id else None
        trunk = trunk or self.s.default_trunk
        call_uuid = str(uuidlib.uuid4())
        try:
            # originate only queues the INVITE for the next poll of this thread,
            # so the attempt row below is always written before the call exists.
            leg = self.port.originate(trunk, phone, chosen.number, ring_timeout_s=runtime.ring_timeout,
                                      amd=runtime.amd_enabled and manual_agent is None)
        except (NoCapacity, RateLimited) as exc:
            self._retry_dial_at = now + getattr(exc, "retry_after", 0.5)
            if lead_id:
                hopper.release(lead_id)
                self._requeue(runtime.id, lead_id, phone)
            return False
        attempt_id = store.open_attempt(
            uuid=call_uuid, campaign_id=runtime.id, lead_id=lead_id or None, phone=phone, caller_id_id=chosen.id,
            caller_id_number=chosen.number, trunk_id=chosen.trunk_id, pod_id=self.s.pod_id,
            script_version_id=runtime.script_version_id, dial_mode="manual" if manual_agent else runtime.dial_mode,
            is_trial=trial, now=utc_now, agent_id=manual_agent.agent_id if manual_agent else None)
        call = CallSlot(uuid=call_uuid, attempt_id=attempt_id, campaign_id=runtime.id, lead_id=lead_id or None,
                        phone=phone, leg=leg, dialed_at=now, manual=manual_agent is not None, is_trial=trial)
        self.calls[leg] = call
        self.calls_by_uuid[call_uuid] = call
        if manual_agent is None:
            self.pacers[runtime.id].observe(PacingEvent("dialed", now))
        else:
            call.agent_id = manual_agent.agent_id
            self._set_agent(manual_agent, "talking", None, attempt_id=attempt_id, call_uuid=call_uuid)
        self.live.call(call, "dialing", wall(now))
        return True

    def _requeue(self, cid: int, lead_id: int, phone: str) -> None:
        Hopper(self.r, cid).push([(lead_id, phone, 0.5)])

    # ------------------------------------------------------------ SIP events
    def handle(self, ev) -> None:
        if isinstance(ev, LegRinging):
            call = self.calls.get(ev.leg)
            if call and call.ring_at is None:
                call.ring_at = ev.at
                call.state = "ringing"
                store.update_attempt(call.attempt_id, ring_at=as_dt(ev.at))
        elif isinstance(ev, LegAnswered):
            if ev.kind == LegKind.CUSTOMER:
                self._customer_answered(ev)
        elif isinstance(ev, AmdDecided):
            self._amd_decided(ev)
        elif isinstance(ev, LegEnded):
            if ev.kind == LegKind.CUSTOMER:
                self._customer_ended(ev)
            elif ev.leg in self.agents:
                self._agent_gone(ev.leg, ev.at, "softphone_hung_up")
        elif isinstance(ev, AgentIdentified):
            self._agent_identified(ev)
        elif isinstance(ev, AgentDisconnected):
            if ev.leg in self.agents:
                self._agent_gone(ev.leg, ev.at, "softphone_disconnected")
            self.pending_monitors.pop(ev.leg, None)
        elif isinstance(ev, BridgeConnected):
            call = self.calls.get(ev.customer_leg)
            if call and call.human_at is not None:
                self.bridge_latencies.append(ev.at - max(call.human_at, call.bridged_at or call.human_at))
        elif isinstance(ev, PromptEnded):
            call = self.calls.get(ev.leg)
            if call and call.state in ("safe_harbour", "voicemail"):
                self.port.hangup(ev.leg)
        elif isinstance(ev, RecordingFinished):
            self._recording_finished(ev)
        elif isinstance(ev, TrunkRegistration):
            log.info("trunk %s registered=%s (%s %s)", ev.trunk, ev.registered, ev.status, ev.reason)
        elif isinstance(ev, AgentConnected):
            log.info("softphone connected on %s from %s", ev.leg, ev.remote_uri)

    def _customer_answered(self, ev: LegAnswered) -> None:
        call = self.calls.get(ev.leg)
        if call is None:
            return
        call.answered_at = ev.at
        call.state = "answered"
        ring = ev.at - call.dialed_at
        store.update_attempt(call.attempt_id, answered_at=as_dt(ev.at), ring_seconds=round(ring, 3))
        runtime = self.campaigns.get(call.campaign_id)
        if call.manual:
            call.human_at = ev.at
            call.bridged_at = ev.at  # the manual caller's agent is already waiting on the line
            agent = self._agent_by_id(call.agent_id)
            if agent is not None:
                self._bridge(call, agent, ev.at, observe=False)
            return
        if runtime is None or not runtime.amd_enabled:
            self._person(call, ev.at)
        self.live.call(call, "answered", wall(ev.at))

    def _amd_decided(self, ev: AmdDecided) -> None:
        call = self.calls.get(ev.leg)
        if call is None or call.state != "answered":
            return
        call.amd_result = ev.decision
        call.amd_cause = getattr(ev.detail, "cause", None)
        store.update_attempt(call.attempt_id, amd_result=ev.decision, amd_cause=call.amd_cause, amd_at=as_dt(ev.at))
        runtime = self.campaigns.get(call.campaign_id)
        if ev.decision != "MACHINE" or (runtime and runtime.machine_action == "agent"):
            self._person(call, ev.at)
            return
        call.outcome = "machine"
        self.pacers[call.campaign_id].observe(PacingEvent("machine", ev.at, ev.at - call.dialed_at))
        if runtime and runtime.machine_action == "voicemail" and runtime.voicemail_audio:
            call.state = "voicemail"
            call.prompt_id = self.port.play(ev.leg, runtime.voicemail_audio)
        else:
            call.state = "ending"
            self.port.hangup(ev.leg)

    def _person(self, call: CallSlot, at: float) -> None:
        """A person is on the line: bridge now or wait up to the safe-harbour time."""
        call.human_at = at
        call.state = "waiting"
        abandon.record_answer(self.r, call.campaign_id, call.uuid, wall(at))
        self.pacers[call.campaign_id].observe(PacingEvent("human", at, (call.answered_at or at) - call.dialed_at))
        agent = longest_idle_ready(list(self.agents.values()), call.campaign_id, trial_only=call.is_trial)
        if agent is not None:
            self._bridge(call, agent, at)

    def _serve_waiting(self, now: float) -> None:
        for call in [c for c in self.calls.values() if c.waiting]:
            agent = longest_idle_ready(list(self.agents.values()), call.campaign_id, trial_only=call.is_trial)
            if agent is not None:
                self._bridge(call, agent, now)
                continue
            runtime = self.campaigns.get(call.campaign_id)
            limit = runtime.safe_harbour_s if runtime else 2.0
            if now - call.human_at >= limit:
                self._abandon(call, now)

    def _bridge(self, call: CallSlot, agent: AgentSlot, now: float, observe: bool = True) -> None:
        self.port.bridge(call.leg, agent.leg)
        call.state = "bridged"
        call.agent_id = agent.agent_id
        call.bridged_at = now
        runtime = self.campaigns.get(call.campaign_id)
        if runtime is None or runtime.recording_enabled:
            day = as_dt(now).strftime("%Y/%m/%d")
            folder = Path(self.s.recordings_dir) / str(call.campaign_id) / day
            folder.mkdir(parents=True, exist_ok=True)
            call.recording_path = str(folder / f"{call.uuid}.wav")
            call.recording_id = self.port.record((call.leg, agent.leg), call.recording_path)
        wait = now - (call.human_at or now)
        store.update_attempt(call.attempt_id, bridged_at=as_dt(now), agent_id=agent.agent_id,
                             wait_seconds=round(wait, 3))
        if observe:
            self.pacers[call.campaign_id].observe(PacingEvent("bridged", now, wait))
        self._set_agent(agent, "talking", None, attempt_id=call.attempt_id, call_uuid=call.uuid)
        self.live.call(call, "bridged", wall(now))
        self.live.agent_event(agent.agent_id, {"type": "call", "event": "bridged", "attempt_uuid": call.uuid,
                                               "attempt_id": call.attempt_id, "lead_id": call.lead_id,
                                               "campaign_id": call.campaign_id, "at": wall(now)})

    def _abandon(self, call: CallSlot, now: float) -> None:
        call.outcome = "abandoned"
        wait = now - call.human_at
        self.pacers[call.campaign_id].observe(PacingEvent("abandoned", now, wait))
        abandon.record_abandon(self.r, call.campaign_id, call.uuid, wall(now))
        runtime = self.campaigns.get(call.campaign_id)
        audio = (runtime.safe_harbour_audio if runtime else None) or self.s.default_safe_harbour
        store.update_attempt(call.attempt_id, wait_seconds=round(wait, 3))
        self.live.call(call, "abandoned", wall(now), "abandoned")
        if audio and os.path.exists(audio):
            call.state = "safe_harbour"
            call.prompt_id = self.port.play(call.leg, audio)
        else:
            call.state = "ending"
            self.port.hangup(call.leg)

    def _customer_ended(self, ev: LegEnded) -> None:
        call = self.calls.pop(ev.leg, None)
        if call is None:
            return
        self.calls_by_uuid.pop(call.uuid, None)
        pacer = self.pacers.get(call.campaign_id)
        end = ev.at
        if call.outcome in ("abandoned", "machine"):
            outcome = call.outcome
        elif call.bridged_at is not None:
            outcome = "human"
        elif call.human_at is not None:
            # The person hung up before an agent was free: counted as abandoned,
            # the conservative reading of the 2-second rule.
            outcome = "abandoned"
            if pacer:
                pacer.observe(PacingEvent("abandoned", end, end - call.human_at))
            abandon.record_abandon(self.r, call.campaign_id, call.uuid, wall(end))
        elif call.answered_at is not None:
            outcome = "machine" if call.amd_result == "MACHINE" else "cancelled"
            if pacer and not call.manual:
                pacer.observe(PacingEvent("failed", end, call.answered_at - call.dialed_at))
        else:
            outcome = {"busy": "busy", "no_answer": "no_answer", "invalid_number": "invalid",
                       "congestion": "congestion", "rejected": "rejected", "cancelled": "cancelled",
                       "failed": "failed"}.get(ev.outcome.value, "failed")
            if pacer and not call.manual:
                kind = outcome if outcome in ("busy", "no_answer") else "failed"
                pacer.observe(PacingEvent(kind, end, end - call.dialed_at))
        talk = round(end - call.bridged_at, 3) if call.bridged_at else None
        hangup_by = "dialer" if ev.hangup_by_us else ("customer" if call.answered_at else "carrier")
        store.close_attempt(call.attempt_id, outcome, as_dt(end), sip_status=ev.status or None,
                            sip_reason=(ev.reason or "")[:128] or None, talk_seconds=talk, hangup_by=hangup_by)
        self._release_lead(call)
        self.live.call(call, "ended", wall(end), outcome)
        agent = self._agent_by_id(call.agent_id) if call.agent_id else None
        if agent is not None and agent.call_uuid == call.uuid:
            if pacer and call.bridged_at and not call.manual:
                pacer.observe(PacingEvent("talk_ended", end, end - call.bridged_at))
            self._wrapup(agent, call, end)
        for monitor_leg in call.monitors:
            self.port.hangup(monitor_leg)

    def _release_lead(self, call: CallSlot) -> None:
        if call.lead_id is not None:
            Hopper(self.r, call.campaign_id).release(call.lead_id)

    def _recording_finished(self, ev: RecordingFinished) -> None:
        call = next((c for c in list(self.calls.values()) if c.recording_id == ev.recording_id), None)
        path = ev.files[0] if ev.files else None
        uuid = call.uuid if call else Path(path).stem if path else None
        from core.db import db
        from dialer.models import CallAttempt
        from recordings.models import Recording
        from sqlalchemy import select

        with db.transaction() as s:
            attempt = s.scalar(select(CallAttempt).where(CallAttempt.uuid == uuid)) if uuid else None
            if attempt is None or path is None:
                return
            size = os.path.getsize(path) if os.path.exists(path) else None
            rec = Recording(attempt_id=attempt.id, campaign_id=attempt.campaign_id, agent_id=attempt.agent_id,
                            phone_e164=attempt.phone_e164, kind="mixed", status="recorded", source_path=path,
                            size_bytes=size, duration_seconds=(size - 44) / 16000.0 if size else None,
                            started_at=attempt.bridged_at or attempt.dialed_at)
            s.add(rec)
            s.flush()
            attempt.recording_id = rec.id
            rec_id = rec.id
        self._enqueue_archive(rec_id)

    def _enqueue_archive(self, recording_id: int) -> None:
        from rq import Queue

        from recordings.jobs import enqueue_archive

        enqueue_archive(Queue("recordings", connection=self.queue.connection), recording_id)

    # -------------------------------------------------------------- agents
    def _agent_identified(self, ev: AgentIdentified) -> None:
        if ev.agent_id.startswith("monitor:"):
            call = self.calls_by_uuid.get(self.pending_monitors.get(ev.leg, ""))
            agent = self._agent_by_id(call.agent_id) if call else None
            if call and agent:
                self.port.monitor(call.leg, agent.leg, ev.leg)
                call.monitors.append(ev.leg)
            else:
                self.port.hangup(ev.leg)
            return
        agent_id = int(ev.agent_id)
        for leg, other in list(self.agents.items()):
            if other.agent_id == agent_id:  # a second softphone for the same agent replaces the first
                self.port.hangup(leg)
                self._agent_gone(leg, ev.at, "replaced")
        wanted = self._wanted(agent_id)
        campaign_id = wanted.get("campaign_id")
        if campaign_id is None:
            mine = store.agent_campaigns(agent_id)
            campaign_id = mine[0] if len(mine) == 1 else None
        now_dt = as_dt(ev.at)
        agent = AgentSlot(agent_id=agent_id, leg=ev.leg, campaign_id=campaign_id, state="paused", reason="login",
                          since=ev.at, since_wall=wall(ev.at))
        agent.session_id = store.start_session(agent_id, campaign_id, self.s.pod_id, wanted.get("method", "pin"),
                                               wanted.get("softphone_uri"), now_dt)
        agent.interval_id = store.switch_interval(None, agent.session_id, agent_id, campaign_id, "paused", "login",
                                                  None, now_dt)
        if campaign_id is not None:
            runtime = self._load_campaign(campaign_id)
            agent.trial_agent = bool(runtime and agent_id in runtime.trial_agents)
        self.agents[ev.leg] = agent
        if wanted.get("auto_ready"):
            self._set_agent(agent, "ready", None)
        else:
            self.live.agent(agent)
        log.info("agent %s logged in on %s for campaign %s", agent_id, ev.leg, campaign_id)

    def _wanted(self, agent_id: int) -> dict:
        raw = self.r.get(events.agent_wanted_key(agent_id))
        try:
            return json.loads(raw) if raw else {}
        except ValueError:
            return {}

    def _agent_gone(self, leg: str, at: float, reason: str) -> None:
        agent = self.agents.pop(leg, None)
        if agent is None:
            return
        call = self.calls_by_uuid.get(agent.call_uuid or "")
        if call is not None and call.state == "bridged":
            self.port.hangup(call.leg)  # the customer should not be left talking to no one
        if agent.session_id:
            store.end_session(agent.session_id, as_dt(at), reason)
        self.live.agent(agent, softphone="disconnected")
        log.info("agent %s left (%s)", agent.agent_id, reason)

    def _agent_by_id(self, agent_id: int | None) -> AgentSlot | None:
        return next((a for a in self.agents.values() if a.agent_id == agent_id), None)

    def _set_agent(self, agent: AgentSlot, state: str, reason: str | None, attempt_id: int | None = None,
                   call_uuid: str | None = None) -> None:
        now = time.monotonic()
        if agent.state != state or agent.reason != reason:
            prev_state = agent.state
            if prev_state == "wrapup" and state != "wrapup" and agent.campaign_id in self.pacers:
                self.pacers[agent.campaign_id].observe(PacingEvent("wrapup_ended", now, now - agent.since))
            agent.interval_id = store.switch_interval(agent.interval_id, agent.session_id, agent.agent_id,
                                                      agent.campaign_id, state, reason, attempt_id, as_dt(now))
            agent.state, agent.reason = state, reason
            agent.since, agent.since_wall = now, wall(now)
        if state in ("talking", "wrapup"):
            agent.call_uuid = call_uuid or agent.call_uuid
        else:
            agent.call_uuid = None
            agent.wrapup_deadline = None
        self.live.agent(agent)

    def _wrapup(self, agent: AgentSlot, call: CallSlot, at: float) -> None:
        runtime = self.campaigns.get(call.campaign_id)
        seconds = runtime.wrapup_seconds if runtime else 30
        agent.wrapup_deadline = at + seconds
        agent.wrapup_deadline_wall = wall(at + seconds)
        self._set_agent(agent, "wrapup", None, attempt_id=call.attempt_id, call_uuid=call.uuid)
        self.live.agent_event(agent.agent_id, {"type": "call", "event": "ended", "attempt_uuid": call.uuid,
                                               "attempt_id": call.attempt_id, "lead_id": call.lead_id,
                                               "campaign_id": call.campaign_id, "at": wall(at)})
        store.update_attempt(call.attempt_id, wrapup_ended_at=None)

    # ------------------------------------------------------------ commands
    def drain_commands(self, limit: int = 50) -> None:
        key = events.pod_commands_key(self.s.pod_id)
        for _ in range(limit):
            raw = self.r.lpop(key)
            if raw is None:
                return
            try:
                command = json.loads(raw)
                self.command(command)
            except Exception:  # noqa: BLE001 - a malformed command is reported, never fatal
                log.exception("bad command %r", raw)

    def command(self, c: dict) -> None:
        agent = self._agent_by_id(int(c.get("agent_id", -1)))
        cmd = c.get("cmd")
        if agent is None:
            log.info("command %s for an agent not on this pod", cmd)
            return
        if cmd == "ready":
            if agent.state in ("paused", "ready", "preview"):
                self._set_agent(agent, "ready", None)
        elif cmd == "pause":
            reason = str(c.get("reason") or "break")[:32]
            if agent.state in ("ready", "paused", "preview"):
                self._set_agent(agent, "paused", reason)
            elif agent.state in ("talking", "wrapup"):
                agent.next_after_wrapup, agent.next_reason = "paused", reason  # after this call
        elif cmd == "wrapup_done":
            if agent.state == "wrapup" and c.get("attempt_uuid") in (agent.call_uuid, None):
                call_attempt = agent.call_uuid
                nxt = c.get("next") or agent.next_after_wrapup
                reason = c.get("reason") or agent.next_reason
                agent.next_after_wrapup, agent.next_reason = "ready", None
                self._set_agent(agent, "paused" if nxt in ("pause", "paused") else "ready",
                                (reason or "break") if nxt in ("pause", "paused") else None)
                self._close_wrapup(call_attempt)
        elif cmd == "hangup":
            call = self.calls_by_uuid.get(agent.call_uuid or "")
            if call is not None:
                self.port.hangup(call.leg)
        elif cmd == "dtmf":
            call = self.calls_by_uuid.get(agent.call_uuid or "")
            digits = "".join(ch for ch in str(c.get("digits", "")) if ch in "0123456789*#")[:32]
            if call is not None and digits:
                self.port.send_dtmf(call.leg, digits)
        elif cmd == "campaign":
            cid = int(c["campaign_id"])
            if agent.state in ("paused", "ready") and cid in store.agent_campaigns(agent.agent_id):
                agent.campaign_id = cid
                store.set_session_campaign(agent.session_id, cid)
                runtime = self._load_campaign(cid)
                agent.trial_agent = bool(runtime and agent.agent_id in runtime.trial_agents)
                self._set_agent(agent, "paused", "campaign_change")
        elif cmd in ("preview_dial", "manual_dial"):
            self._manual_dial(agent, c)
        elif cmd == "preview_skip":
            if agent.state == "preview":
                self._set_agent(agent, "ready", None)
        elif cmd == "monitor":
            uri = str(c.get("listen_uri") or "")
            call = self.calls_by_uuid.get(str(c.get("attempt_uuid") or ""))
            if uri.startswith("sip:") and call is not None and call.state == "bridged":
                leg = self.port.call_agent(uri, f"monitor:{agent.agent_id}")
                self.pending_monitors[leg] = call.uuid
        elif cmd == "logout":
            if agent.state not in ("talking",):
                self.port.hangup(agent.leg)
        else:
            self.live.agent_event(agent.agent_id, {"type": "error", "message": f"unknown command {cmd!r}"})

    def _close_wrapup(self, call_uuid: str | None) -> None:
        if not call_uuid:
            return
        from core.db import db
        from dialer.models import CallAttempt
        from sqlalchemy import select

        with db.transaction() as s:
            attempt = s.scalar(select(CallAttempt).where(CallAttempt.uuid == call_uuid))
            if attempt is not None and attempt.wrapup_ended_at is None:
                attempt.wrapup_ended_at = utcnow()
                if attempt.ended_at is not None:
                    attempt.wrapup_seconds = round((attempt.wrapup_ended_at - attempt.ended_at).total_seconds(), 3)

    def _manual_dial(self, agent: AgentSlot, c: dict) -> None:
        if agent.state not in ("ready", "paused", "preview") or agent.campaign_id is None:
            self.live.agent_event(agent.agent_id, {"type": "error", "message": "not available to dial"})
            return
        runtime = self.campaigns.get(agent.campaign_id) or self._load_campaign(agent.campaign_id)
        lead_id = int(c.get("lead_id") or 0)
        phone = str(c.get("number") or "")
        if lead_id:
            lead = store.lead_for_dial(lead_id)
            if lead is None or lead.campaign_id != agent.campaign_id:
                self.live.agent_event(agent.agent_id, {"type": "error", "message": "no such lead in this campaign"})
                return
            phone = lead.phone_e164
        if not phone.startswith("+") or not phone[1:].isdigit():
            self.live.agent_event(agent.agent_id, {"type": "error", "message": "number must be E.164"})
            return
        state = self._campaign_state(agent.campaign_id)
        if state not in ("live", "trial"):
            self.live.agent_event(agent.agent_id, {"type": "error", "message": f"campaign is {state}"})
            return
        self._dial_lead(runtime, lead_id, phone, state == "trial", time.monotonic(), manual_agent=agent)

    # ------------------------------------------------------------ upkeep
    def _load_campaign(self, cid: int) -> store.CampaignRuntime | None:
        runtime = store.load_campaign(cid)
        if runtime is None:
            return None
        old = self.campaigns.get(cid)
        self.campaigns[cid] = runtime
        key = (runtime.dial_mode, json.dumps(runtime.dial_settings, sort_keys=True))
        if old is None or cid not in self.pacers or getattr(self.pacers[cid], "_key", None) != key:
            settings = {k: v for k, v in runtime.dial_settings.items()
                        if k not in ("amd", "low_data_minutes")}
            try:
                pacer = make_pacer(runtime.dial_mode, **settings)
            except (ValueError, TypeError):
                log.exception("campaign %s has bad dial settings; using progressive", cid)
                pacer = make_pacer("progressive")
            pacer._key = key
            self.pacers[cid] = pacer
        for agent in self.agents.values():
            if agent.campaign_id == cid:
                agent.trial_agent = agent.agent_id in runtime.trial_agents
        return runtime

    def _heartbeat(self) -> None:
        self.live.heartbeat(len(self.calls), self.port.call_limit, list(self.agents.values()),
                            self._served_campaigns(), self.s.sip_address)
        by_campaign: dict[int, list[int]] = {}
        for call in self.calls.values():
            if call.lead_id is not None:
                by_campaign.setdefault(call.campaign_id, []).append(call.lead_id)
        for cid, lead_ids in by_campaign.items():
            Hopper(self.r, cid).renew(lead_ids, time.time(), LEASE_SECONDS)

    def _sweep_dead_pods(self) -> None:
        """Close what pods that stopped beating left open (any pod may do it; it is idempotent)."""
        for pod_id in store.pods_with_open_work():
            if pod_id == self.s.pod_id or self.r.exists(events.pod_status_key(pod_id)):
                continue
            lock = f"sweep:{pod_id}"
            if self.r.set(lock, self.s.pod_id, nx=True, ex=30):
                result = store.sweep_pod(pod_id, utcnow())
                self.r.srem(events.PODS, pod_id)
                log.warning("swept dead pod %s: %s", pod_id, result)
