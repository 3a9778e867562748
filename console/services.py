"""The other packages' services the console calls, each through one function
here so a change of theirs touches one place: the script rendered for a
lead and the questionnaire answers (scripts_mgmt), objection search, and the
disposition service with callbacks (campaigns.dispositions)."""
from __future__ import annotations

from datetime import datetime


class Refused(Exception):
    """A service refused the input: field → messages (already translated)."""

    def __init__(self, errors: dict):
        super().__init__(errors)
        self.errors = errors


def render_script(version, lead, agent, campaign) -> dict:
    from scripts_mgmt.console import render

    rendered = render(version, lead, agent, campaign)
    return {"html": rendered.html, "missing": list(rendered.missing)}


def search_objections(objections, query: str) -> list:
    from scripts_mgmt.objections import search_objections as search

    return search(objections, query or "")


def record_answers(session, attempt, answers: dict, agent) -> None:
    """Check and store the questionnaire answers of a call; Refused if wrong."""
    from scripts_mgmt.api import plain, translate
    from scripts_mgmt.console import record_answers as record
    from scripts_mgmt.errors import ScriptsError

    try:
        record(session, attempt, answers, agent)
    except ScriptsError as exc:
        errors = {"answers": [translate(exc.message, **exc.params)]}
        for name, value in exc.details.items():
            errors[name] = plain(value)
        raise Refused(errors) from None


def apply_disposition(session, attempt, code: str, agent, now: datetime, callback_at: datetime | None,
                      note: str | None, redis):
    from flask_babel import gettext as _

    from campaigns.dispositions.service import DispositionError, apply_disposition as apply

    try:
        return apply(session, attempt, code, agent, now, callback_at=callback_at, note=note, redis=redis)
    except DispositionError as exc:
        raise Refused({exc.field: [_(str(exc))]}) from None


def lead_zone(lead_timezone: str | None, campaign_timezone: str) -> str:
    from campaigns.dispositions.callbacks import lead_zone as zone

    return zone(lead_timezone, campaign_timezone)
