"""A whole simulated call centre in real processes, for end-to-end tests:
carrier simulator, softphone simulator (agents' SIP legs), dialer pod(s),
an RQ worker and the simulated agents' consoles (dialer.agentbot)."""
from __future__ import annotations

import json
import os
import random
import signal
import socket
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from core import events
from core.auth.passwords import hash_password

ROOT = Path(__file__).resolve().parents[2]
AUDIO = os.environ.get("AUDIO_DIR", str(ROOT.parent / "shared" / "data" / "audio"))


def free_port() -> int:
    while True:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if port < 60000:
            return port


def hours_around_now(zone: str) -> dict:
    """Calling hours that are open now in `zone` (tests run at any hour)."""
    local = datetime.now(ZoneInfo(zone))
    start = (local - timedelta(hours=2)).replace(minute=0)
    end = (local + timedelta(hours=3)).replace(minute=0)
    if end.date() != local.date() or start.date() != local.date():
        return {"start": "00:00", "end": "23:59"}
    return {"start": start.strftime("%H:%M"), "end": end.strftime("%H:%M")}


def seed_campaign(session, leads: int, agents: int = 3, state: str = "live", amd: bool = True,
                  dial_mode: str = "predictive") -> dict:
    from campaigns.defaults import disposition_rows
    from campaigns.models import (CallerId, CallerIdPool, CallList, Campaign, CampaignState, Disposition, Lead,
                                  campaign_agents, campaign_caller_pools)
    from core.clock import utcnow
    from core.models import Role, User
    from scripts_mgmt.models import Script, ScriptVersion, VersionStatus

    agent_rows = [User(username=f"e2e-agent{i}", role=Role.AGENT, display_name=f"Agent {i}",
                       password_hash=hash_password("agent-pass-1"), agent_pin=f"{7000 + i}")
                  for i in range(1, agents + 1)]
    session.add_all(agent_rows)
    script = Script(name="e2e")
    script.versions.append(ScriptVersion(number=1, status=VersionStatus.APPROVED, content="您好 {{姓名}}"))
    session.add(script)
    session.flush()
    campaign = Campaign(
        code="E2E", name="end to end", state=CampaignState(state), jurisdiction="custom", timezone="Asia/Shanghai",
        rules={"calling_hours": hours_around_now("Asia/Shanghai"), "min_ring_seconds": 2,
               "ring_timeout_seconds": 5, "lockout_72h": False, "max_attempts_per_lead": 3,
               "max_attempts_per_number_per_day": 3,
               "retry_delays_minutes": {"no_answer": 600, "busy": 600, "machine": 600, "abandoned": 600}},
        dial_mode=dial_mode, dial_settings={"amd": amd}, wrapup_seconds=10,
        script_version_id=script.versions[0].id, safe_harbour_audio=os.path.join(AUDIO, "safe_harbor_en.wav"))
    session.add(campaign)
    session.flush()
    pool = CallerIdPool(name="e2e pool")
    pool.numbers = [CallerId(number_e164="+862161234567", label="SH", verified=True, daily_cap=10000,
                             area_code="21", region="Shanghai")]
    session.add(pool)
    session.flush()
    session.execute(campaign_caller_pools.insert().values(campaign_id=campaign.id, pool_id=pool.id))
    for agent in agent_rows:
        session.execute(campaign_agents.insert().values(campaign_id=campaign.id, user_id=agent.id,
                                                        trial_agent=False))
    session.execute(Disposition.__table__.insert(), disposition_rows(campaign.id))
    call_list = CallList(campaign_id=campaign.id, name="e2e list")
    session.add(call_list)
    session.flush()
    session.execute(Lead.__table__.insert(), [
        {"campaign_id": campaign.id, "list_id": call_list.id, "phone_raw": f"138{i:08d}",
         "phone_e164": f"+86138{i:08d}", "number_type": "mobile", "region_code": "CN",
         "timezone": "Asia/Shanghai", "name": f"客户{i}", "fields": {"姓名": f"客户{i}"}, "status": "new",
         "attempt_count": 0, "priority": 0, "in_trial_sample": False, "created_at": utcnow(), "alt_phones": []}
        for i in range(1, leads + 1)])
    session.commit()
    return {"campaign_id": campaign.id, "agent_ids": [a.id for a in agent_rows],
            "pins": [a.agent_pin for a in agent_rows]}


