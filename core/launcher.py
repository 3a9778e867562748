"""Runs a whole site on one machine: the demo call centre, or any subset.

`python -m core.launcher demo` prepares the instance folder (embedded Redis,
migrations, demo data) and starts the processes of ARCHITECTURE.md as
children, restarting any that dies, until Ctrl-C.
"""
from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable


@dataclass
class Child:
    name: str
    argv: list[str]
    env: dict = field(default_factory=dict)
    delay: float = 0.0  # seconds to wait before the first start (the pod before the softphones)
    proc: subprocess.Popen | None = None
    restarts: int = 0
    started_at: float = 0.0

    def start(self, base_env: dict) -> None:
        env = {**base_env, **self.env}
        self.proc = subprocess.Popen(self.argv, cwd=ROOT, env=env)
        self.started_at = time.monotonic()
        print(f"[launcher] started {self.name} (pid {self.proc.pid})", flush=True)


def prepare(instance: str, leads: int = 2000) -> dict:
    """Embedded Redis, schema at head, demo data; returns the children's environment."""
    from config import load_config
    from core.migrate import upgrade_head
    from core.redis_conn import resolve_url

    os.environ.setdefault("INSTANCE_PATH", instance)
    config = load_config()
    redis_url = resolve_url(config.REDIS_URL, config.INSTANCE_PATH)
    upgrade_head(config.DATABASE_URL)
    from core.db import db
    from core.seed import seed

    db.configure(config.DATABASE_URL)
    session = db.session()
    for line in seed(session, os.environ.get("DEMO_ADMIN_PASSWORD", "admin12345"), leads=leads):
        print(f"[launcher] {line}", flush=True)
    demo = _go_live(session, redis_url)
    db.session.remove()
    env = dict(os.environ)
    env.update({
        "INSTANCE_PATH": config.INSTANCE_PATH,
        "DATABASE_URL": config.DATABASE_URL,
        "REDIS_URL": redis_url,
        "PYTHONUNBUFFERED": "1",
        "DEMO_CAMPAIGN_ID": str(demo["campaign_id"]),
        "DEMO_BOT_AGENTS": ",".join(map(str, demo["bot_agents"])),
        "DEMO_PINS": ",".join(demo["pins"]),
    })
    return env


def _go_live(session, redis_url: str) -> dict:
    """Put the demo campaign into formal calling (the trial waived, on record)."""
    from sqlalchemy import select

    from campaigns.models import Campaign, CampaignState, CampaignTransition
    from core.clock import utcnow
    from core.events import publish_campaign_state
    from core.models import User
    from core.redis_conn import get_redis

    campaign = session.scalar(select(Campaign).where(Campaign.code == "DEMO"))
    if campaign.state is not CampaignState.LIVE:
        session.add(CampaignTransition(campaign_id=campaign.id, from_state=campaign.state, to_state=CampaignState.LIVE,
                                       action="demo_launch", reason="demo: trial waived, simulated carrier"))
        campaign.trial_waived = True
        campaign.trial_waiver_reason = "demo with a simulated carrier"
        campaign.state = CampaignState.LIVE
        session.commit()
    publish_campaign_state(get_redis(redis_url), campaign.id, "live", utcnow())
    agents = {u.username: u for u in session.scalars(select(User).where(User.username.in_(
        ["agent1", "agent2", "agent3"])))}
    return {"campaign_id": campaign.id, "bot_agents": [agents["agent2"].id, agents["agent3"].id],
            "pins": [agents[n].agent_pin for n in ("agent1", "agent2", "agent3")]}


def demo_children(host: str, port: int, env: dict) -> list[Child]:
    """Web, worker, carrier simulator, one pod, three softphones, two simulated agents.

    agent1 is left to a person: log in as agent1 in the console (the softphone
    simulator holds its SIP leg) and take calls beside agent2 and agent3."""
    audio = env.get("AUDIO_DIR") or str(ROOT.parent / "shared" / "data" / "audio")
    return [
        Child("web", [PY, "-m", "gunicorn", "--worker-class", "gthread", "--threads", "32", "--workers", "1",
                      "--bind", f"{host}:{port}", "--timeout", "0", "--graceful-timeout", "5", "wsgi:app"]),
        Child("worker", [PY, "-m", "flask", "--app", "wsgi", "worker"]),
        Child("carrier", [PY, "-m", "telephony.sim.carrier", "--port", "5080", "--rtp-port", "46000",
                          "--seed", "11", "--mix", "person=35,machine=25,busy=10,no_answer=20,invalid=5,congestion=5",
                          "--ring-min", "2", "--ring-max", "12", "--talk-min", "15", "--talk-max", "60",
                          "--no-answer-timeout", "40", "--audio-dir", audio, "--lang", "zh",
                          "--log", os.path.join(env["INSTANCE_PATH"], "carrier.jsonl")]),
        Child("pod", [PY, "-m", "dialer", "--pod-id", "demo-pod-1"],
              env={"SIP_PORT": "5070", "SIP_TRUNK_URI": "sip:127.0.0.1:5080"}, delay=2.0),
        Child("softphones", [PY, "-m", "telephony.sim.softphone", "--port", "5090", "--rtp-port", "48000",
                             "--dial", "sip:127.0.0.1:5070", "--pins", env["DEMO_PINS"],
                             "--audio", os.path.join(audio, "agent_pitch_zh.wav"),
                             "--log", os.path.join(env["INSTANCE_PATH"], "softphones.jsonl")], delay=6.0),
        Child("agents", [PY, "-m", "dialer.agentbot", "--campaign", env["DEMO_CAMPAIGN_ID"],
                         "--agents", env["DEMO_BOT_AGENTS"], "--wrapup-min", "3", "--wrapup-max", "10"], delay=4.0),
    ]


def supervise(children: list[Child], env: dict) -> int:
    stopping = False

    def stop(_sig, _frame):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    started = time.monotonic()
    for child in sorted(children, key=lambda c: c.delay):
        while time.monotonic() - started < child.delay and not stopping:
            time.sleep(0.1)
        child.start(env)
    while not stopping:
        time.sleep(0.5)
        for child in children:
            code = child.proc.poll()
            if code is None or stopping:
                continue
            # Back off when a child dies at once, so a broken one doesn't spin.
            quick = time.monotonic() - child.started_at < 5
            print(f"[launcher] {child.name} exited with {code}; restarting", flush=True)
            if quick:
                time.sleep(min(30, 2 ** min(child.restarts, 5)))
            child.restarts += 1
            child.start(env)
    for child in children:
        if child.proc and child.proc.poll() is None:
            child.proc.terminate()
    deadline = time.monotonic() + 10
    for child in children:
        if child.proc:
            try:
                child.proc.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.proc.kill()
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m core.launcher", description=__doc__)
    parser.add_argument("what", choices=["demo"])
    parser.add_argument("--host", default=os.environ.get("DEMO_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("DEMO_PORT", "8000")))
    parser.add_argument("--instance", default=str(ROOT / "instance"))
    parser.add_argument("--leads", type=int, default=2000, help="leads in the sample campaign (first run only)")
    args = parser.parse_args(argv)
    env = prepare(args.instance, args.leads)
    print(f"[launcher] open http://{args.host}:{args.port}/ (admin / admin12345; manager, supervisor, "
          f"agent1..3 / demo12345)", flush=True)
    return supervise(demo_children(args.host, args.port, env), env)


if __name__ == "__main__":
    sys.exit(main())
