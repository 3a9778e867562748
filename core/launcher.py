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
    proc: subprocess.Popen | None = None
    restarts: int = 0
    started_at: float = 0.0

    def start(self, base_env: dict) -> None:
        env = {**base_env, **self.env}
        self.proc = subprocess.Popen(self.argv, cwd=ROOT, env=env)
        self.started_at = time.monotonic()
        print(f"[launcher] started {self.name} (pid {self.proc.pid})", flush=True)


def prepare(instance: str) -> dict:
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
    for line in seed(session, os.environ.get("DEMO_ADMIN_PASSWORD", "admin12345")):
        print(f"[launcher] {line}", flush=True)
    db.session.remove()
    env = dict(os.environ)
    env.update({
        "INSTANCE_PATH": config.INSTANCE_PATH,
        "DATABASE_URL": config.DATABASE_URL,
        "REDIS_URL": redis_url,
        "PYTHONUNBUFFERED": "1",
    })
    return env


def demo_children(host: str, port: int) -> list[Child]:
    return [
        Child("web", [PY, "-m", "gunicorn", "--worker-class", "gthread", "--threads", "32", "--workers", "1",
                      "--bind", f"{host}:{port}", "--timeout", "0", "--graceful-timeout", "5", "wsgi:app"]),
        Child("worker", [PY, "-m", "flask", "--app", "wsgi", "worker"]),
    ]


def supervise(children: list[Child], env: dict) -> int:
    stopping = False

    def stop(_sig, _frame):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    for child in children:
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
    args = parser.parse_args(argv)
    env = prepare(args.instance)
    print(f"[launcher] open http://{args.host}:{args.port}/ (admin / admin12345; manager, supervisor, "
          f"agent1..3 / demo12345)", flush=True)
    return supervise(demo_children(args.host, args.port), env)


if __name__ == "__main__":
    sys.exit(main())
