"""PjsipPort: the telephony port on pjsua2.

One thread owns the stack: it calls :meth:`PjsipPort.start`, then
:meth:`PjsipPort.poll` in its loop, then :meth:`PjsipPort.stop`. Commands
(originate, bridge, play...) may come from any thread; they only reserve
capacity under a lock and enqueue a closure that the owner runs inside
``poll``. pjsua2 objects are created and dropped on the owner thread only.
"""
from __future__ import annotations

import gc
import itertools
import logging
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Callable

import pjsua2 as pj

from telephony import callerid
from telephony.capacity import MAX_ACCOUNTS, CapacityError, TokenBucket, build_call_limit, effective_limit
from telephony.config import EndpointConfig, TrunkConfig
from telephony.outcomes import Outcome, outcome_for_status
from telephony.pjsip.account import (ObservedAccount, local_account_config, trunk_call_account_config,
                                     trunk_reg_account_config)
from telephony.pjsip.call import ObservedCall
from telephony.pjsip import sip_guard
from telephony.pjsip.media import Prompt, Recording
from telephony.pjsip.mixer import MediaOps, _Bridge, _default_amd, _Monitor
from telephony.port import (AgentConnected, AgentDisconnected, AgentIdentified, Authenticator, BridgeRemoved,
                            DtmfReceived, Event, LegAnswered, LegEarlyMedia, LegEnded, LegKind, LegRinging,
                            NoCapacity, RateLimited, TelephonyPort, TrunkRegistration)
from telephony.sipmsg import parse, split_uri

log = logging.getLogger(__name__)

COOL_DOWN_S = 0.7                                     # > PJ_IOQUEUE_KEY_FREE_DELAY (500 ms)
HAS_LOCAL_URI = hasattr(pj.SipTxOption, "localUri")   # 2.15 sets From per call; 2.10 needs Account.modify


@dataclass
class _Leg:
    leg: str
    kind: LegKind
    call: ObservedCall | None = None
    inbound: bool = False
    agent_id: str | None = None
    ring_deadline: float | None = None
    ring_timeout: bool = False
    hangup_by_us: bool = False
    answered_at: float | None = None
    ringing_sent: bool = False
    early_sent: bool = False
    media_active: bool = False
    awaiting_pin: bool = False
    pin: str = ""
    pin_deadline: float | None = None
    amd: object | None = None
    amd_next: float = 0.0
    remote_uri: str = ""
    ended: bool = False
    level_sink: bool = False            # leg transmits to the null device so its rx level is measured


@dataclass
class _Registration:
    trunk: str
    registered: bool = False
    status: int = 0


@dataclass
class _Trunk:
    config: TrunkConfig
    call_account: ObservedAccount
    reg_account: ObservedAccount | None = None
    current_from: str = field(default="")


