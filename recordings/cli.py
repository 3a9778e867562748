"""Flask CLI commands of the recordings area (`flask --app wsgi recordings ...`)."""
from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

group = AppGroup("recordings", help="Recording archive: bundles, sweeps, retention.")


@group.command("verify-bundle")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def verify_bundle(path):
    """Check a delivery bundle's files against its manifest."""
    from recordings.bundle import main

    code = main(["verify", path])
    if code:
        sys.exit(code)


@group.command("sweep")
def sweep():
    """Enqueue archiving of every recording not yet archived (what the nightly sweep does)."""
    import os

    from core.redis_conn import app_redis_url
    from recordings.jobs import sweep_recordings

    os.environ.setdefault("REDIS_URL", app_redis_url())
    click.echo(f"enqueued {len(sweep_recordings())} recording(s)")


@group.command("purge")
def purge():
    """Apply retention now: purge (and audit) recordings past their campaign's retention."""
    from recordings.jobs import purge_recordings

    click.echo(f"purged {len(purge_recordings())} recording(s)")
