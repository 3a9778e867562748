"""Request schemas of the console API (marshmallow): every input is checked
here, so a bad request is a 422 with field errors."""
from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

COMMANDS = ("ready", "pause", "hangup", "dtmf", "preview_dial", "preview_skip", "manual_dial", "logout")
DTMF = r"^[0-9*#A-Da-d]{1,32}$"
NUMBER = r"^\+?[0-9]{3,20}$"


class PickCampaignSchema(Schema):
    campaign_id = fields.Int(required=True, strict=True, validate=validate.Range(min=1))
    method = fields.Str(load_default="pin", validate=validate.OneOf(("pin", "pod_calls")))


class CommandSchema(Schema):
    cmd = fields.Str(required=True, validate=validate.OneOf(COMMANDS))
    reason = fields.Str(load_default=None, validate=validate.Length(min=1, max=32))
    digits = fields.Str(load_default=None, validate=validate.Regexp(DTMF))
    lead_id = fields.Int(load_default=None, strict=True, validate=validate.Range(min=1))
    number = fields.Str(load_default=None, validate=validate.Regexp(NUMBER))

    @validates_schema
    def _needs(self, data, **kwargs):
        needs = {"pause": "reason", "dtmf": "digits", "preview_dial": "lead_id", "preview_skip": "lead_id",
                 "manual_dial": "number"}
        name = needs.get(data.get("cmd"))
        if name and not data.get(name):
            raise ValidationError("Missing data for required field.", name)


class DispositionSubmitSchema(Schema):
    disposition = fields.Str(required=True, validate=validate.Length(min=1, max=32))
    answers = fields.Dict(keys=fields.Str(validate=validate.Length(max=64)), load_default=dict)
    note = fields.Str(load_default=None, validate=validate.Length(max=2000))
    # The lead's local wall-clock time, as the agent typed it (no zone).
    callback_at = fields.NaiveDateTime(load_default=None)
    next = fields.Str(load_default="ready", validate=validate.OneOf(("ready", "pause")))
    reason = fields.Str(load_default=None, validate=validate.Length(min=1, max=32))

    @validates_schema
    def _pause_reason(self, data, **kwargs):
        if data.get("next") == "pause" and not data.get("reason"):
            raise ValidationError("Missing data for required field.", "reason")


class ObjectionQuery(Schema):
    q = fields.Str(load_default="", validate=validate.Length(max=200))


class ScreenPopTimingSchema(Schema):
    attempt_uuid = fields.Str(required=True, validate=validate.Length(min=1, max=36))
    bridge_to_render_ms = fields.Float(required=True, allow_nan=False,
                                       validate=validate.Range(min=-60000, max=600000))
    event_to_render_ms = fields.Float(load_default=None, allow_nan=False,
                                      validate=validate.Range(min=0, max=600000))


class MonitorSchema(Schema):
    attempt_uuid = fields.Str(required=True, validate=validate.Length(min=1, max=36))
