"""Schemas of lifecycle actions and the timeline."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from campaigns.manage.fields import Id


class ActionSchema(Schema):
    reason = fields.Str(load_default=None, allow_none=True, validate=validate.Length(max=5000))
    owner_id = Id(load_default=None, allow_none=True)
    corrective_action = fields.Str(load_default=None, allow_none=True, validate=validate.Length(max=5000))


class RectificationPatchSchema(Schema):
    corrective_action = fields.Str(validate=validate.Length(min=1, max=5000))
    owner_id = Id()


class ApprovalSchema(Schema):
    note = fields.Str(required=True, validate=validate.Length(min=1, max=5000))


class TransitionSchema(Schema):
    id = fields.Int()
    from_state = fields.Function(lambda t: t.from_state.value)
    to_state = fields.Function(lambda t: t.to_state.value)
    action = fields.Str()
    at = fields.DateTime()
    actor_id = fields.Int(allow_none=True)
    actor = fields.Function(lambda t: (t.actor.display_name or t.actor.username) if t.actor else None)
    reason = fields.Str(allow_none=True)
    details = fields.Dict()


class RectificationSchema(Schema):
    id = fields.Int()
    reason = fields.Str()
    owner_id = fields.Int(allow_none=True)
    corrective_action = fields.Str()
    opened_by = fields.Int(allow_none=True)
    opened_at = fields.DateTime()
    approved_by = fields.Int(allow_none=True)
    approved_at = fields.DateTime(allow_none=True)
    approval_note = fields.Str(allow_none=True)


class AvailableActionSchema(Schema):
    action = fields.Str()
    allowed = fields.Bool()
    to_state = fields.Str(allow_none=True)
    reasons = fields.List(fields.Str())
    messages = fields.List(fields.Str())


class TimelineSchema(Schema):
    state = fields.Str()
    transitions = fields.List(fields.Nested(TransitionSchema))
    rectifications = fields.List(fields.Nested(RectificationSchema))
    actions = fields.List(fields.Nested(AvailableActionSchema))
