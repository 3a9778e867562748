"""REST API: the project log — daily figures and the manager's notes."""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from marshmallow import Schema, ValidationError, fields, validate

from campaigns.manage.fields import in_calendar
from campaigns.manage.helpers import MANAGE_ROLES, READ_ROLES, campaign_or_404, centre_timezone
from campaigns.projectlog.service import daily_summary, entries, save_note
from core.api.blueprint import ApiBlueprint
from core.api.errors import ApiError
from core.auth.access import current_user
from core.clock import utcnow
from core.db import db

bp = ApiBlueprint("campaign_projectlog_api", __name__, tag="project log", url_prefix="/campaigns")


class LogQuery(Schema):
    day = fields.Date(load_default=None, validate=in_calendar)
    days = fields.Int(load_default=7, validate=validate.Range(min=1, max=62))


class NoteSchema(Schema):
    note = fields.Str(required=True, validate=validate.Length(max=20000))


class EntrySchema(Schema):
    id = fields.Int()
    day = fields.Date()
    author_id = fields.Int(allow_none=True)
    note = fields.Str()
    summary = fields.Dict()
    updated_at = fields.DateTime()


class DaySchema(Schema):
    day = fields.Str()
    summary = fields.Dict()
    notes = fields.List(fields.Nested(EntrySchema))


def _today() -> date:
    return utcnow().astimezone(ZoneInfo(centre_timezone())).date()


def _parse_day(text: str) -> date:
    try:
        day = date.fromisoformat(text)
        in_calendar(day)
    except (ValueError, ValidationError):
        raise ApiError(422, _("Not a valid date (YYYY-MM-DD)."), "day") from None
    return day


@bp.endpoint("/<int:campaign_id>/log", roles=READ_ROLES, query=LogQuery, response=DaySchema, many=True)
def log(campaign_id, query):
    """The last N days up to `day` (default today, centre time): figures and notes, newest first."""
    campaign_or_404(campaign_id)
    last = query["day"] or _today()
    first = last - timedelta(days=query["days"] - 1)
    notes = {}
    for entry in entries(db.session, campaign_id, first, last):
        notes.setdefault(entry.day, []).append(entry)
    now, tz = utcnow(), centre_timezone()
    return [
        {
            "day": d.isoformat(),
            "summary": daily_summary(db.session, campaign_id, d, tz, now),
            "notes": notes.get(d, []),
        }
        for d in (last - timedelta(days=i) for i in range(query["days"]))
    ]


@bp.endpoint(
    "/<int:campaign_id>/log/<day>", methods=["PUT"], roles=MANAGE_ROLES, body=NoteSchema, response=EntrySchema
)
def put_note(campaign_id, day, body):
    """Write (or rewrite) the manager's note for a day; the day's figures are kept beside it."""
    campaign_or_404(campaign_id)
    the_day = _parse_day(day)
    if the_day > _today():
        raise ApiError(422, _("Notes are for days that have begun."), "day")
    summary = daily_summary(db.session, campaign_id, the_day, centre_timezone(), utcnow())
    entry = save_note(db.session, campaign_id, the_day, current_user, body["note"], summary)
    db.session.commit()
    return entry
