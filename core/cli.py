"""Command-line tools, as Flask CLI commands: `flask --app wsgi <command>`."""
from __future__ import annotations

import multiprocessing
import os

import click
from flask import Flask, current_app
from sqlalchemy import select

from core.db import db
from core.models import Role, User


def register_cli(app: Flask) -> None:
    app.cli.add_command(create_user)
    app.cli.add_command(create_api_token)
    app.cli.add_command(seed_demo)
    app.cli.add_command(worker)
    app.cli.add_command(upgrade_db)
    # Feature packages expose `cli_commands` in their routes module.
    from core.app import discover_modules

    for module in discover_modules():
        for command in getattr(module, "cli_commands", []):
            app.cli.add_command(command)


@click.command("create-user")
@click.argument("username")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--display-name", default="")
@click.option("--pin", "agent_pin", default=None, help="agent PIN for softphone login")
def create_user(username, role, password, display_name, agent_pin):
    """Create a user with a role."""
    from core.auth.passwords import hash_password

    if db.session.scalar(select(User).where(User.username == username)):
        raise click.ClickException(f"user {username!r} already exists")
    try:
        pw_hash = hash_password(password)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    user = User(username=username, role=Role(role), password_hash=pw_hash, display_name=display_name or username,
                agent_pin=agent_pin)
    db.session.add(user)
    db.session.commit()
    click.echo(f"created {role} {username} (id {user.id})")


@click.command("create-token")
@click.argument("username")
@click.option("--name", default="cli")
def create_api_token(username, name):
    """Create an API token for a user and print it once."""
    from core.auth.tokens import create_token

    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        raise click.ClickException(f"no user {username!r}")
    _, clear = create_token(db.session, user, name)
    db.session.commit()
    click.echo(clear)


@click.command("upgrade-db")
def upgrade_db():
    """Apply Alembic migrations up to head on the configured database."""
    from core.migrate import upgrade_head

    upgrade_head(current_app.config["DATABASE_URL"])
    click.echo("database at head")


@click.command("seed-demo")
@click.option("--admin-password", default="admin12345", show_default=True)
def seed_demo(admin_password):
    """Seed the demo: admin, manager, supervisor, QA, technician, agents and a sample campaign (idempotent)."""
    from core.seed import seed

    for line in seed(db.session, admin_password):
        click.echo(line)


def _run_cron(redis_url: str) -> None:
    from rq.cron import CronScheduler

    from core import cron as periodic
    from core.redis_conn import get_redis

    scheduler = CronScheduler(connection=get_redis(redis_url, decode=False), name=f"cron-{os.getpid()}")
    periodic.register(scheduler)
    scheduler.start()


@click.command("worker")
@click.option("--queues", default="imports,default,recordings,reports", show_default=True)
@click.option("--burst", is_flag=True, help="exit when the queues are empty")
@click.option("--no-cron", is_flag=True, help="do not start the RQ cron scheduler beside the worker")
def worker(queues, burst, no_cron):
    """Run an RQ worker (and, unless --no-cron, the RQ cron scheduler in a child process)."""
    from rq import Worker

    from core.redis_conn import app_redis_url, get_queue, get_redis

    url = app_redis_url()
    # Jobs read their settings from the environment, like every other process.
    os.environ["REDIS_URL"] = url
    os.environ.setdefault("DATABASE_URL", current_app.config["DATABASE_URL"])
    cron_proc = None
    if not no_cron and not burst:
        cron_proc = multiprocessing.Process(target=_run_cron, args=(url,), daemon=True)
        cron_proc.start()
    try:
        names = [q.strip() for q in queues.split(",") if q.strip()]
        w = Worker([get_queue(url, n) for n in names], connection=get_redis(url, decode=False))
        w.work(burst=burst, with_scheduler=True)
    finally:
        if cron_proc is not None:
            cron_proc.terminate()
