"""Pacing: how many new calls a dialer pod should place right now.

This is the contract the pod's engine loop and the external evaluation
harness drive; keep it stable.

* ``make_pacer(mode, **settings) -> Pacer`` with modes
  ``"preview"`` (always 0: the agent dials by hand),
  ``"progressive"`` (one line per ready agent: ready - dialing - waiting),
  ``"ratio"`` (``ratio=`` x ready agents kept in flight),
  ``"vicidial"`` (the adaptive dial level described in DOMAIN.md) and
  ``"predictive"`` (``target_abandon_rate=0.03``, ``max_lines_per_agent=3.0``,
  ``safety=0.85``, ``abandon_window_s=86400``, ``patience_s=2.0`` and the
  tuning knobs listed on ``PredictivePacer``).
  ``max_lines_per_agent`` caps calls not yet with an agent (dialing +
  waiting) at that many per logged-in agent (ready + busy).
  An unknown mode or a bad setting raises ``ValueError``.
* ``Pacer.observe(PacingEvent)`` is called as things happen;
  ``Pacer.calls_to_place(PacingSnapshot)`` once per engine tick returns the
  number of new calls to place now (>= 0).
* Abandon guard: ``Pacer.set_abandon_state(rate, at_cap)``. The pod reports
  the campaign's shared abandon rate over the regulatory window (all pods
  together). While ``at_cap`` is true every mode except preview paces
  progressively (an agent for every line), which cannot abandon a call;
  normal pacing resumes once the pod reports ``at_cap=False``. Calling it is
  optional: a pacer that never hears about it paces on its own counts.

Everything here is pure: no I/O, no clock reads, no randomness. The same
sequence of calls gives the same answers. Counts in the snapshot are
trusted over the pacer's own bookkeeping, which only supplies the ages of
calls and agents' elapsed talk and wrap-up times.

How predictive mode works is told in ``PredictivePacer``'s docstring.
"""

from __future__ import annotations

import math
from bisect import bisect_left, insort
from collections import deque
from dataclasses import dataclass

import numpy as np

EVENT_KINDS = frozenset(
    {
        "dialed",
        "human",
        "machine",
        "no_answer",
        "busy",
        "failed",
        "bridged",
        "abandoned",
        "talk_ended",
        "wrapup_ended",
    }
)
# Outcomes that end a call still ringing (it leaves ``calls_dialing``).
DIAL_OUTCOMES = ("human", "machine", "no_answer", "busy", "failed")

MODES = ("preview", "progressive", "ratio", "vicidial", "predictive")


@dataclass(frozen=True)
class PacingSnapshot:
    now: float  # seconds on the engine's clock
    agents_ready: int  # logged in, idle, waiting for a call
    agents_busy: int  # talking or in wrap-up
    calls_dialing: int  # placed, not yet answered, failed or timed out
    calls_waiting: int  # answered by a person, not yet bridged to an agent


@dataclass(frozen=True)
class PacingEvent:
    kind: str  # one of EVENT_KINDS
    at: float
    # ring time for human/machine/no_answer; wait for bridged/abandoned;
    # talk time for talk_ended; wrap-up time for wrapup_ended
    duration: float = 0.0


def progressive_calls(snapshot: PacingSnapshot) -> int:
    """One line per ready agent: never more calls than agents to take them."""
    return max(0, snapshot.agents_ready - snapshot.calls_dialing - snapshot.calls_waiting)


class Pacer:
    """Base class: the abandon guard and event validation shared by all modes."""

    mode = "base"

    def __init__(self) -> None:
        self.abandon_rate: float | None = None
        self.at_cap = False

    def set_abandon_state(self, rate: float, at_cap: bool) -> None:
        """The pod's shared abandon rate over the regulatory window, and
        whether it is at the cap (then pace progressively until it is not)."""
        self.abandon_rate = float(rate)
        self.at_cap = bool(at_cap)

    def observe(self, event: PacingEvent) -> None:
        if event.kind not in EVENT_KINDS:
            raise ValueError(f"unknown pacing event kind {event.kind!r}; expected one of {sorted(EVENT_KINDS)}")
        self._observe(event)

    def calls_to_place(self, snapshot: PacingSnapshot) -> int:
        if self.at_cap:
            self._decide(snapshot)  # keep the mode's own state (samples, clocks) moving
            return progressive_calls(snapshot)
        return max(0, int(self._decide(snapshot)))

    # Subclasses override these two.
    def _observe(self, event: PacingEvent) -> None:
        return None

    def _decide(self, snapshot: PacingSnapshot) -> int:
        raise NotImplementedError


