"""Schemas of dispositions, applying one, and callbacks."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from campaigns.manage.fields import Id, in_calendar


class DispositionSchema(Schema):
    id = fields.Int(dump_only=True)
    campaign_id = fields.Int(dump_only=True)
    code = fields.Str(required=True, validate=validate.Regexp(r"^[A-Z0-9_]{1,32}$"))
    label_zh = fields.Str(required=True, validate=validate.Length(min=1, max=64))
    label_en = fields.Str(required=True, validate=validate.Length(min=1, max=64))
    is_final = fields.Bool(load_default=False)
    is_retry = fields.Bool(load_default=False)
    is_callback = fields.Bool(load_default=False)
    is_sale = fields.Bool(load_default=False)
    is_dnc = fields.Bool(load_default=False)
    is_contact = fields.Bool(load_default=False)
    recycle_delay_minutes = fields.Int(
        allow_none=True, load_default=None, validate=validate.Range(min=0, max=60 * 24 * 60)
    )
    max_recycles = fields.Int(allow_none=True, load_default=None, validate=validate.Range(min=0, max=100))
    hotkey = fields.Str(allow_none=True, load_default=None, validate=validate.Regexp(r"^[0-9A-Za-z]{1,4}$"))
    sort_order = fields.Int(load_default=0, validate=validate.Range(min=0, max=1000))
    active = fields.Bool(load_default=True)


class DispositionPatchSchema(DispositionSchema):
    """Every field optional; defaults are not filled in."""

    def __init__(self, **kw):
        super().__init__(partial=True, **kw)


class ApplyDispositionSchema(Schema):
    disposition = fields.Str(
        required=True,
        validate=validate.Length(min=1, max=32),
        metadata={"description": "the disposition's code"},
    )
    attempt_id = Id(load_default=None, allow_none=True)
    callback_at = fields.NaiveDateTime(
        load_default=None,
        allow_none=True,
        validate=in_calendar,
        metadata={"description": "wall-clock time in the lead's own time zone"},
    )
    callback_for_campaign = fields.Bool(
        load_default=False, metadata={"description": "any agent of the campaign may take it"}
    )
    note = fields.Str(load_default=None, allow_none=True, validate=validate.Length(max=5000))


class CallbackSchema(Schema):
    id = fields.Int()
    campaign_id = fields.Int()
    lead_id = fields.Int()
    agent_id = fields.Int(allow_none=True)
    due_at = fields.DateTime()
    local_time = fields.Str(allow_none=True)
    lead_timezone = fields.Str(allow_none=True)
    note = fields.Str()
    status = fields.Function(lambda c: c.status.value)


class ApplyResultSchema(Schema):
    lead_id = fields.Int()
    lead_status = fields.Str()
    next_attempt_at = fields.DateTime(allow_none=True)
    disposition = fields.Str()
    why = fields.Str()
    dnc_scope = fields.Str(allow_none=True)
    callback = fields.Nested(CallbackSchema, allow_none=True)


class CallbackQuery(Schema):
    status = fields.Str(
        load_default="pending", validate=validate.OneOf(["pending", "done", "missed", "cancelled"])
    )


class MyCallbacksSchema(Schema):
    due = fields.List(
        fields.Nested(CallbackSchema), metadata={"description": "due now or overdue: call these"}
    )
    upcoming = fields.List(fields.Nested(CallbackSchema))


class MyCallbacksQuery(Schema):
    hours = fields.Float(load_default=24, validate=validate.Range(min=0, max=24 * 31))