class PjsipPort(MediaOps, TelephonyPort):
    def __init__(self, config: EndpointConfig, authenticator: Authenticator | None = None,
                 amd_factory: Callable[[], object] | None = None, clock: Callable[[], float] = time.monotonic):
        self.config = config
        self.authenticator = authenticator or (lambda pin: None)
        self.amd_factory = amd_factory
        self._clock = clock
        self._lock = threading.Lock()
        self._commands: deque[Callable[[], None]] = deque()
        self._events: list[Event] = []
        self._ids = itertools.count(1)
        self._slots = 0                     # legs reserved, alive or cooling down; guarded by _lock
        self._cooling: deque[float] = deque()  # when each ended call's slot may be reused
        self._limit = 0
        self._bucket = TokenBucket(config.call_rate, config.call_burst)
        self._owner: int | None = None
        self._ep: pj.Endpoint | None = None
        self._local_acc: ObservedAccount | None = None
        self._trunks: dict[str, _Trunk] = {}
        self._legs: dict[str, _Leg] = {}
        self._refusals: list = []           # incoming calls to answer with an error after the callback
        self._graveyard: list = []          # pjsua2 objects to drop after libHandleEvents returns
        self._bridges: dict[tuple[str, str], _Bridge] = {}
        self._monitors: dict[str, _Monitor] = {}
        self._prompts: dict[str, Prompt] = {}
        self._recordings: dict[str, Recording] = {}
        self.registrations: dict[str, _Registration] = {}
        self._accounts = 1                  # the pod's own account
        self._trunk_names: set[str] = set()
        self._guarded_port = 0
        self.version = ""

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> None:
        self._owner = threading.get_ident()
        ep = pj.Endpoint()
        ep.libCreate()
        self._ep = ep
        self.version = ep.libVersion().full
        build_limit = build_call_limit(self.version, hasattr(pj, "AudioMediaPort"), self.config.build_call_limit)
        try:
            configured = self.config.max_calls
            if configured is None:
                # headroom for incoming calls the pod must refuse while full: pjsua opens their
                # sockets before the pod can say no (see _release)
                configured = max(1, build_limit - self.config.inbound_headroom)
            self._limit = effective_limit(configured, build_limit)
            self.build_limit = build_limit
        except Exception:
            ep.libDestroy()
            self._ep = None
            raise
        cfg = pj.EpConfig()
        cfg.uaConfig.threadCnt = 0
        cfg.uaConfig.mainThreadOnly = True
        cfg.uaConfig.maxCalls = build_limit
        cfg.uaConfig.userAgent = self.config.user_agent
        cfg.logConfig.level = self.config.log_level
        cfg.logConfig.consoleLevel = self.config.log_level
        cfg.medConfig.clockRate = self.config.clock_rate
        cfg.medConfig.sndClockRate = self.config.clock_rate
        cfg.medConfig.ecTailLen = 0                 # echo cancelling is the costliest module; no speaker here
        cfg.medConfig.noVad = True                  # recordings and AMD need continuous audio
        cfg.medConfig.sndAutoCloseTime = -1         # keep the null device clocking the bridge (2.15 async ops)
        cfg.medConfig.maxMediaPorts = 254
        ep.libInit(cfg)
        tcfg = pj.TransportConfig()
        tcfg.port = self.config.sip_port
        tcfg.boundAddress = self.config.bind_address
        if self.config.public_address:
            tcfg.publicAddress = self.config.public_address
        self._guarded_port = self.config.sip_port
        if self._guarded_port:
            sip_guard.install(self._guarded_port)       # before the socket exists: no packet slips by
        tid = ep.transportCreate(pj.PJSIP_TRANSPORT_UDP, tcfg)
        if not self._guarded_port:
            self._guarded_port = int(ep.transportGetInfo(tid).localName.rsplit(":", 1)[1])
            sip_guard.install(self._guarded_port)
        ep.libStart()
        ep.audDevManager().setNullDev()
        self._set_codecs()
        self._local_acc = ObservedAccount(self, "local")
        self._local_acc.create(local_account_config(self.config), True)
        for trunk in self.config.trunks:
            self.add_trunk(trunk)
        self._run_commands()

    def _set_codecs(self) -> None:
        wanted = [c.upper() for c in self.config.codecs]
        for info in self._ep.codecEnum2():
            cid = info.codecId
            rank = next((i for i, w in enumerate(wanted) if cid.upper().startswith(w)), None)
            self._ep.codecSetPriority(cid, 0 if rank is None else 250 - rank)

    def stop(self) -> list[Event]:
        """Hang up everything and shut the stack down; returns the events of the shutdown
        (LegEnded, AgentDisconnected, RecordingFinished...) so nothing is lost."""
        if self._ep is None:
            return []
        self._assert_owner()
        final: list[Event] = []
        self._run_commands()
        for leg in list(self._legs.values()):
            if leg.call is not None and not leg.ended:
                leg.hangup_by_us = True
        try:
            self._ep.hangupAllCalls()
        except Exception:
            log.exception("hangupAllCalls failed")
        deadline = time.monotonic() + self.config.shutdown_timeout_s
        while any(not leg.ended for leg in self._legs.values()) and time.monotonic() < deadline:
            final.extend(self.poll(20))
        for pid in list(self._prompts):
            self._drop_prompt(pid, completed=False)
        for rid in list(self._recordings):
            self._finish_recording(rid)
        # calls that never reached DISCONNECTED: dropping the reference hangs them up now,
        # which must happen before libDestroy (destroying a Call after it aborts the process)
        self._legs.clear()
        self._bridges.clear()
        self._monitors.clear()
        self._graveyard.clear()
        # accounts are deleted by dropping them (their destructor unregisters and deletes)
        self._trunks.clear()
        self._local_acc = None
        for _ in range(5):
            self._ep.libHandleEvents(10)
        gc.collect()
        ep, self._ep = self._ep, None
        ep.libDestroy()
        del ep
        gc.collect()
        if self._guarded_port:
            sip_guard.uninstall(self._guarded_port)
        final.extend(self._events)
        self._events = []
        return final

    # ------------------------------------------------------------------ owner loop
    def poll(self, timeout_ms: int = 10) -> list[Event]:
        self._assert_owner()
        self._run_commands()
        self._ep.libHandleEvents(timeout_ms)
        self._send_refusals()
        self._run_commands()
        now = self._clock()
        self._end_played_prompts()
        self._check_timers(now)
        self._release_cooled(now)
        self._sample_amd(now)
        self._graveyard.clear()
        events, self._events = self._events, []
        return events

    def _assert_owner(self) -> None:
        if threading.get_ident() != self._owner:
            raise RuntimeError("PjsipPort.poll/stop/rx_level must run on the thread that called start()")

    def _run_commands(self) -> None:
        while self._commands:
            cmd = self._commands.popleft()
            try:
                cmd()
            except Exception:
                log.exception("telephony command failed")

    def _submit(self, fn: Callable[[], None]) -> None:
        self._commands.append(fn)

    def _emit(self, event: Event) -> None:
        self._events.append(event)

    def _new_id(self, prefix: str) -> str:
        return f"{prefix}{next(self._ids)}"

    # ------------------------------------------------------------------ capacity
    @property
    def call_limit(self) -> int:
        return self._limit

    @property
    def active_legs(self) -> int:
        """Legs reserved or up, plus ended ones whose sockets are still cooling down."""
        return self._slots

    def _reserve(self, rate_limited: bool) -> None:
        with self._lock:
            if self._slots >= self._limit:
                raise NoCapacity(f"pod holds {self._slots} of {self._limit} calls")
            if rate_limited:
                now = self._clock()
                if not self._bucket.take(now):
                    raise RateLimited(self._bucket.wait_time(now))
            self._slots += 1

    def _reserve_inbound(self) -> bool:
        """Take a slot for an incoming call; False when full. The slot is taken either way:
        pjsua has already opened the call's RTP/RTCP sockets, refused or not."""
        with self._lock:
            full = self._slots >= self._limit
            self._slots += 1
            return not full

    def _release(self) -> None:
        # A call's RTP and RTCP sockets stay registered in the media ioqueue for ~500 ms after
        # it ends (PJ_IOQUEUE_KEY_FREE_DELAY). That ioqueue holds 64 sockets = 32 calls, and a
        # new call that finds it full aborts the process (assertion in ioqueue_select.c), so a
        # slot only becomes free again after the cool-down.
        self._cooling.append(self._clock() + COOL_DOWN_S)

    def _release_cooled(self, now: float) -> None:
        n = 0
        while self._cooling and self._cooling[0] <= now:
            self._cooling.popleft()
            n += 1
        if n:
            with self._lock:
                self._slots -= n

    # ------------------------------------------------------------------ trunks
    def add_trunk(self, trunk: TrunkConfig) -> None:
        """Add a trunk; raises CapacityError when the build's account table would overflow.

        The stock builds hold PJSUA_MAX_ACC = 8 accounts (the pod's own plus one per trunk, two
        per registered trunk), and this wheel aborts the process instead of returning an error
        when the table is full, so the count is checked here.
        """
        with self._lock:
            needed = 2 if trunk.register else 1
            if trunk.name in self._trunk_names:
                raise ValueError(f"trunk {trunk.name!r} exists")
            if self._accounts + needed > MAX_ACCOUNTS:
                raise CapacityError(f"no room for trunk {trunk.name!r}: {self._accounts} of {MAX_ACCOUNTS} "
                                    "SIP accounts in use")
            self._accounts += needed
            self._trunk_names.add(trunk.name)
        self._submit(lambda: self._add_trunk_now(trunk))

    def remove_trunk(self, name: str) -> None:
        """Unregister and drop a trunk (its calls already up keep going until they end)."""
        def run():
            t = self._trunks.pop(name, None)
            if t is None:
                return
            # dropping the last reference deletes the account right here, on the owner thread. Not
            # shutdown() and a later drop: the destructor would shut down again by the stored id,
            # which a newly added account may have taken over by then.
            t.reg_account = t.call_account = None
            self.registrations.pop(name, None)
            with self._lock:
                self._accounts -= 2 if t.config.register else 1
                self._trunk_names.discard(name)
        self._submit(run)

    @property
    def trunk_names(self) -> set[str]:
        return set(self._trunk_names)

    def _add_trunk_now(self, trunk: TrunkConfig) -> None:
        call_acc = ObservedAccount(self, trunk.name)
        call_acc.create(trunk_call_account_config(trunk, self.config))
        reg_acc = None
        if trunk.register:
            reg_acc = ObservedAccount(self, trunk.name)
            self.registrations[trunk.name] = _Registration(trunk.name)
            reg_acc.create(trunk_reg_account_config(trunk, self.config))
        self._trunks[trunk.name] = _Trunk(trunk, call_acc, reg_acc)

    def on_reg_state(self, trunk: str, prm) -> None:
        registered = prm.code // 100 == 2 and prm.expiration > 0
        reg = self.registrations.setdefault(trunk, _Registration(trunk))
        reg.registered, reg.status = registered, prm.code
        self._emit(TrunkRegistration(trunk=trunk, registered=registered, status=prm.code, reason=prm.reason,
                                     expires=prm.expiration, at=self._clock()))

    # ------------------------------------------------------------------ legs
    def originate(self, trunk: str, number: str, caller_id: str, *, display_name: str | None = None,
                  ring_timeout_s: float = 30.0, amd: bool = False) -> str:
        # an unknown trunk is reported as LegEnded(FAILED, reason "unknown trunk ..."), like any
        # other failure to place the call, so callers handle one path
        self._reserve(rate_limited=True)
        leg_id = self._new_id("c")
        self._submit(lambda: self._originate_now(leg_id, trunk, number, caller_id, display_name,
                                                 ring_timeout_s, amd))
        return leg_id

    def _originate_now(self, leg_id, trunk_name, number, caller_id, display_name, ring_timeout_s, amd) -> None:
        leg = _Leg(leg_id, LegKind.CUSTOMER, ring_deadline=self._clock() + ring_timeout_s)
        if amd:
            leg.amd = (self.amd_factory or _default_amd)()
        try:
            trunk = self._trunks.get(trunk_name)
            if trunk is None:
                raise LookupError(f"unknown trunk {trunk_name!r}")
            cfg = trunk.config
            from_uri = callerid.from_uri(cfg, caller_id, display_name)
            prm = pj.CallOpParam(True)
            prm.opt.audioCount = 1
            prm.opt.videoCount = 0
            for name, value in callerid.identity_headers(cfg, caller_id, display_name):
                h = pj.SipHeader()
                h.hName, h.hValue = name, value
                prm.txOption.headers.append(h)
            if HAS_LOCAL_URI:
                prm.txOption.localUri = from_uri
            elif from_uri != trunk.current_from:
                # 2.10: From comes from the account id; calls already up keep theirs
                acc_cfg = trunk_call_account_config(cfg, self.config)
                acc_cfg.idUri = from_uri
                trunk.call_account.modify(acc_cfg)
                trunk.current_from = from_uri
            call = ObservedCall(trunk.call_account, self, leg_id)
            leg.call = call
            self._legs[leg_id] = leg
            call.makeCall(callerid.request_uri(cfg, number), prm)
        except Exception as exc:
            log.warning("originate %s to %s failed: %s", leg_id, number, exc)
            self._legs.pop(leg_id, None)
            if leg.call is not None:
                self._graveyard.append(leg.call)
            self._release()
            self._emit(LegEnded(leg=leg_id, kind=LegKind.CUSTOMER, outcome=Outcome.FAILED, status=0,
                                reason=str(exc)[:200], answered_at=None, hangup_by_us=False, at=self._clock()))

    def call_agent(self, uri: str, agent_id: str, *, ring_timeout_s: float = 30.0,
                   kind: LegKind = LegKind.AGENT) -> str:
        self._reserve(rate_limited=True)
        leg_id = self._new_id("a" if kind is LegKind.AGENT else "m")
        self._submit(lambda: self._call_agent_now(leg_id, uri, agent_id, ring_timeout_s, kind))
        return leg_id

    def _call_agent_now(self, leg_id, uri, agent_id, ring_timeout_s, kind) -> None:
        leg = _Leg(leg_id, kind, agent_id=agent_id, ring_deadline=self._clock() + ring_timeout_s,
                   remote_uri=uri)
        try:
            prm = pj.CallOpParam(True)
            prm.opt.audioCount = 1
            prm.opt.videoCount = 0
            call = ObservedCall(self._local_acc, self, leg_id)
            leg.call = call
            self._legs[leg_id] = leg
            call.makeCall(uri, prm)
        except Exception as exc:
            log.warning("call to agent %s failed: %s", uri, exc)
            self._legs.pop(leg_id, None)
            if leg.call is not None:
                self._graveyard.append(leg.call)
            self._release()
            self._emit(AgentDisconnected(leg=leg_id, agent_id=agent_id, status=0, reason=str(exc)[:200],
                                         at=self._clock()))

    def hangup(self, leg: str, status: int = 0) -> None:
        self._submit(lambda: self._hangup_now(leg, status))

    def _hangup_now(self, leg_id: str, status: int = 0) -> None:
        leg = self._legs.get(leg_id)
        if leg is None or leg.call is None or leg.ended:
            return
        leg.hangup_by_us = True
        prm = pj.CallOpParam()
        if status:
            prm.statusCode = status
        try:
            leg.call.hangup(prm)
        except Exception as exc:
            log.info("hangup %s: %s", leg_id, exc)

    def send_dtmf(self, leg: str, digits: str) -> None:
        def run():
            lg = self._legs.get(leg)
            if lg and lg.call and not lg.ended:
                lg.call.dialDtmf(digits)
        self._submit(run)

    # ------------------------------------------------------------------ incoming (agent legs)
    def on_incoming_call(self, account: ObservedAccount, prm) -> None:
        leg_id = self._new_id("a")
        call = ObservedCall(account, self, leg_id, prm.callId)
        msg = parse(prm.rdata.wholeMsg)
        user = split_uri(msg.request_uri)[0] or ""
        leg = _Leg(leg_id, LegKind.AGENT, call=call, inbound=True, remote_uri=msg.header("from") or "")
        answer = pj.CallOpParam()
        if not self._reserve_inbound():
            self._release()
            answer.statusCode = 503
            answer.reason = "No capacity"
            self._refuse(call, answer)
            return
        agent_id = None
        if user == self.config.login_user:
            leg.awaiting_pin = True
            leg.pin_deadline = self._clock() + self.config.pin_timeout_s
        else:
            agent_id = self._authenticate(user)
            if agent_id is None:
                self._release()
                answer.statusCode = 403
                answer.reason = "Unknown agent"
                self._refuse(call, answer)
                return
        leg.agent_id = agent_id
        self._legs[leg_id] = leg
        answer.statusCode = 200
        call.answer(answer)

    def _refuse(self, call: ObservedCall, prm) -> None:
        # a refused call has no leg: its callbacks must not reach the leg table. On 2.10 a
        # hangup() inside onIncomingCall sends no final response, so it is sent after the callback.
        call._observer = _NullObserver()
        self._refusals.append((call, prm))

    def _send_refusals(self) -> None:
        while self._refusals:
            call, prm = self._refusals.pop()
            try:
                call.hangup(prm)
            except Exception as exc:
                log.info("refusing call: %s", exc)
            self._graveyard.append(call)

    def _authenticate(self, pin: str) -> str | None:
        if not pin:
            return None
        try:
            return self.authenticator(pin)
        except Exception:
            log.exception("authenticator failed")
            return None

    # ------------------------------------------------------------------ call callbacks (owner thread)
    def on_call_state(self, leg_id: str) -> None:
        leg = self._legs.get(leg_id)
        if leg is None or leg.call is None:
            return
        info = leg.call.getInfo()
        state = info.state
        now = self._clock()
        if state == pj.PJSIP_INV_STATE_EARLY and not leg.ringing_sent and info.lastStatusCode in (180, 183):
            leg.ringing_sent = True
            if leg.kind is LegKind.CUSTOMER:
                self._emit(LegRinging(leg=leg_id, at=now))
        elif state == pj.PJSIP_INV_STATE_CONFIRMED and leg.answered_at is None:
            leg.answered_at = now
            leg.ring_deadline = None
            leg.amd_next = now
            if leg.kind is LegKind.AGENT:
                self._emit(AgentConnected(leg=leg_id, remote_uri=leg.remote_uri or info.remoteUri,
                                          inbound=leg.inbound, at=now))
                if leg.agent_id is not None:
                    self._emit(AgentIdentified(leg=leg_id, agent_id=leg.agent_id, at=now))
            else:
                self._emit(LegAnswered(leg=leg_id, kind=leg.kind, at=now))
        elif state == pj.PJSIP_INV_STATE_DISCONNECTED and not leg.ended:
            self._on_disconnected(leg, info.lastStatusCode, info.lastReason, now)

    def _on_disconnected(self, leg: _Leg, status: int, reason: str, now: float) -> None:
        leg.ended = True
        for rid, rec in list(self._recordings.items()):
            if leg.leg in rec.legs:
                self._finish_recording(rid)
        for pid, prompt in list(self._prompts.items()):
            if prompt.leg == leg.leg:
                self._drop_prompt(pid, completed=False)
        for key in [k for k in self._bridges if leg.leg in k]:
            b = self._bridges.pop(key)
            self._unlink(b.customer, b.agent)
            self._emit(BridgeRemoved(customer_leg=b.customer, agent_leg=b.agent, at=now))
        for lid in [m for m, mon in self._monitors.items() if leg.leg in (m, mon.customer, mon.agent)]:
            self._stop_monitor_now(lid)
        if leg.kind is LegKind.AGENT:
            self._emit(AgentDisconnected(leg=leg.leg, agent_id=leg.agent_id, status=status, reason=reason, at=now))
        else:
            outcome = outcome_for_status(status, answered=leg.answered_at is not None,
                                         cancelled_by_us=leg.hangup_by_us, ring_timeout=leg.ring_timeout)
            self._emit(LegEnded(leg=leg.leg, kind=leg.kind, outcome=outcome, status=status, reason=reason,
                                answered_at=leg.answered_at, hangup_by_us=leg.hangup_by_us, at=now))
        # drop the Call after libHandleEvents returns, never inside its own callback
        self._legs.pop(leg.leg, None)
        self._graveyard.append(leg.call)
        leg.call = None
        self._release()

    def on_call_media_state(self, leg_id: str) -> None:
        leg = self._legs.get(leg_id)
        if leg is None or leg.call is None:
            return
        info = leg.call.getInfo()
        active = any(m.type == pj.PJMEDIA_TYPE_AUDIO and m.status == pj.PJSUA_CALL_MEDIA_ACTIVE
                     for m in info.media)
        leg.media_active = active
        if not active:
            return
        if info.state == pj.PJSIP_INV_STATE_EARLY and not leg.early_sent and leg.kind is LegKind.CUSTOMER:
            leg.early_sent = True
            self._emit(LegEarlyMedia(leg=leg_id, at=self._clock()))
        # a re-INVITE can recreate the stream and drop its connections: redo them all
        if leg.level_sink:
            self._set_level_sink(leg, True)
        self._relink(leg_id)

    def on_dtmf(self, leg_id: str, digit: str) -> None:
        leg = self._legs.get(leg_id)
        if leg is None:
            return
        if leg.awaiting_pin:
            if digit == "#" or len(leg.pin) + 1 >= self.config.pin_max_digits:
                if digit != "#":
                    leg.pin += digit
                self._finish_pin(leg)
            else:
                leg.pin += digit
            return
        self._emit(DtmfReceived(leg=leg_id, digit=digit, at=self._clock()))

    def _finish_pin(self, leg: _Leg) -> None:
        leg.awaiting_pin = False
        leg.pin_deadline = None
        agent_id = self._authenticate(leg.pin)
        if agent_id is None:
            self._hangup_now(leg.leg, 403)
            return
        leg.agent_id = agent_id
        self._emit(AgentIdentified(leg=leg.leg, agent_id=agent_id, at=self._clock()))

    def _check_timers(self, now: float) -> None:
        for leg in list(self._legs.values()):
            if leg.ended:
                continue
            if leg.ring_deadline is not None and now >= leg.ring_deadline and leg.answered_at is None:
                leg.ring_deadline = None
                leg.ring_timeout = True
                self._hangup_now(leg.leg)
            if leg.pin_deadline is not None and now >= leg.pin_deadline:
                if leg.pin:
                    self._finish_pin(leg)
                else:
                    leg.pin_deadline = None
                    leg.awaiting_pin = False
                    self._hangup_now(leg.leg)


class _NullObserver:
    def on_call_state(self, leg):
        pass

    def on_call_media_state(self, leg):
        pass

    def on_dtmf(self, leg, digit):
        pass