class PreviewPacer(Pacer):
    """Agents dial by hand; the pacer never places calls."""

    mode = "preview"

    def calls_to_place(self, snapshot: PacingSnapshot) -> int:
        return 0

    def _decide(self, snapshot: PacingSnapshot) -> int:
        return 0


class ProgressivePacer(Pacer):
    mode = "progressive"

    def _decide(self, snapshot: PacingSnapshot) -> int:
        return progressive_calls(snapshot)


class RatioPacer(Pacer):
    """Power dialing: keep ``ratio`` x ready agents calls in flight.

    Calls in flight are those dialing plus those answered and waiting; the
    target is rounded half up so that e.g. 1.5 x 1 ready agent is 2 lines.
    """

    mode = "ratio"

    def __init__(self, ratio: float) -> None:
        super().__init__()
        self.ratio = _positive("ratio", ratio)

    def _decide(self, snapshot: PacingSnapshot) -> int:
        goal = math.floor(self.ratio * snapshot.agents_ready + 0.5)
        return goal - snapshot.calls_dialing - snapshot.calls_waiting


class VicidialPacer(Pacer):
    """The adaptive dial level of the best-known open-source dialer, written
    from its description in DOMAIN.md (not from its code).

    Once a second it samples ready agents minus calls waiting; every
    ``adapt_every_s`` it moves the dial level (lines per logged-in agent) by
    the mean of the last 15 samples divided by the agents logged in, within
    [min_level, max_level]. Once a minute it computes the drop rate of the
    current day (drops / person answers, reset at each day boundary of the
    engine clock); over the target it applies ``drop_method``: ``"hard"``
    pins the level to ``min_level`` while over, ``"average"`` halves it.
    Lines in use (dialing + waiting + talking) are kept at level x agents.
    """

    mode = "vicidial"

    def __init__(
        self,
        target_abandon_rate: float = 0.03,
        max_lines_per_agent: float = 3.0,
        min_level: float = 1.0,
        initial_level: float = 1.0,
        adapt_every_s: float = 15.0,
        drop_check_every_s: float = 60.0,
        drop_method: str = "hard",
        samples: int = 15,
    ) -> None:
        super().__init__()
        self.target = _rate("target_abandon_rate", target_abandon_rate)
        self.max_level = _positive("max_lines_per_agent", max_lines_per_agent)
        self.min_level = _positive("min_level", min_level)
        if self.min_level > self.max_level:
            raise ValueError("min_level must not exceed max_lines_per_agent")
        if drop_method not in ("hard", "average"):
            raise ValueError(f"drop_method must be 'hard' or 'average', not {drop_method!r}")
        self.level = min(max(_positive("initial_level", initial_level), self.min_level), self.max_level)
        self.adapt_every_s = _positive("adapt_every_s", adapt_every_s)
        self.drop_check_every_s = _positive("drop_check_every_s", drop_check_every_s)
        self.drop_method = drop_method
        self._samples: deque[int] = deque(maxlen=int(_positive("samples", samples)))
        self._last_sample: float | None = None
        self._last_adapt: float | None = None
        self._last_drop_check: float | None = None
        self._over_cap = False
        self._day: int | None = None
        self._answers = 0
        self._drops = 0

    def _observe(self, event: PacingEvent) -> None:
        day = int(event.at // 86400)
        if day != self._day:  # its drop rate resets daily
            self._day, self._answers, self._drops = day, 0, 0
        if event.kind == "human":
            self._answers += 1
        elif event.kind == "abandoned":
            self._drops += 1

    def _decide(self, snapshot: PacingSnapshot) -> int:
        now = snapshot.now
        agents = snapshot.agents_ready + snapshot.agents_busy
        if self._last_sample is None or now - self._last_sample >= 1.0:
            self._last_sample = now
            self._samples.append(snapshot.agents_ready - snapshot.calls_waiting)
        if self._last_drop_check is None:
            self._last_drop_check = self._last_adapt = now
        if now - self._last_drop_check >= self.drop_check_every_s:
            self._last_drop_check = now
            rate = self._drops / self._answers if self._answers else 0.0
            was_over, self._over_cap = self._over_cap, rate > self.target
            if self._over_cap and self.drop_method == "hard":
                self.level = self.min_level
            elif self._over_cap and not was_over:
                self.level = max(self.min_level, self.level / 2)
        if now - self._last_adapt >= self.adapt_every_s and self._samples:
            self._last_adapt = now
            if not (self._over_cap and self.drop_method == "hard"):
                diff = sum(self._samples) / len(self._samples)
                self.level += diff / max(1, agents)
                self.level = min(max(self.level, self.min_level), self.max_level)
        goal = math.floor(self.level * agents + 0.5)
        in_use = snapshot.agents_busy + snapshot.calls_dialing + snapshot.calls_waiting
        return goal - in_use


_RING_BINS = 120  # seconds from dial to an outcome that we keep, in 1 s bins
_TALK_BINS = 3600
_WRAP_BINS = 900
_OUTCOME_INDEX = {kind: i for i, kind in enumerate(DIAL_OUTCOMES)}
_HUMAN = _OUTCOME_INDEX["human"]


class PredictivePacer(Pacer):
    """Predictive dialing that holds the abandon rate under a target.

    It learns online, from events only:

    * the outcome of a dial and when it happens (a decayed joint histogram
      of outcome x seconds from dial, so the answer rate may drift), which
      gives, for a call that has rung ``a`` seconds, the chance that a person
      answers within the next ``t`` seconds;
    * talk and wrap-up time distributions, which give, for an agent ``e``
      seconds into talk or wrap-up, the chance of being free within ``t``.

    Each tick it scores the j-th new call by the chance that, if a person
    answers it, no agent is free within ``patience_s`` of the answer: the
    persons answered before it (in-flight calls by age, the other new calls,
    and calls the next seconds will place at the recent dial rate) against
    the ready agents plus those freeing up, as a Poisson-binomial with a
    skew-corrected normal approximation (a plain normal underprices the
    few-per-cent tail that matters here by a factor of 2-3). It places the
    calls whose score is under a risk threshold.

    The threshold is a feedback controller on the abandon budget over the
    regulatory window: ``safety`` x target x person answers (at least
    ``guard_min_answers``), minus abandons, minus a cushion. Spare budget
    raises the threshold exponentially, each abandon lowers it. The budget
    counts the first ``guard_min_answers`` answers at ``safety`` x target and
    every later one at ``aim`` x target (``aim`` defaults to ``safety``;
    raising it spends more of the budget, which the benchmark found unsafe
    for 5-agent teams). Over the target on its own counts it only places
    calls scored under ``over_risk`` (0 = progressive); the first ``warmup_outcomes`` dials are paced
    progressively while the answer rate is still unknown; when the pod
    reports the shared rate at the cap it paces progressively.
    """

    mode = "predictive"

    def __init__(
        self,
        target_abandon_rate: float = 0.03,
        max_lines_per_agent: float = 3.0,
        safety: float = 0.85,
        abandon_window_s: float = 86400.0,
        patience_s: float = 2.0,
        horizon_s: float = 40.0,
        call_memory: float = 800.0,
        agent_memory: float = 300.0,
        refresh_every_s: float = 20.0,
        risk_base: float = 0.05,
        risk_gain: float = 0.3,
        risk_cushion: float = 1.0,
        risk_min: float = 0.002,
        risk_max: float = 0.5,
        guard_min_answers: float = 100.0,
        warmup_outcomes: int = 40,
        guard_tokens: float = 0.0,
        future_weight: float = 1.0,
        aim: float | None = None,
        over_risk: float = 0.005,
    ) -> None:
        super().__init__()
        self.target = _rate("target_abandon_rate", target_abandon_rate)
        self.max_lines_per_agent = _positive("max_lines_per_agent", max_lines_per_agent)
        self.safety = _positive("safety", safety)
        if self.safety > 1:
            raise ValueError("safety must be in (0, 1]: it is the share of the target to aim at")
        self.window_s = _positive("abandon_window_s", abandon_window_s)
        self.patience = int(math.ceil(_positive("patience_s", patience_s)))
        self.horizon = int(math.ceil(_positive("horizon_s", horizon_s)))
        self.call_memory = _positive("call_memory", call_memory)
        self.agent_memory = _positive("agent_memory", agent_memory)
        self.refresh_every_s = _positive("refresh_every_s", refresh_every_s)
        self.risk_base = _rate("risk_base", risk_base)
        self.risk_gain = _positive("risk_gain", risk_gain)
        self.risk_cushion = float(risk_cushion)
        self.risk_min = _rate("risk_min", risk_min)
        self.risk_max = _rate("risk_max", risk_max)
        self.guard_min_answers = float(guard_min_answers)
        self.warmup_outcomes = int(warmup_outcomes)
        self.guard_tokens = float(guard_tokens)
        self.future_weight = float(future_weight)
        self.aim = self.safety if aim is None else _positive("aim", aim)
        if not self.safety <= self.aim <= 1:
            raise ValueError("aim must be in [safety, 1]: the share of the target spent beyond guard_min_answers")
        self.over_risk = float(over_risk)
        if not 0.0 <= self.over_risk < 1.0:
            raise ValueError(f"over_risk must be in [0, 1), not {over_risk!r}")
        self._outcomes_seen = 0

        # Priors from DOMAIN.md's typical figures; real outcomes wash them out.
        self._ring = np.zeros((len(DIAL_OUTCOMES), _RING_BINS))
        for kind, share, median, sigma in (
            ("human", 0.20, 8.0, 0.7),
            ("machine", 0.35, 12.0, 0.4),
            ("no_answer", 0.30, 25.5, 0.01),
            ("busy", 0.05, 3.0, 0.3),
            ("failed", 0.10, 1.5, 0.3),
        ):
            self._ring[_OUTCOME_INDEX[kind]] += _lognormal_bins(_RING_BINS, median, sigma, 20.0 * share)
        self._talk = _lognormal_bins(_TALK_BINS, 120.0, 0.6, 5.0)
        self._wrap = _lognormal_bins(_WRAP_BINS, 20.0, 0.4, 5.0)
        self._new_calls = 0
        self._new_agents = 0
        self._refreshed_at: float | None = None
        self._refreshes = 0

        self._inflight: list[float] = []  # dial times of calls still ringing
        self._talking: list[float] = []  # bridge times of agents talking
        self._wrapping: list[float] = []  # wrap-up start times
        self._answers: deque[float] = deque()  # person answers in the window
        self._abandons: deque[float] = deque()
        self.risk = self.risk_base
        self.dial_rate = 0.0  # calls per second, smoothed over about a minute
        self._dials_since_rate = 0
        self._rate_at: float | None = None
        self.last_scores: np.ndarray | None = None

    # --- learning -------------------------------------------------------
    def _observe(self, event: PacingEvent) -> None:
        kind, at = event.kind, event.at
        if kind == "dialed":
            insort(self._inflight, at)
            self._dials_since_rate += 1
        elif kind in _OUTCOME_INDEX:
            dialed_at = _remove_nearest(self._inflight, at - event.duration)
            # The age at which the call left the ringing state is what pacing
            # needs, which with AMD is the ring time plus the detection time.
            age = at - dialed_at if dialed_at is not None else event.duration
            self._ring[_OUTCOME_INDEX[kind], min(max(int(age), 0), _RING_BINS - 1)] += 1.0
            self._new_calls += 1
            self._outcomes_seen += 1
            if kind == "human":
                self._answers.append(at)
        elif kind == "abandoned":
            self._abandons.append(at)
        elif kind == "bridged":
            insort(self._talking, at)
        elif kind == "talk_ended":
            _remove_nearest(self._talking, at - event.duration)
            insort(self._wrapping, at)
            self._talk[min(max(int(event.duration), 0), _TALK_BINS - 1)] += 1.0
            self._new_agents += 1
        elif kind == "wrapup_ended":
            _remove_nearest(self._wrapping, at - event.duration)
            self._wrap[min(max(int(event.duration), 0), _WRAP_BINS - 1)] += 1.0
            self._new_agents += 1

    def _refresh(self, now: float) -> None:
        """Forget old evidence and rebuild the conditional probability tables."""
        self._refreshed_at = now
        self._ring *= 0.5 ** (self._new_calls / self.call_memory)
        self._new_calls = 0
        self._answer_within = _conditional(self._ring[_HUMAN], self._ring.sum(axis=0), self.horizon)
        self._refreshes += 1
        if self._refreshes % 6 == 1:  # agent tables change slowly and cost more to build
            decay = 0.5 ** (self._new_agents / (2 * self.agent_memory))
            self._talk *= decay
            self._wrap *= decay
            self._new_agents = 0
            reach = self.horizon + self.patience
            self._wrap_free = _conditional(self._wrap, self._wrap, reach)
            self._talk_free = _talk_then_wrap(self._talk, self._wrap, reach)

    # --- deciding -------------------------------------------------------
    def window_counts(self, now: float) -> tuple[int, int]:
        """Person answers and abandons inside the regulatory window."""
        start = now - self.window_s
        while self._answers and self._answers[0] < start:
            self._answers.popleft()
        while self._abandons and self._abandons[0] < start:
            self._abandons.popleft()
        return len(self._answers), len(self._abandons)

    def allowed_abandons(self, answers: int) -> float:
        """The abandon budget the controller spends over the window: the first
        ``guard_min_answers`` answers (counted at least that many, so that the
        first abandons of a shift do not look like a high rate) are budgeted
        at ``safety`` x target, every answer beyond at ``aim`` x target."""
        floor = self.guard_min_answers
        return self.target * (self.safety * max(answers, floor) + (self.aim - self.safety) * max(0.0, answers - floor))

    def _risk_threshold(self, answers: int, abandons: int) -> float:
        slack = self.allowed_abandons(answers) - abandons - self.risk_cushion
        risk = self.risk_base * math.exp(max(-30.0, min(30.0, self.risk_gain * slack)))
        return min(max(risk, self.risk_min), self.risk_max)

    def _decide(self, snapshot: PacingSnapshot) -> int:
        now = snapshot.now
        if self._refreshed_at is None or now - self._refreshed_at >= self.refresh_every_s:
            self._refresh(now)
        ready, busy = snapshot.agents_ready, snapshot.agents_busy
        dialing, waiting = snapshot.calls_dialing, snapshot.calls_waiting
        self._reconcile(now, dialing, busy)
        self._update_dial_rate(now)
        answers, abandons = self.window_counts(now)
        agents = ready + busy
        room = math.floor(self.max_lines_per_agent * agents + 1e-9) - dialing - waiting
        if agents <= 0 or room <= 0:
            return 0
        if self._outcomes_seen < self.warmup_outcomes:
            # Until a few dials have told us this list's answer rate, a burst
            # on the priors could bring more people than agents.
            return progressive_calls(snapshot)
        if self.target * max(answers, self.guard_min_answers) - abandons < self.guard_tokens:
            # Over the target on our own counts: only near-riskless calls
            # (score under ``over_risk``) until the answers since have earned
            # the budget back. Falling back to progressive here (over_risk=0)
            # left small teams idle for up to a quarter of the shift.
            self.risk = self.over_risk
            if self.risk <= 0.0:
                return progressive_calls(snapshot)
        else:
            self.risk = self._risk_threshold(answers, abandons)
        scores = self._scores(now, ready - waiting, dialing, busy, room)
        self.last_scores = scores
        over = np.nonzero(scores > self.risk)[0]
        return int(over[0]) if len(over) else len(scores)

    def _update_dial_rate(self, now: float) -> None:
        if self._rate_at is None:
            self._rate_at = now
        elapsed = now - self._rate_at
        if elapsed >= 1.0:
            keep = math.exp(-elapsed / 60.0)
            self.dial_rate = keep * self.dial_rate + (1 - keep) * self._dials_since_rate / elapsed
            self._dials_since_rate, self._rate_at = 0, now

    def _reconcile(self, now: float, dialing: int, busy: int) -> None:
        """Trust the snapshot's counts: forget the oldest calls or agents we
        track beyond them (their closing event never came)."""
        if len(self._inflight) > dialing:
            del self._inflight[: len(self._inflight) - dialing]
        surplus = len(self._talking) + len(self._wrapping) - busy
        while surplus > 0:
            oldest_talk = self._talking[0] if self._talking else math.inf
            oldest_wrap = self._wrapping[0] if self._wrapping else math.inf
            (self._talking if oldest_talk <= oldest_wrap else self._wrapping).pop(0)
            surplus -= 1

    def _scores(self, now: float, free_now: int, dialing: int, busy: int, room: int) -> np.ndarray:
        """Chance that the j-th new call (j = 1..room), if answered, finds no agent."""
        h, p = self.horizon, self.patience
        ages = _ages(now, self._inflight, dialing, _RING_BINS)
        table = self._answer_within[ages]
        mean, var, skew = _cumulants(table)

        talk_missing = max(0, busy - len(self._talking) - len(self._wrapping))
        talk = self._talk_free[_ages(now, self._talking, len(self._talking) + talk_missing, _TALK_BINS)]
        wrap = self._wrap_free[_ages(now, self._wrapping, len(self._wrapping), _WRAP_BINS)]
        t_mean, t_var, t_skew = _cumulants(talk)
        w_mean, w_var, w_skew = _cumulants(wrap)
        free_mean, free_var, free_skew = t_mean + w_mean, t_var + w_var, t_skew + w_skew

        new = self._answer_within[0]
        density = new[1 : h + 1] - new[:h]  # a new call answered in second t
        weight = density.sum()
        if weight <= 1e-12:
            return np.zeros(room)
        before = new[:h]
        # Calls placed in the coming seconds can be answered before this one:
        # at the recent dial rate, a Poisson stream of extra answers.
        future = self.future_weight * self.dial_rate * np.concatenate(([0.0], np.cumsum(before[1:h])))[:h]
        others = np.arange(room, dtype=float)[:, None]
        mu = mean[:h] - free_mean[p : p + h] + future + others * before
        sd = np.sqrt(var[:h] + free_var[p : p + h] + future + others * before * (1 - before) + 1e-9)
        k3 = skew[:h] - free_skew[p : p + h] + future + others * before * (1 - before) * (1 - 2 * before)
        no_agent = _upper_tail((free_now - 0.5 - mu) / sd, k3 / sd**3)
        return (no_agent * density).sum(axis=1) / weight


def _cumulants(table: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean, variance and third cumulant of a sum of independent Bernoullis, per column."""
    spread = table * (1.0 - table)
    return table.sum(axis=0), spread.sum(axis=0), (spread * (1.0 - 2.0 * table)).sum(axis=0)


def _upper_tail(x: np.ndarray, skew: np.ndarray) -> np.ndarray:
    """P(X > x) for a standardised sum of Bernoullis: the refined normal
    approximation, whose skew term matters because the tail we price
    (a few per cent) is where a plain normal is most wrong."""
    x = np.clip(x, -12.0, 12.0)
    cdf = 0.5 * (1.0 + np.tanh(0.7978845608 * (x + 0.044715 * x**3)))
    density = np.exp(-0.5 * x * x) * 0.3989422804
    return np.clip(1.0 - cdf - skew * (1.0 - x * x) * density / 6.0, 0.0, 1.0)


def _ages(now: float, starts: list[float], count: int, bins: int) -> np.ndarray:
    """Whole seconds since each of the ``count`` most recent starts; padded
    with zeros (just started) when the snapshot counts more than we track."""
    recent = starts[len(starts) - count :] if count < len(starts) else starts
    ages = np.zeros(count, dtype=np.int64)
    if recent:
        ages[: len(recent)] = np.clip(now - np.asarray(recent), 0, bins - 1).astype(np.int64)
    return ages


def _remove_nearest(times: list[float], target: float) -> float | None:
    if not times:
        return None
    i = bisect_left(times, target)
    if i == len(times) or (i > 0 and target - times[i - 1] <= times[i] - target):
        i -= 1
    return times.pop(i)


def _conditional(hits: np.ndarray, all_: np.ndarray, reach: int) -> np.ndarray:
    """M[e, t] = P(a hit with duration in [e, e + t) | duration >= e), 1 s bins."""
    n = len(all_)
    cum_hits = np.concatenate(([0.0], np.cumsum(hits)))
    cum_all = np.concatenate(([0.0], np.cumsum(all_)))
    tail = cum_all[-1] - cum_all[:n]
    ends = np.minimum(np.arange(n)[:, None] + np.arange(reach + 1)[None, :], n)
    table = (cum_hits[ends] - cum_hits[:n, None]) / np.maximum(tail, 1e-12)[:, None]
    table[tail <= 1e-9] = 0.0  # past anything seen: assume it will not end soon
    return np.clip(table, 0.0, 1.0)


def _talk_then_wrap(talk: np.ndarray, wrap: np.ndarray, reach: int) -> np.ndarray:
    """M[e, t] = P(talk + wrap-up ends within t | talk has lasted e)."""
    n = len(talk)
    wrap_cdf = np.cumsum(wrap) / max(wrap.sum(), 1e-12)  # P(wrap < m + 1)
    padded = np.concatenate((talk, np.zeros(reach + 1)))
    table = np.zeros((n, reach + 1))
    for j in range(reach):  # talk ends in second j from now, wrap within the rest
        table[:, j + 1 :] += np.outer(padded[j : j + n], wrap_cdf[: reach - j])
    tail = np.cumsum(talk[::-1])[::-1]
    table /= np.maximum(tail, 1e-12)[:, None]
    table[tail <= 1e-9] = 0.0
    return np.clip(table, 0.0, 1.0)


def _lognormal_bins(bins: int, median: float, sigma: float, weight: float) -> np.ndarray:
    edges = np.arange(bins + 1, dtype=float)
    with np.errstate(divide="ignore"):
        z = (np.log(np.maximum(edges, 1e-9)) - math.log(median)) / (sigma * math.sqrt(2))
    cdf = 0.5 * (1 + np.vectorize(math.erf)(z))
    return weight * np.diff(cdf)


def make_pacer(mode: str, **settings) -> Pacer:
    """Build the pacer for a campaign's dial mode; ``ValueError`` if unknown or misconfigured."""
    if mode == "preview":
        factory = PreviewPacer
    elif mode == "progressive":
        factory = ProgressivePacer
    elif mode == "ratio":
        if "ratio" not in settings:
            raise ValueError("mode 'ratio' needs a ratio= setting (lines per ready agent)")
        factory = RatioPacer
    elif mode == "vicidial":
        factory = VicidialPacer
    elif mode == "predictive":
        factory = PredictivePacer
    else:
        raise ValueError(f"unknown pacing mode {mode!r}; expected one of {', '.join(MODES)}")
    try:
        return factory(**settings)
    except TypeError as exc:  # an unexpected keyword is a configuration error, not a crash
        raise ValueError(f"bad settings for pacing mode {mode!r}: {exc}") from None


def _positive(name: str, value: float) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number, not {value!r}") from None
    if not math.isfinite(number) or number <= 0:
        raise ValueError(f"{name} must be a positive finite number, not {value!r}")
    return number


def _rate(name: str, value: float) -> float:
    number = _positive(name, value)
    if number >= 1:
        raise ValueError(f"{name} must be a fraction between 0 and 1, not {value!r}")
    return number
