"""The discrete-event engine: plays a shift against a pacer, in simulated time.

The pacer is driven strictly through the contract of ``dialer.pacing``: it
hears ``PacingEvent``s as they happen and is asked, once a tick, how many
calls to place given a ``PacingSnapshot``. The engine alone knows the truth
(which answers were persons, which were machines) and keeps the figures.

Truth the pacer never sees: with AMD off, or on an AMD false negative, a
machine reaches the pod as a "human" and an agent spends a few seconds on
it; if no agent is free it is dropped, which the pacer sees as "abandoned"
but the abandon rate does not count (no person was there). An AMD false
positive is a person hung up on as a machine: the pacer sees "machine";
the figures report these separately (Ofcom asks to count an estimate of
them), not in the abandon rate.
"""

from __future__ import annotations

import bisect
import heapq
import math
import random
from collections import deque
from dataclasses import dataclass, field

from dialer.pacing import Pacer, PacingEvent, PacingSnapshot
from dialer.sim.scenario import Scenario

# Heap entry kinds.
_RESOLVE, _GIVE_UP, _TALK_END, _WRAP_END, _BREAK_END = range(5)


@dataclass
class Result:
    scenario: str
    pacer: str
    dials: int = 0
    person_answers: int = 0  # persons who answered and were passed on as live
    abandoned: int = 0  # of those, not bridged within patience
    machines_dropped: int = 0
    amd_false_positives: int = 0
    bridged: int = 0
    agent_seconds: float = 0.0  # logged-in, not on a break
    talk_seconds: float = 0.0
    wrap_seconds: float = 0.0
    wait_seconds: float = 0.0  # agents ready and idle, summed over bridges
    dial_line_seconds: float = 0.0
    worst_hour_abandon_rate: float = 0.0
    series: list[dict] = field(default_factory=list, repr=False)

    @property
    def abandon_rate(self) -> float:
        return self.abandoned / self.person_answers if self.person_answers else 0.0

    @property
    def occupancy(self) -> float:
        return (self.talk_seconds + self.wrap_seconds) / self.agent_seconds if self.agent_seconds else 0.0

    @property
    def talk_minutes_per_agent_hour(self) -> float:
        return 60.0 * self.talk_seconds / self.agent_seconds if self.agent_seconds else 0.0

    @property
    def mean_agent_wait(self) -> float:
        return self.wait_seconds / self.bridged if self.bridged else 0.0

    @property
    def lines_per_agent(self) -> float:
        return self.dial_line_seconds / self.agent_seconds if self.agent_seconds else 0.0

    def summary(self) -> dict:
        return {
            "scenario": self.scenario,
            "pacer": self.pacer,
            "dials": self.dials,
            "person_answers": self.person_answers,
            "abandoned": self.abandoned,
            "abandon_rate": round(self.abandon_rate, 5),
            "worst_hour_abandon_rate": round(self.worst_hour_abandon_rate, 5),
            "occupancy": round(self.occupancy, 5),
            "talk_min_per_agent_hour": round(self.talk_minutes_per_agent_hour, 2),
            "mean_agent_wait_s": round(self.mean_agent_wait, 2),
            "dial_lines_per_agent": round(self.lines_per_agent, 3),
            "machines_dropped": self.machines_dropped,
            "amd_false_positives": self.amd_false_positives,
        }


class _Agent:
    __slots__ = ("id", "state", "since", "break_due", "breaks")

    def __init__(self, agent_id: int, breaks: list[float]) -> None:
        self.id = agent_id
        self.state = "ready"  # ready | talk | wrap | break
        self.since = 0.0
        self.breaks = breaks  # pending break start times, ascending
        self.break_due = False


class _Party:
    __slots__ = ("answered_at", "person", "bridged")

    def __init__(self, answered_at: float, person: bool) -> None:
        self.answered_at = answered_at
        self.person = person
        self.bridged = False


