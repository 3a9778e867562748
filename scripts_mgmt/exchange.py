"""Export a script version (content, questionnaire, objection answers) as a
JSON or YAML document, and import one as a new script with a draft version:
for copying between campaigns and keeping scripts in version control.

The document is checked by `ScriptDocumentSchema`; the questionnaire's
problems are reported on import but do not stop it (the result is a draft,
and approval refuses a questionnaire with problems).
"""

from __future__ import annotations

import json

import yaml
from marshmallow import ValidationError
from sqlalchemy.orm import Session

from core.audit import record
from scripts_mgmt.errors import ScriptsError
from scripts_mgmt.models import ScriptVersion
from scripts_mgmt.schemas import ScriptDocumentSchema
from scripts_mgmt.service import create_script, latest_version, snapshot, update_draft

FORMAT = "dialer-script/1"
MEDIA_TYPES = {"json": "application/json", "yaml": "application/x-yaml"}


def export_document(version: ScriptVersion) -> dict:
    script = version.script
    doc = {
        "format": FORMAT,
        "name": script.name,
        "description": script.description or "",
        "change_note": version.change_note,
    }
    doc.update(snapshot(version))
    doc["source"] = {
        "script_id": script.id,
        "version": version.number,
        "status": version.status.value,
        "campaign_id": script.campaign_id,
    }
    return doc


def dump(doc: dict, fmt: str) -> str:
    if fmt == "yaml":
        return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=100)
    return json.dumps(doc, ensure_ascii=False, indent=2)


class _NoAliasLoader(yaml.SafeLoader):
    """Safe YAML without anchors/aliases: a few aliases can expand into a
    structure far larger than the text ("billion laughs")."""

    def construct_timestamp_as_text(self, node):
        # An unquoted 2026-01-01 stays the text JSON would carry, not a date object.
        return self.construct_scalar(node)

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            raise yaml.composer.ComposerError(
                None, None, "aliases are not allowed", self.peek_event().start_mark
            )
        return super().compose_node(parent, index)


_NoAliasLoader.add_constructor("tag:yaml.org,2002:timestamp", _NoAliasLoader.construct_timestamp_as_text)


def parse(text: str, fmt: str):
    """The document's data, as plain JSON values; ScriptsError (422) if it
    does not parse or holds what JSON cannot (NaN, binary, sets)."""
    try:
        if fmt == "yaml":
            data = yaml.load(text, Loader=_NoAliasLoader)  # noqa: S506 - a SafeLoader subclass
        else:
            data = json.loads(text)
        return json.loads(json.dumps(data, allow_nan=False))
    except (ValueError, TypeError, RecursionError, yaml.YAMLError) as exc:
        raise ScriptsError(
            "The %(format)s document does not parse: %(error)s",
            422,
            "document",
            format=fmt.upper(),
            error=str(exc)[:300],
        ) from None


def load_document(data) -> dict:
    """The validated document; ScriptsError (422) with field errors otherwise."""
    if not isinstance(data, dict):
        raise ScriptsError("The document must be an object.", 422, "document")
    try:
        return ScriptDocumentSchema().load(data)
    except ValidationError as exc:
        raise ScriptsError(
            "The document does not match the script format.",
            422,
            "document",
            details={"fields": exc.messages},
        ) from None


def import_document(
    session: Session, doc: dict, actor, campaign_id: int | None = None, name: str | None = None
):
    """A new script (for `campaign_id`) whose draft version 1 holds the document."""
    script = create_script(session, actor, name or doc["name"], campaign_id, doc.get("description") or "")
    version = latest_version(script)
    update_draft(
        session,
        version,
        actor,
        content=doc["content"],
        questionnaire=doc["questionnaire"],
        objections=doc["objections"],
        change_note=doc.get("change_note"),
    )
    record(session, actor, "script.import", "script", script.id, details={"source": doc.get("source")})
    return script
