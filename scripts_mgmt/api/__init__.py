"""The scripts JSON API under /api/v1/scripts: scripts and versions
(`scripts.py`), scorecards (`scorecards.py`) and what the agent console reads
and writes (`agent.py`).  Refusals of the services (ScriptsError) become the
API's error shape here, translated."""

from __future__ import annotations

from flask_babel import gettext

from core.api import ApiBlueprint, not_found
from core.api.errors import error_response
from core.db import db
from core.models import Role
from scripts_mgmt.errors import ScriptsError
from scripts_mgmt.questionnaire.issues import Issue

bp = ApiBlueprint("scripts_api", __name__, tag="scripts", url_prefix="/scripts")

EDITORS = (Role.MANAGER, Role.TECHNICIAN)
APPROVERS = (Role.MANAGER,)
READERS = (Role.MANAGER, Role.TECHNICIAN, Role.SUPERVISOR, Role.QA)


def translate(message: str, **params) -> str:
    text = gettext(message)
    try:
        return text % params if params else text
    except (KeyError, TypeError, ValueError):
        return message


def plain(value):
    """Details for JSON: issues as dicts with translated text."""
    if isinstance(value, Issue):
        return value.as_dict(gettext)
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value


def issues(found: list[Issue]) -> list[dict]:
    return [i.as_dict(gettext) for i in found]


@bp.errorhandler(ScriptsError)
def _refused(exc: ScriptsError):
    db.session.rollback()
    errors = {exc.field: [translate(exc.message, **exc.params)]}
    for name, value in exc.details.items():
        errors[name] = plain(value)
    return error_response(exc.status, errors)


def get_or_404(model, ident: int, what: str):
    row = db.session.get(model, ident)
    if row is None:
        raise not_found(what)
    return row


from scripts_mgmt.api import agent, scorecards, scripts  # noqa: E402,F401 - register the endpoints
