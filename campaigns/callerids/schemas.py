"""Schemas of trunks, caller-ID pools and numbers."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from marshmallow import Schema, ValidationError, fields, validate

from campaigns.manage.fields import Id, in_calendar

E164 = r"^\+[1-9]\d{6,14}$"
HEADER_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9\-]{0,63}$")
# Headers the pass-through settings own; setting them by hand would contradict them.
RESERVED = {"from", "to", "p-asserted-identity", "remote-party-id", "privacy", "call-id", "via", "contact"}


def _headers(value: dict) -> None:
    for name, content in value.items():
        if not HEADER_NAME.match(name) or name.lower() in RESERVED:
            raise ValidationError(str(_l("Header not allowed: %(name)s", name=name)))
        if not isinstance(content, str) or len(content) > 255 or "\r" in content or "\n" in content:
            raise ValidationError(str(_l("Header value must be one line of text.")))


class TrunkSchema(Schema):
    id = fields.Int(dump_only=True)
    name = fields.Str(required=True, validate=validate.Length(min=1, max=100))
    uri = fields.Str(required=True, validate=validate.Regexp(r"^sips?:[^\s@]+(@[^\s]+)?$"))
    username = fields.Str(allow_none=True, load_default=None, validate=validate.Length(max=128))
    password = fields.Str(
        allow_none=True, load_default=None, load_only=True, validate=validate.Length(max=255)
    )
    register = fields.Bool(load_default=False)
    from_user_mode = fields.Str(load_default="caller_id", validate=validate.OneOf(["caller_id", "account"]))
    send_pai = fields.Bool(load_default=True)
    send_rpid = fields.Bool(load_default=False)
    privacy = fields.Str(load_default="none", validate=validate.OneOf(["none", "id"]))
    extra_headers = fields.Dict(keys=fields.Str(), values=fields.Raw(), load_default=dict, validate=_headers)
    max_calls = fields.Int(allow_none=True, load_default=None, validate=validate.Range(min=1, max=100000))
    active = fields.Bool(load_default=True)
    has_password = fields.Function(lambda t: bool(t.password), dump_only=True)


class TrunkPatchSchema(TrunkSchema):
    """Every field optional; defaults are not filled in."""

    def __init__(self, **kw):
        super().__init__(partial=True, **kw)


class CallerIdSchema(Schema):
    id = fields.Int(dump_only=True)
    pool_id = fields.Int(dump_only=True)
    number_e164 = fields.Str(required=True, validate=validate.Regexp(E164))
    label = fields.Str(load_default="", validate=validate.Length(max=100))
    display_name = fields.Str(allow_none=True, load_default=None, validate=validate.Length(max=64))
    trunk_id = Id(allow_none=True, load_default=None)
    verified = fields.Bool(load_default=False)
    evidence_note = fields.Str(allow_none=True, load_default=None, validate=validate.Length(max=5000))
    daily_cap = fields.Int(allow_none=True, load_default=None, validate=validate.Range(min=1, max=1000000))
    area_code = fields.Str(allow_none=True, load_default=None, validate=validate.Regexp(r"^\d{1,8}$"))
    region = fields.Str(allow_none=True, load_default=None, validate=validate.Length(max=64))
    active = fields.Bool(load_default=True)
    cooldown_until = fields.AwareDateTime(allow_none=True, load_default=None, validate=in_calendar)


class CallerIdPatchSchema(CallerIdSchema):
    """Every field optional; defaults are not filled in."""

    def __init__(self, **kw):
        super().__init__(partial=True, **kw)


class PoolSchema(Schema):
    id = fields.Int(dump_only=True)
    name = fields.Str(required=True, validate=validate.Length(min=1, max=100))
    description = fields.Str(load_default="", validate=validate.Length(max=5000))
    numbers = fields.List(fields.Nested(CallerIdSchema), dump_only=True)


class PoolPatchSchema(PoolSchema):
    """Every field optional; defaults are not filled in."""

    def __init__(self, **kw):
        super().__init__(partial=True, **kw)


class PoolAssignmentSchema(Schema):
    pool_ids = fields.List(Id(), required=True, validate=validate.Length(max=200))


class StatsQuery(Schema):
    days = fields.Int(load_default=7, validate=validate.Range(min=1, max=90))
    pool_id = Id(load_default=None)


class NumberStatsSchema(Schema):
    caller_id = fields.Int()
    number = fields.Str()
    label = fields.Str()
    pool_id = fields.Int()
    dials = fields.Int()
    person_answers = fields.Int()
    answer_rate = fields.Float()
    short_calls = fields.Int()
    short_call_share = fields.Float()
    going_bad = fields.Bool()