class CallCentre:
    def __init__(self, tmp: Path, database_url: str, redis_url: str, carrier_mix: str, seed: int = 3):
        self.tmp = tmp
        self.env = dict(os.environ, DATABASE_URL=database_url, REDIS_URL=redis_url, PYTHONPATH=str(ROOT),
                        INSTANCE_PATH=str(tmp / "instance"), RECORDINGS_DIR=str(tmp / "recordings"),
                        AUDIO_DIR=AUDIO, APP_ENV="development", PYTHONUNBUFFERED="1", LOG_LEVEL="INFO")
        self.carrier_port = free_port()
        self.carrier_mix = carrier_mix
        self.seed = seed
        self.procs: dict[str, subprocess.Popen] = {}
        self.carrier_log = tmp / "carrier.jsonl"
        self.pod_ports: dict[str, int] = {}

    def _spawn(self, name: str, argv: list[str], env: dict | None = None) -> subprocess.Popen:
        out = open(self.tmp / f"{name}.log", "ab")
        proc = subprocess.Popen(argv, cwd=ROOT, env=env or self.env, stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL)
        self.procs[name] = proc
        return proc

    def start_carrier(self, talk=(2.0, 4.0), ring=(0.5, 2.0)) -> None:
        self._spawn("carrier", [sys.executable, "-m", "telephony.sim.carrier", "--port", str(self.carrier_port),
                                "--rtp-port", str(random.randrange(20000, 30000, 200)), "--seed", str(self.seed),
                                "--mix", self.carrier_mix, "--ring-min", str(ring[0]), "--ring-max", str(ring[1]),
                                "--talk-min", str(talk[0]), "--talk-max", str(talk[1]), "--machine-talk", "8",
                                "--no-answer-timeout", "30", "--audio-dir", AUDIO, "--log", str(self.carrier_log)])
        self.wait_log(self.carrier_log, lambda e: e.get("event") == "started", 20)

    def start_pod(self, pod_id: str = "pod-1") -> None:
        port = self.pod_ports.get(pod_id) or free_port()
        self.pod_ports[pod_id] = port
        env = dict(self.env, SIP_PORT=str(port), SIP_TRUNK_URI=f"sip:127.0.0.1:{self.carrier_port}",
                   SIP_RTP_PORT_START=str(30000 + 1000 * (len(self.pod_ports) % 8)), SIP_RTP_PORT_RANGE="800",
                   POD_ID=pod_id)
        self._spawn(pod_id, [sys.executable, "-m", "dialer", "--pod-id", pod_id], env)

    def start_worker(self) -> None:
        self._spawn("worker", [sys.executable, "-m", "flask", "--app", "wsgi", "worker", "--no-cron"])

    def start_softphones(self, pins: list[str], pod_id: str = "pod-1") -> None:
        name = f"softphone-{pod_id}"
        self._spawn(name, [sys.executable, "-m", "telephony.sim.softphone", "--port", str(free_port()),
                           "--rtp-port", str(random.randrange(50000, 58000, 200)),
                           "--dial", f"sip:127.0.0.1:{self.pod_ports[pod_id]}", "--pins", ",".join(pins),
                           "--audio", os.path.join(AUDIO, "agent_pitch_zh.wav"),
                           "--log", str(self.tmp / f"{name}.jsonl")])

    def start_agentbot(self, campaign_id: int, agent_ids: list[int]) -> None:
        self._spawn("agentbot", [sys.executable, "-m", "dialer.agentbot", "--campaign", str(campaign_id),
                                 "--agents", ",".join(map(str, agent_ids)), "--seed", str(self.seed),
                                 "--wrapup-min", "0.5", "--wrapup-max", "1.5"])

    def kill(self, name: str, sig=signal.SIGKILL) -> None:
        proc = self.procs.get(name)
        if proc and proc.poll() is None:
            proc.send_signal(sig)
            proc.wait(15)

    def stop(self) -> dict:
        codes = {}
        order = ["agentbot"] + [n for n in self.procs if n.startswith("softphone")] + \
                [n for n in self.procs if n.startswith("pod")] + ["worker", "carrier"]
        for name in order:
            proc = self.procs.get(name)
            if proc is None:
                continue
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(20)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(5)
            codes[name] = proc.returncode
        return codes

    def carrier_calls(self) -> list[dict]:
        out = []
        if self.carrier_log.exists():
            for line in self.carrier_log.read_text().splitlines():
                try:
                    e = json.loads(line)
                except ValueError:
                    continue
                if e.get("event") == "call":
                    out.append(e)
        return out

    @staticmethod
    def wait_log(path: Path, pred, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if path.exists():
                for line in path.read_text().splitlines():
                    try:
                        if pred(json.loads(line)):
                            return
                    except ValueError:
                        pass
            time.sleep(0.2)
        raise TimeoutError(f"{path} never showed the expected line")

    def log_text(self, name: str) -> str:
        p = self.tmp / f"{name}.log"
        return p.read_text(errors="replace")[-6000:] if p.exists() else ""


def set_live(redis_client, campaign_id: int, state: str = "live") -> None:
    from core.clock import utcnow

    events.publish_campaign_state(redis_client, campaign_id, state, utcnow())
