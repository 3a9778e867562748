"""Real-browser tests: a threaded werkzeug server on 127.0.0.1 runs the test
app (SSE needs one thread per stream), Debian's Chromium drives the pages
through Playwright, and a pod side publishes the live state.

The `pod` fixture is where the lead switches to the real stack: set
`BROWSER_POD_DRIVER=package.module:Factory` to a factory taking the Redis
client and returning an object with the same methods as `PodDriver`
(`heartbeat`, `connect_agent`, `bridge_call`, `end_call`, `offer_preview`,
`received`, `stop`), e.g. one that starts the pod with the carrier and
softphone simulators and has the carrier answer a call to the lead.
Screenshots are kept in artifacts/screenshots/.
"""
from __future__ import annotations

import importlib
import json
import os
import threading
from pathlib import Path

import pytest

from tests.browser.pod_driver import PodDriver
from tests.console.world import build_world

SHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
SCREEN_POPS = Path(__file__).resolve().parents[2] / "artifacts" / "screen-pop"


@pytest.fixture
def live_server(app):
    """The test app served on a free port; yields its base URL."""
    from werkzeug.serving import make_server

    saved = {k: app.config.get(k) for k in ("CONSOLE_SSE_HEARTBEAT", "CONSOLE_SSE_MAX_SECONDS")}
    # Short heartbeats let a stream notice a closed page quickly, so the
    # server's threads end with the test.
    app.config.update(CONSOLE_SSE_HEARTBEAT=2, CONSOLE_SSE_MAX_SECONDS=120)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)
        for key, value in saved.items():
            if value is None:
                app.config.pop(key, None)
            else:
                app.config[key] = value


@pytest.fixture
def new_page(chromium):
    """`new_page()` opens a page in a fresh browser context (own cookies and storage)."""
    contexts = []

    def make(locale: str = "zh-CN"):
        context = chromium.new_context(locale=locale, viewport={"width": 1400, "height": 1000})
        context.set_default_timeout(8000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def world(session, users):
    from tests.conftest import make_user

    return build_world(session, users, make_user)


@pytest.fixture
def pod(redis_client):
    factory = os.environ.get("BROWSER_POD_DRIVER")
    if factory:
        module, _, name = factory.partition(":")
        driver = getattr(importlib.import_module(module), name)(redis_client)
    else:
        driver = PodDriver(redis_client).serve()
    driver.heartbeat()
    yield driver
    driver.stop()


def login(page, base: str, username: str, password: str | None = None) -> None:
    from tests.conftest import PASSWORD

    page.goto(f"{base}/login")
    page.fill('input[name="username"]', username)
    page.fill('input[name="password"]', password or PASSWORD)
    page.click('#login-form button[type="submit"]')
    page.wait_for_url(f"{base}/")


def shot(page, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def keep_screen_pops(name: str, samples: list[dict]) -> Path:
    """Save the console's screen-pop timings for scripts/bench_screen_pop.py,
    which judges them against the 300 ms goal (tests do not time things)."""
    SCREEN_POPS.mkdir(parents=True, exist_ok=True)
    path = SCREEN_POPS / f"{name}.json"
    path.write_text(json.dumps(samples))
    return path
