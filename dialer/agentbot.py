"""Simulated agents at their consoles, for the demo and the end-to-end tests.

Each agent's softphone is the softphone simulator (telephony.sim.softphone);
this process plays the person at the web console: picks the campaign, goes
ready at login, and after each call waits a sampled wrap-up time, stores a
disposition through the same service the console uses, and sends
`wrapup_done` to the pod (docs/live-state.md).

    python -m dialer.agentbot --campaign 1 --agents 4,5,6 --seed 7
"""
from __future__ import annotations

import argparse
import heapq
import json
import logging
import random
import signal
import sys
import time

from sqlalchemy import select

from core import events

log = logging.getLogger("dialer.agentbot")

DEFAULT_MIX = {"SALE": 0.15, "NOT_INTERESTED": 0.45, "CALLBACK": 0.1, "THINK_ABOUT_IT": 0.2, "DNC": 0.05,
               "WRONG_NUMBER": 0.05}


def pick(rng: random.Random, mix: dict[str, float]) -> str:
    x = rng.random() * sum(mix.values())
    for code, weight in mix.items():
        x -= weight
        if x <= 0:
            return code
    return next(iter(mix))


class AgentBot:
    def __init__(self, client, campaign_id: int, agent_ids: list[int], seed: int, wrapup: tuple[float, float],
                 mix: dict[str, float]):
        self.r = client
        self.campaign_id = campaign_id
        self.agent_ids = agent_ids
        self.rng = random.Random(seed)
        self.wrapup = wrapup
        self.mix = mix
        self.pending: list[tuple[float, int, str]] = []  # (due, agent, attempt uuid)
        self.stopping = False

    def announce(self) -> None:
        for agent_id in self.agent_ids:
            self.r.set(events.agent_wanted_key(agent_id),
                       json.dumps({"campaign_id": self.campaign_id, "method": "pin"}))

    def run(self) -> None:
        self.announce()
        pubsub = self.r.pubsub(ignore_subscribe_messages=True)
        pubsub.subscribe(*[events.agent_channel(a) for a in self.agent_ids])
        for agent_id in self.agent_ids:  # agents already logged in before this process started
            live = events.agent_live(self.r, agent_id)
            self._on_state(agent_id, live)
        while not self.stopping:
            message = pubsub.get_message(timeout=0.1)
            if message:
                try:
                    self._on_message(json.loads(message["data"]), int(message["channel"].rsplit(":", 1)[1]))
                except Exception:  # noqa: BLE001
                    log.exception("bad message %r", message)
            now = time.monotonic()
            while self.pending and self.pending[0][0] <= now:
                _, agent_id, attempt_uuid = heapq.heappop(self.pending)
                self._dispose(agent_id, attempt_uuid)
        pubsub.close()

    def _on_message(self, msg: dict, agent_id: int) -> None:
        if msg.get("type") == "state":
            self._on_state(agent_id, msg)
        elif msg.get("type") == "call" and msg.get("event") == "ended":
            delay = self.rng.uniform(*self.wrapup)
            heapq.heappush(self.pending, (time.monotonic() + delay, agent_id, msg["attempt_uuid"]))

    def _on_state(self, agent_id: int, live: dict) -> None:
        if live.get("softphone") == "connected" and live.get("state") == "paused" and live.get("reason") == "login":
            events.send_agent_command(self.r, agent_id, {"cmd": "ready"})

    def _dispose(self, agent_id: int, attempt_uuid: str) -> None:
        from campaigns.dispositions.service import apply_disposition
        from core.clock import utcnow
        from core.db import db
        from dialer.models import CallAttempt

        code = pick(self.rng, self.mix)
        now = utcnow()
        callback_at = None
        if code == "CALLBACK":
            from datetime import timedelta

            callback_at = now + timedelta(hours=2)
        try:
            with db.transaction() as s:
                attempt = s.scalar(select(CallAttempt).where(CallAttempt.uuid == attempt_uuid))
                if attempt is not None and attempt.disposition_code is None:
                    apply_disposition(s, attempt, code, agent_id, now, callback_at=callback_at,
                                      note="simulated agent", redis=self.r)
        except Exception:  # noqa: BLE001 - a refused disposition still ends the wrap-up
            log.exception("disposition %s for %s refused", code, attempt_uuid)
        events.send_agent_command(self.r, agent_id, {"cmd": "wrapup_done", "attempt_uuid": attempt_uuid})


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m dialer.agentbot", description=__doc__)
    ap.add_argument("--campaign", type=int, required=True)
    ap.add_argument("--agents", required=True, help="comma-separated user ids")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--wrapup-min", type=float, default=2.0)
    ap.add_argument("--wrapup-max", type=float, default=6.0)
    ap.add_argument("--mix", help="JSON {disposition code: weight}")
    args = ap.parse_args(argv)
    from config import load_config
    from config.logsetup import setup_logging
    from core.db import db
    from core.redis_conn import get_redis, resolve_url

    import core.all_models  # noqa: F401

    setup_logging("agentbot")
    config = load_config()
    db.configure(config.DATABASE_URL)
    url = resolve_url(config.REDIS_URL, config.INSTANCE_PATH)
    bot = AgentBot(get_redis(url), args.campaign, [int(a) for a in args.agents.split(",")], args.seed,
                   (args.wrapup_min, args.wrapup_max), json.loads(args.mix) if args.mix else DEFAULT_MIX)

    def stop(_sig, _frame):
        bot.stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    bot.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
