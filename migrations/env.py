"""Alembic environment: the URL from alembic's config (set by core.migrate)
or from the application settings; the metadata of every model."""
from __future__ import annotations

from logging.config import fileConfig

from alembic import context

from core.all_models import metadata
from core.db import make_engine

config = context.config
if config.config_file_name is not None and not config.attributes.get("skip_logging"):
    fileConfig(config.config_file_name, disable_existing_loggers=False)


def _url() -> str:
    url = config.get_main_option("sqlalchemy.url")
    if url:
        return url
    from config import load_config

    return load_config().DATABASE_URL


def render_item(type_, obj, autogen_context):
    # Our portable types render as their import path so migrations replay them.
    if type_ == "type" and obj.__class__.__module__ == "core.types":
        autogen_context.imports.add("import core.types")
        return f"core.types.{obj.__class__.__name__}()"
    return False


def _configure(**kw) -> None:
    context.configure(
        target_metadata=metadata,
        render_as_batch=True,  # SQLite needs batch mode to alter tables
        compare_type=True,
        render_item=render_item,
        **kw,
    )


def run_offline() -> None:
    _configure(url=_url(), literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    engine = make_engine(_url())
    with engine.connect() as connection:
        _configure(connection=connection)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
