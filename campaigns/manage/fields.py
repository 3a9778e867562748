"""Input fields shared by the campaign schemas, bounded so that no value a
client sends can overflow a database column or date arithmetic (which
would be a 500 instead of a field error)."""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError, fields, validate

MAX_ID = 2**31 - 1
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2100, 12, 31)


def Id(**kw) -> fields.Int:
    """A row id: a positive 32-bit integer."""
    return fields.Int(validate=validate.Range(min=1, max=MAX_ID), **kw)


def in_calendar(value) -> None:
    """Dates and times the system works with: 2000 to 2100."""
    day = value.date() if isinstance(value, datetime) else value
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValidationError(str(_l("Must be between 2000 and 2100.")))