class _Shift:
    def __init__(self, scenario: Scenario, pacer: Pacer, name: str, series_every_s: float) -> None:
        self.sc = scenario
        self.pacer = pacer
        self.end = scenario.shift_hours * 3600.0
        self.dial_rng = random.Random(f"{scenario.seed}-dial")
        self.agent_rng = random.Random(f"{scenario.seed}-agent")
        break_rng = random.Random(f"{scenario.seed}-breaks")
        self.agents = [_Agent(i, self._break_plan(break_rng)) for i in range(scenario.agents)]
        self.ready: deque[_Agent] = deque(self.agents)  # longest idle first
        self.waiting: deque[_Party] = deque()
        self.heap: list = []
        self.seq = 0
        self.dialing = 0
        self.busy = 0
        self.talking = 0
        self.on_break = 0
        self.result = Result(scenario=scenario.name, pacer=name)
        self.answer_times: list[float] = []
        self.abandon_times: list[float] = []
        self.series_every_s = series_every_s
        sc = scenario
        self.person_mu = math.log(sc.person_ring_median_s)
        self.person_sigma = sc.person_ring_sigma
        self.talk_mu = math.log(sc.talk_mean_s) - sc.talk_sigma**2 / 2
        self.wrap_mu = math.log(sc.wrap_mean_s) - sc.wrap_sigma**2 / 2

    def _break_plan(self, rng: random.Random) -> list[float]:
        n = self.sc.breaks_per_agent
        slots = [(k + 1) / (n + 1) * self.end + rng.uniform(-0.1, 0.1) * self.end for k in range(n)]
        return sorted(max(0.0, s) for s in slots)

    # --- plumbing -------------------------------------------------------
    def push(self, at: float, kind: int, payload=None) -> None:
        self.seq += 1
        heapq.heappush(self.heap, (at, self.seq, kind, payload))

    def tell(self, kind: str, at: float, duration: float = 0.0) -> None:
        self.pacer.observe(PacingEvent(kind, at, duration))

    # --- calls ------------------------------------------------------------
    def place_call(self, now: float) -> None:
        sc, rng = self.sc, self.dial_rng
        self.result.dials += 1
        self.dialing += 1
        self.tell("dialed", now)
        person = sc.person_rate * sc.drift_at(now / self.end)
        u = rng.random()
        amd_wait = sc.amd_delay_s * rng.uniform(0.7, 1.3) if sc.amd else 0.0
        if u < person:
            ring = rng.lognormvariate(self.person_mu, self.person_sigma)
            if ring >= sc.ring_timeout_s:
                self.push(now + sc.ring_timeout_s, _RESOLVE, ("no_answer", True, now))
            elif sc.amd and rng.random() < sc.amd_false_positive:
                self.push(now + ring + amd_wait, _RESOLVE, ("machine", True, now))
            else:
                self.push(now + ring + amd_wait, _RESOLVE, ("human", True, now))
        elif u < person + sc.machine_rate:
            ring = min(rng.lognormvariate(math.log(sc.machine_ring_median_s), 0.3), sc.ring_timeout_s - 1)
            detected = sc.amd and rng.random() >= sc.amd_false_negative
            self.push(now + ring + amd_wait, _RESOLVE, ("machine" if detected else "human", False, now))
        elif u < person + sc.machine_rate + sc.busy_rate:
            ring = rng.lognormvariate(math.log(sc.busy_median_s), 0.3)
            self.push(now + ring, _RESOLVE, ("busy", False, now))
        elif u < person + sc.machine_rate + sc.busy_rate + sc.failed_rate:
            ring = rng.lognormvariate(math.log(sc.failed_median_s), 0.3)
            self.push(now + ring, _RESOLVE, ("failed", False, now))
        else:
            self.push(now + sc.ring_timeout_s, _RESOLVE, ("no_answer", False, now))

    def resolve(self, now: float, payload) -> None:
        outcome, person, dialed_at = payload
        self.dialing -= 1
        self.tell(outcome, now, now - dialed_at)
        if outcome == "machine" and person:
            self.result.amd_false_positives += 1
        if outcome != "human":
            return
        party = _Party(now, person)
        if person:
            self.result.person_answers += 1
            self.answer_times.append(now)
        if self.ready:
            self.bridge(now, party, self.ready.popleft())
        else:
            self.waiting.append(party)
            self.push(now + self.sc.patience_s, _GIVE_UP, party)

    def give_up(self, now: float, party: _Party) -> None:
        if party.bridged:
            return
        self.waiting.remove(party)
        self.tell("abandoned", now, now - party.answered_at)
        if party.person:
            self.result.abandoned += 1
            self.abandon_times.append(now)
        else:
            self.result.machines_dropped += 1

    def bridge(self, now: float, party: _Party, agent: _Agent) -> None:
        party.bridged = True
        self.result.bridged += 1
        self.result.wait_seconds += now - agent.since
        self.tell("bridged", now, now - party.answered_at)
        agent.state, agent.since = "talk", now
        self.busy += 1
        self.talking += 1
        rng, sc = self.agent_rng, self.sc
        if party.person:
            talk = rng.lognormvariate(self.talk_mu, sc.talk_sigma)
        else:
            talk = sc.machine_talk_s * rng.uniform(0.5, 1.5)
        self.push(now + talk, _TALK_END, (agent, party.person))

    # --- agents -----------------------------------------------------------
    def talk_end(self, now: float, payload) -> None:
        agent, person = payload
        self.tell("talk_ended", now, now - agent.since)
        agent.state, agent.since = "wrap", now
        self.talking -= 1
        if person:
            wrap = self.agent_rng.lognormvariate(self.wrap_mu, self.sc.wrap_sigma)
        else:
            wrap = self.sc.machine_wrap_s * self.agent_rng.uniform(0.5, 1.5)
        self.push(now + wrap, _WRAP_END, agent)

    def wrap_end(self, now: float, agent: _Agent) -> None:
        self.tell("wrapup_ended", now, now - agent.since)
        self.busy -= 1
        if agent.breaks and agent.breaks[0] <= now:
            self.start_break(now, agent)
        else:
            self.agent_ready(now, agent)

    def agent_ready(self, now: float, agent: _Agent) -> None:
        agent.state, agent.since = "ready", now
        if self.waiting:
            self.bridge(now, self.waiting.popleft(), agent)
        else:
            self.ready.append(agent)

    def start_break(self, now: float, agent: _Agent) -> None:
        agent.breaks.pop(0)
        agent.state, agent.since = "break", now
        self.on_break += 1
        self.push(now + self.sc.break_minutes * 60.0, _BREAK_END, agent)

    def break_end(self, now: float, agent: _Agent) -> None:
        self.on_break -= 1
        self.agent_ready(now, agent)

    def send_ready_agents_on_break(self, now: float) -> None:
        for agent in [a for a in self.ready if a.breaks and a.breaks[0] <= now]:
            self.ready.remove(agent)
            self.start_break(now, agent)

    # --- the shift ----------------------------------------------------------
    def play(self) -> Result:
        sc, res = self.sc, self.result
        handlers = {
            _RESOLVE: self.resolve,
            _GIVE_UP: self.give_up,
            _TALK_END: self.talk_end,
            _WRAP_END: self.wrap_end,
            _BREAK_END: self.break_end,
        }
        tick = 0.0
        next_sample = 0.0
        window = {"talk": 0.0, "busy": 0.0, "agents": 0.0}
        while tick < self.end:
            while self.heap and self.heap[0][0] <= tick:
                at, _, kind, payload = heapq.heappop(self.heap)
                handlers[kind](at, payload)
            self.send_ready_agents_on_break(tick)
            logged_in = sc.agents - self.on_break
            snapshot = PacingSnapshot(tick, len(self.ready), self.busy, self.dialing, len(self.waiting))
            wanted = self.pacer.calls_to_place(snapshot)
            room = math.floor(sc.max_lines_per_agent * logged_in + 1e-9) - self.dialing - len(self.waiting)
            for _ in range(max(0, min(int(wanted), room))):
                self.place_call(tick)
            # Time accounting for the tick that starts now.
            talking = self.talking
            dt = min(sc.tick_s, self.end - tick)
            res.agent_seconds += logged_in * dt
            res.talk_seconds += talking * dt
            res.wrap_seconds += (self.busy - talking) * dt
            res.dial_line_seconds += self.dialing * dt
            window["talk"] += talking * dt
            window["busy"] += self.busy * dt
            window["agents"] += logged_in * dt
            if self.series_every_s and tick >= next_sample:
                next_sample += self.series_every_s
                res.series.append(
                    {
                        "t": tick,
                        "logged_in": logged_in,
                        "occupancy": window["busy"] / window["agents"] if window["agents"] else 0.0,
                        "dialing": self.dialing,
                        "abandon_rate": res.abandon_rate,
                        "person_rate": sc.person_rate * sc.drift_at(tick / self.end),
                        "risk": getattr(self.pacer, "risk", None),
                        "level": getattr(self.pacer, "level", None),
                    }
                )
                window = {"talk": 0.0, "busy": 0.0, "agents": 0.0}
            tick += sc.tick_s
        res.worst_hour_abandon_rate = worst_window_rate(self.answer_times, self.abandon_times, 3600.0, self.end)
        return res


def worst_window_rate(answers: list[float], abandons: list[float], window: float, end: float) -> float:
    """Highest abandons / person answers over windows of ``window`` seconds,
    sliding by a minute (the whole run if it is shorter)."""
    if end <= window:
        return len(abandons) / len(answers) if answers else 0.0
    worst, start = 0.0, 0.0
    while start + window <= end + 1e-9:
        n = bisect.bisect_left(answers, start + window) - bisect.bisect_left(answers, start)
        a = bisect.bisect_left(abandons, start + window) - bisect.bisect_left(abandons, start)
        if n:
            worst = max(worst, a / n)
        start += 60.0
    return worst


def run(scenario: Scenario, pacer: Pacer, name: str | None = None, series_every_s: float = 0.0) -> Result:
    """Play one shift of ``scenario`` against ``pacer`` and return the figures."""
    return _Shift(scenario, pacer, name or getattr(pacer, "mode", type(pacer).__name__), series_every_s).play()
