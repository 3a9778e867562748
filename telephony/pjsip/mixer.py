"""Media operations of the pjsua2 port: bridge, silent monitor, prompts, recordings, levels, AMD.

A mixin of :class:`telephony.pjsip.endpoint.PjsipPort`; it uses the port's leg
table and runs on the owner thread only (public methods enqueue, the work runs
inside ``poll``). Connections are kept as data (bridges, monitors, recorders,
prompts) so that ``_relink`` can redo all of a leg's connections whenever its
media is (re)created.
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from telephony.pjsip.media import create_prompt, create_recording
from telephony.port import AmdDecided, BridgeConnected, BridgeRemoved, PromptEnded, RecordingFinished

log = logging.getLogger(__name__)


@dataclass
class _Bridge:
    customer: str
    agent: str
    reported: bool = False


@dataclass
class _Monitor:
    customer: str
    agent: str
    listener: str


class MediaOps:
    """Needs from the host: _legs, _bridges, _monitors, _prompts, _recordings, _ep, _clock,
    _emit, _submit, _new_id, _assert_owner, _graveyard, config, amd_factory."""

    # ------------------------------------------------------------------ media helpers
    def _audio(self, leg_id: str):
        leg = self._legs.get(leg_id)
        if leg is None or leg.call is None or leg.ended or not leg.media_active:
            return None
        try:
            return leg.call.getAudioMedia(-1)
        except Exception:
            return None

    def _link(self, src: str, dst: str) -> bool:
        a, b = self._audio(src), self._audio(dst)
        if a is None or b is None:
            return False
        a.startTransmit(b)
        return True

    def _unlink(self, x: str, y: str) -> None:
        a, b = self._audio(x), self._audio(y)
        if a is not None and b is not None:
            a.stopTransmit(b)
            b.stopTransmit(a)

    def _relink(self, leg_id: str) -> None:
        now = self._clock()
        for b in self._bridges.values():
            if leg_id in (b.customer, b.agent):
                if self._link(b.customer, b.agent) and self._link(b.agent, b.customer) and not b.reported:
                    b.reported = True
                    self._emit(BridgeConnected(customer_leg=b.customer, agent_leg=b.agent, at=now))
        for m in self._monitors.values():
            if leg_id in (m.customer, m.agent, m.listener):
                self._link(m.customer, m.listener)
                self._link(m.agent, m.listener)
        for rec in self._recordings.values():
            if leg_id in rec.legs:
                a = self._audio(leg_id)
                if a is not None:
                    a.startTransmit(rec.sink_for(leg_id))
        for prompt in self._prompts.values():
            if prompt.leg == leg_id:
                a = self._audio(leg_id)
                if a is not None:
                    prompt.startTransmit(a)

    # ------------------------------------------------------------------ bridge
    def bridge(self, customer_leg: str, agent_leg: str) -> None:
        def run():
            if customer_leg not in self._legs or agent_leg not in self._legs:
                log.warning("bridge %s-%s: leg gone", customer_leg, agent_leg)
                return
            self._bridges[(customer_leg, agent_leg)] = _Bridge(customer_leg, agent_leg)
            self._relink(customer_leg)
        self._submit(run)

    def unbridge(self, customer_leg: str, agent_leg: str) -> None:
        def run():
            b = self._bridges.pop((customer_leg, agent_leg), None)
            if b is None:
                return
            self._unlink(customer_leg, agent_leg)
            self._emit(BridgeRemoved(customer_leg=customer_leg, agent_leg=agent_leg, at=self._clock()))
        self._submit(run)

    def monitor(self, customer_leg: str, agent_leg: str, monitor_leg: str) -> None:
        def run():
            self._monitors[monitor_leg] = _Monitor(customer_leg, agent_leg, monitor_leg)
            self._relink(monitor_leg)
        self._submit(run)

    def stop_monitor(self, monitor_leg: str) -> None:
        self._submit(lambda: self._stop_monitor_now(monitor_leg))

    def _stop_monitor_now(self, monitor_leg: str) -> None:
        m = self._monitors.pop(monitor_leg, None)
        if m is None:
            return
        listener = self._audio(m.listener)
        if listener is None:
            return
        for src in (m.customer, m.agent):
            a = self._audio(src)
            if a is not None:
                a.stopTransmit(listener)

    # ------------------------------------------------------------------ prompts
    def play(self, leg: str, wav_path: str, *, loop: bool = False) -> str:
        prompt_id = self._new_id("p")

        def run():
            if leg not in self._legs:
                self._emit(PromptEnded(leg=leg, prompt_id=prompt_id, completed=False, at=self._clock()))
                return
            try:
                player = create_prompt(prompt_id, leg, wav_path, loop)
            except Exception as exc:
                log.warning("prompt %s: %s", wav_path, exc)
                self._emit(PromptEnded(leg=leg, prompt_id=prompt_id, completed=False, at=self._clock()))
                return
            self._prompts[prompt_id] = player
            a = self._audio(leg)
            if a is not None:
                player.startTransmit(a)
        self._submit(run)
        return prompt_id

    def stop_prompt(self, prompt_id: str) -> None:
        self._submit(lambda: self._drop_prompt(prompt_id, completed=False))

    def _drop_prompt(self, prompt_id: str, completed: bool) -> None:
        player = self._prompts.pop(prompt_id, None)
        if player is None:
            return
        a = self._audio(player.leg)
        if a is not None:
            player.stopTransmit(a)
        self._emit(PromptEnded(leg=player.leg, prompt_id=prompt_id, completed=completed, at=self._clock()))
        self._graveyard.append(player)

    def _end_played_prompts(self) -> None:
        now = time.monotonic()
        for pid in [pid for pid, p in self._prompts.items() if p.ended(now)]:
            self._drop_prompt(pid, completed=True)

    # ------------------------------------------------------------------ recording
    def record(self, legs: tuple[str, ...], path: str, *, per_leg: bool = False) -> str:
        rid = self._new_id("r")
        legs = tuple(legs)

        def run():
            try:
                rec = create_recording(rid, legs, path, per_leg)
            except Exception as exc:
                log.warning("recording %s: %s", path, exc)
                self._emit(RecordingFinished(recording_id=rid, legs=legs, files=(), at=self._clock()))
                return
            self._recordings[rid] = rec
            for leg in legs:
                a = self._audio(leg)
                if a is not None:
                    a.startTransmit(rec.sink_for(leg))
        self._submit(run)
        return rid

    def stop_recording(self, recording_id: str) -> None:
        self._submit(lambda: self._finish_recording(recording_id))

    def _finish_recording(self, rid: str) -> None:
        rec = self._recordings.pop(rid, None)
        if rec is None:
            return
        for leg in rec.legs:
            a = self._audio(leg)
            if a is not None:
                try:
                    a.stopTransmit(rec.sink_for(leg))
                except Exception:
                    pass
        # destroying the recorder writes the WAV header; dropping the last reference does it now
        rec.recorders.clear()
        self._emit(RecordingFinished(recording_id=rid, legs=rec.legs, files=rec.files, at=self._clock()))

    # ------------------------------------------------------------------ levels and AMD
    def rx_level(self, leg: str) -> int:
        """The remote's level; the first read of a leg with no listener starts the measurement (reads 0)."""
        self._assert_owner()
        lg = self._legs.get(leg)
        if lg is None:
            return 0
        if not lg.level_sink:
            self._set_level_sink(lg, True)
        a = self._audio(leg)
        # pjsua2 names directions from the bridge's side: what the far end sends us is the
        # level the call's port transmits into the bridge, getTxLevel(); getRxLevel() reads 0
        return a.getTxLevel() if a is not None else 0

    def _set_level_sink(self, leg, on: bool) -> None:
        # the bridge measures a port's rx level only while the port has a listener: the null
        # sound device is a listener that costs nothing downstream
        leg.level_sink = on
        a = self._audio(leg.leg)
        if a is None:
            return
        sink = self._ep.audDevManager().getPlaybackDevMedia()
        if on:
            a.startTransmit(sink)
        else:
            a.stopTransmit(sink)

    def _sample_amd(self, now: float) -> None:
        step = self.config.amd_sample_ms / 1000.0
        for leg in list(self._legs.values()):
            if leg.amd is None or leg.answered_at is None or leg.ended or now < leg.amd_next:
                continue
            if not leg.level_sink:
                self._set_level_sink(leg, True)
            leg.amd_next = now + step
            t_ms = int((now - leg.answered_at) * 1000)
            result = leg.amd.feed(t_ms, self.rx_level(leg.leg))
            if result is None and t_ms < self.config.amd_analysis_ms:
                continue
            decision = getattr(result, "decision", None)
            decision = getattr(decision, "name", decision) or "NOTSURE"
            leg.amd = None
            self._set_level_sink(leg, False)
            self._emit(AmdDecided(leg=leg.leg, decision=str(decision), detail=result, at=now))


def _default_amd():
    from telephony.amd import AmdDetector, AmdParams   # the AMD engineer's detector, default tuning
    return AmdDetector(AmdParams())
