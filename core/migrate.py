"""Run Alembic programmatically (tests, the CLI, the demo launcher)."""
from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

ROOT = Path(__file__).resolve().parent.parent


def alembic_config(url: str) -> Config:
    cfg = Config(str(ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(ROOT / "migrations"))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade_head(url: str) -> None:
    # "heads": feature branches may sit beside each other until merged.
    command.upgrade(alembic_config(url), "heads")


def rebuild(url: str) -> None:
    """Benchmarks' fresh database: PostgreSQL's public schema is dropped with
    everything in it, then the schema is built to head (a new SQLite file
    needs only the second step).  Never point it at data you keep."""
    if url.startswith("postgresql"):
        from sqlalchemy import text

        from core.db import make_engine

        engine = make_engine(url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        engine.dispose()
    upgrade_head(url)
