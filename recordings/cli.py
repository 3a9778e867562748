"""Flask CLI commands of the recordings area (`flask --app wsgi recordings ...`)."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import AppGroup

group = AppGroup("recordings", help="Recording archive: bundles, sweeps, retention.")


@group.command("verify-bundle")
@click.argument("path")
def verify_bundle(path):
    """Check a delivery bundle's files against its manifest.

    PATH is a zip file, or a bundle's key in the archive store
    (bundles/campaign_<id>/<code>_<day>.zip, as on the bundles page).
    """
    from flask import current_app
    from sqlalchemy import select

    from core.db import db
    from recordings.bundle import main
    from recordings.models import DeliveryBundle
    from recordings.storage import StorageError, store_for

    if Path(path).is_file():
        code = main(["verify", path])
    else:
        # the store the bundle was built in; a key not on record: the configured one
        stored_in = db.session.scalar(select(DeliveryBundle.storage).where(DeliveryBundle.path == path).limit(1))
        store = store_for(current_app.config, stored_in)
        try:
            with store.read_back(path) as copy:
                click.echo(f"{store.describe(path)}: {copy.size} bytes, SHA-256 {copy.sha256}")
                code = main(["verify", str(copy.path)])
        except StorageError as exc:
            raise click.ClickException(f"{path} is not a file, nor a bundle in the archive: {exc}") from None
    if code:
        sys.exit(code)


@group.command("check-storage")
def check_storage():
    """Put, read back and delete a probe object in the archive store (checks ARCHIVE_* settings)."""
    import hashlib
    import os

    from flask import current_app

    from recordings.storage import StorageError, store_for

    store = store_for(current_app.config)
    key = f"probe/{os.getpid()}.bin"
    data = os.urandom(4096)
    expected = hashlib.sha256(data).hexdigest()
    probe = store.scratch_dir(key) / f".probe.{os.getpid()}"
    try:
        probe.write_bytes(data)
        store.put(key, probe, expected)
        digest, size = store.digest(key)
        store.delete(key)
    except StorageError as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        probe.unlink(missing_ok=True)
    if (digest, size) != (expected, len(data)):
        raise click.ClickException(f"{store.describe(key)} read back different bytes ({size} bytes, {digest})")
    click.echo(f"OK: put, read back and deleted {store.describe(key)}")


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
