"""Fixtures for the telephony tests: free ports, simulator subprocesses, one pod per test session.

pjsua2 is one library instance per process, so the pod under test lives in
the pytest process for the whole session (created lazily by the ``sip``
tests only); carriers, softphones and SIPp run as subprocesses that every
test stops again.
"""
from __future__ import annotations

import json
import os
import random
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
from core.paths import AUDIO  # noqa: E402, F401  (re-exported to the test modules)
AGENTS = {"1001": "agent-1", "1002": "agent-2", "1003": "agent-3", "4242": "agent-dtmf"}
_used_ports: set[int] = set()


def free_udp_port() -> int:
    """A UDP port free now, never handed out twice in this session (with its +1 neighbour)."""
    while True:
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        s.close()
        if port < 65000 and not ({port, port + 1} & _used_ports):
            _used_ports.update({port, port + 1})
            return port


def rtp_base() -> int:
    # each process gets its own RTP range; pjsua skips ports that are taken inside the range
    return random.randrange(20000, 60000, 500)


def read_jsonl(path) -> list[dict]:
    p = Path(path)
    if not p.exists():
        return []
    out = []
    for line in p.read_text().splitlines():
        try:
            out.append(json.loads(line))
        except ValueError:
            pass
    return out


def _die_with_parent():
    # a simulator must not outlive a test process that aborted (pjsua2 aborts skip all teardown)
    import ctypes
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)   # PR_SET_PDEATHSIG


class SimProcess:
    """A simulator subprocess with a JSON-lines log; stop() sends SIGTERM and returns the exit code."""

    def __init__(self, module: str, args: list[str], log: Path, stdin=False):
        self.log = log
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        self.proc = subprocess.Popen([sys.executable, "-m", module, *args, "--log", str(log)], cwd=ROOT, env=env,
                                     stdin=subprocess.PIPE if stdin else subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                                     preexec_fn=_die_with_parent)

    def wait_started(self, timeout=10.0):
        self.wait_for(lambda e: e.get("event") == "started", timeout)

    def records(self) -> list[dict]:
        return read_jsonl(self.log)

    def wait_for(self, pred, timeout=10.0, pod=None) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for rec in self.records():
                if pred(rec):
                    return rec
            if self.proc.poll() is not None:
                raise AssertionError(f"simulator exited {self.proc.returncode}: {self.proc.stderr.read()[-2000:]}")
            if pod is not None:
                pod.pump(0.05)
            else:
                time.sleep(0.05)
        raise AssertionError(f"timed out waiting in {self.log}: {self.records()[-5:]}")

    def send(self, **cmd):
        self.proc.stdin.write(json.dumps(cmd) + "\n")
        self.proc.stdin.flush()

    def stop(self, timeout=10.0) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode


@pytest.fixture
def spawn(tmp_path):
    """spawn(module, args, name) -> SimProcess; every process is stopped after the test."""
    procs: list[SimProcess] = []

    def _spawn(module, args, name, stdin=False, wait=True):
        p = SimProcess(module, [str(a) for a in args], tmp_path / f"{name}.jsonl", stdin=stdin)
        procs.append(p)
        if wait:
            p.wait_started()
        return p

    yield _spawn
    for p in procs:                 # signal all first: each takes ~1 s to shut pjsua down
        if p.proc.poll() is None:
            p.proc.send_signal(signal.SIGTERM)
    for p in procs:
        p.stop()


@pytest.fixture
def carrier(spawn, tmp_path):
    """A carrier sim with short ring times; returns (process, port)."""
    def _carrier(*extra, name="carrier"):
        port = free_udp_port()
        p = spawn("telephony.sim.carrier", ["--port", port, "--rtp-port", rtp_base(), "--ring-min", "0.2",
                                            "--ring-max", "0.4", "--talk-min", "30", "--talk-max", "30",
                                            "--record-dir", tmp_path / name, *extra], name)
        p.port = port
        return p
    return _carrier


class PodDriver:
    """The pod under test plus the events it has emitted, so tests can wait on them."""

    def __init__(self, port):
        self.port = port
        self.events: list = []

    def pump(self, seconds: float):
        end = time.monotonic() + seconds
        while True:
            self.events.extend(self.port.poll(10))
            if time.monotonic() >= end:
                return

    def wait_for(self, pred, timeout=10.0):
        """The first event (seen so far or arriving within ``timeout``) that satisfies ``pred``."""
        deadline = time.monotonic() + timeout
        seen = 0
        while True:
            for ev in self.events[seen:]:
                if pred(ev):
                    return ev
            seen = len(self.events)
            if time.monotonic() >= deadline:
                raise AssertionError(f"timed out; last events: {self.events[-8:]}")
            self.events.extend(self.port.poll(10))

    def settled(self, timeout=2.0) -> bool:
        """True once every leg has ended and its slot's socket cool-down has passed."""
        deadline = time.monotonic() + timeout
        while self.port.active_legs and time.monotonic() < deadline:
            self.pump(0.05)
        return self.port.active_legs == 0

    def of(self, cls, **fields):
        return [e for e in self.events if isinstance(e, cls) and all(getattr(e, k) == v for k, v in fields.items())]


@pytest.fixture(scope="session")
def pod_driver():
    from telephony.config import EndpointConfig
    from telephony.pjsip import PjsipPort

    sip_port = free_udp_port()
    port = PjsipPort(EndpointConfig(sip_port=sip_port, rtp_port_start=rtp_base(), rtp_port_range=400,
                                    call_rate=50, call_burst=10, max_calls=24),
                     authenticator=AGENTS.get)
    port.start()
    port.sip_port = sip_port
    driver = PodDriver(port)
    yield driver
    port.stop()


@pytest.fixture
def pod(pod_driver):
    """The session's pod; hangs up whatever a test left behind."""
    pod_driver.events.clear()
    yield pod_driver
    for leg in list(pod_driver.port._legs):
        pod_driver.port.hangup(leg)
    for name in pod_driver.port.trunk_names:
        pod_driver.port.remove_trunk(name)
    pod_driver.pump(0.05)
    deadline = time.monotonic() + 3
    while pod_driver.port._legs and time.monotonic() < deadline:
        pod_driver.pump(0.05)
    pod_driver.settled()
