"""`lists` command group: import a file from the command line (runs the same
job code in this process, or queues it), undo a batch.

    flask --app wsgi lists import FILE --campaign 3 --list-name "May leads"
    python -m campaigns.lists import FILE --campaign 3 --list 7 --encoding gbk
"""
from __future__ import annotations

import json
import shutil

import click

from core.db import db


@click.group("lists")
def lists_group():
    """Call-list imports."""


@lists_group.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--campaign", "campaign_id", type=int, required=True)
@click.option("--list", "list_id", type=int, default=None, help="an existing list of the campaign")
@click.option("--list-name", default=None, help="create a new list with this name")
@click.option("--encoding", default=None, help="override the detected encoding (e.g. gbk, utf-8)")
@click.option("--sheet", default=None, help="XLSX sheet name (default: the first)")
@click.option("--template", "template_name", default=None, help="apply a saved column-mapping template")
@click.option("--mapping", "mapping_json", default=None,
              help='JSON mapping, e.g. \'{"phone": ["手机号码"], "name": ["姓名"], "fields": {}}\'')
@click.option("--no-dedup-file", is_flag=True)
@click.option("--no-dedup-list", is_flag=True)
@click.option("--no-dedup-campaign", is_flag=True)
@click.option("--enqueue", is_flag=True, help="queue the job for a worker instead of running it here")
@click.option("--preview", "preview_only", is_flag=True, help="show the suggested mapping and preview, import nothing")
def import_file(path, campaign_id, list_id, list_name, encoding, sheet, template_name, mapping_json, no_dedup_file,
                no_dedup_list, no_dedup_campaign, enqueue, preview_only):
    """Import PATH (CSV, XLSX or TXT) into a campaign's list."""
    from flask import current_app
    from sqlalchemy import select

    from campaigns.lists import service
    from campaigns.lists.importer import run_batch
    from campaigns.lists.reasons import reason_text
    from campaigns.models import ColumnMappingTemplate
    from core.redis_conn import app_queue, app_redis

    if list_id is None and not list_name:
        raise click.UsageError("give --list or --list-name")
    session = db.session
    template_id = None
    if template_name:
        template_id = session.scalar(select(ColumnMappingTemplate.id).where(ColumnMappingTemplate.name == template_name))
        if template_id is None:
            raise click.ClickException(f"no mapping template named {template_name!r}")
    stored = service.store_upload(current_app.config["INSTANCE_PATH"], path, lambda dest: shutil.copyfile(path, dest))
    try:
        batch = service.create_batch(session, path=stored, filename=path.rsplit("/", 1)[-1], campaign_id=campaign_id,
                                     list_id=list_id, list_name=list_name, encoding=encoding, sheet=sheet,
                                     template_id=template_id)
        mapping = json.loads(mapping_json) if mapping_json else batch.mapping
        click.echo(f"batch {batch.id}: {batch.file_kind}, encoding {batch.encoding}, sheet {batch.sheet or '-'}")
        click.echo("mapping: " + json.dumps(mapping, ensure_ascii=False))
        if preview_only:
            for row in service.preview(session, batch, mapping):
                if row["status"] == "accepted":
                    click.echo(f"  row {row['row']}: {row['phone_e164']} {row['number_type']} {row['geo'] or ''}")
                else:
                    click.echo(f"  row {row['row']}: rejected, {reason_text(row['reason'])}")
            session.rollback()
            service.discard_file(stored)
            return
        options = {"dedup_file": not no_dedup_file, "dedup_list": not no_dedup_list,
                   "dedup_campaign": not no_dedup_campaign}
        service.confirm(session, batch, mapping, options, None)
    except service.ImportProblem as exc:
        session.rollback()
        service.discard_file(stored)
        raise click.ClickException(str(exc.message)) from None
    except json.JSONDecodeError as exc:
        session.rollback()
        service.discard_file(stored)
        raise click.ClickException(f"--mapping is not valid JSON: {exc}") from None
    session.commit()
    if enqueue:
        batch.job_id = service.enqueue(app_queue("imports"), batch)
        session.commit()
        click.echo(f"queued as job {batch.job_id}")
        return
    result = run_batch(batch.id, app_redis())
    service.discard_file(stored)
    if result.get("status") != "done":
        raise click.ClickException(f"import {result.get('status')}: {result.get('error', '')}")
    click.echo(f"rows {result['rows']}  accepted {result['accepted']}  rejected {result['rejected']}")
    for reason, count in sorted(result["by_reason"].items(), key=lambda kv: -kv[1]):
        click.echo(f"  {reason_text(reason)} ({reason}): {count}")


@lists_group.command("undo")
@click.argument("batch_id", type=int)
@click.option("--reason", default=None)
def undo_batch(batch_id, reason):
    """Remove a batch's leads that were never dialled."""
    from campaigns.lists import service
    from core.redis_conn import app_redis

    try:
        batch = service.get_batch(db.session, batch_id)
        summary = service.undo(db.session, batch, None, app_redis(), reason)
    except service.ImportProblem as exc:
        db.session.rollback()
        raise click.ClickException(str(exc.message)) from None
    db.session.commit()
    click.echo(f"removed {summary['removed']}, kept {summary['kept']} (already dialled)")
