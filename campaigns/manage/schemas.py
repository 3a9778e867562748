"""Schemas of the campaign record."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from campaigns.manage.fields import Id
from campaigns.rules.profiles import JURISDICTIONS


def _zone(name):
    from campaigns.rules.schemas import _valid_zone

    _valid_zone(name)


class CampaignInSchema(Schema):
    code = fields.Str(required=True, validate=validate.Regexp(r"^[A-Za-z0-9_\-]{2,32}$"))
    name = fields.Str(required=True, validate=validate.Length(min=1, max=200))
    client_name = fields.Str(load_default="", validate=validate.Length(max=200))
    description = fields.Str(load_default="", validate=validate.Length(max=10000))
    manager_id = Id(allow_none=True, load_default=None)
    jurisdiction = fields.Str(load_default="CN", validate=validate.OneOf(JURISDICTIONS))
    default_region = fields.Str(load_default="CN", validate=validate.Regexp(r"^[A-Z]{2}$"))
    timezone = fields.Str(load_default="Asia/Shanghai", validate=_zone)
    script_version_id = Id(allow_none=True, load_default=None)
    scorecard_version_id = Id(allow_none=True, load_default=None)
    trial_sample_size = fields.Int(load_default=50, validate=validate.Range(min=1, max=10000))
    trial_dial_cap = fields.Int(load_default=200, validate=validate.Range(min=0, max=100000))
    machine_action = fields.Str(
        load_default="hangup", validate=validate.OneOf(["hangup", "voicemail", "agent"])
    )
    wrapup_seconds = fields.Int(load_default=30, validate=validate.Range(min=0, max=3600))
    recording_enabled = fields.Bool(load_default=True)
    recording_retention_days = fields.Int(load_default=180, validate=validate.Range(min=1, max=3650))
    seat_price = fields.Decimal(
        allow_none=True,
        load_default=None,
        places=2,
        as_string=True,
        validate=validate.Range(min=0, max=10**7),
    )


class CampaignPatchSchema(CampaignInSchema):
    """Every field optional; defaults are not filled in."""

    def __init__(self, **kw):
        super().__init__(partial=True, **kw)


class CampaignOutSchema(Schema):
    id = fields.Int()
    code = fields.Str()
    name = fields.Str()
    client_name = fields.Str()
    description = fields.Str()
    state = fields.Function(lambda c: c.state.value)
    manager_id = fields.Int(allow_none=True)
    jurisdiction = fields.Str()
    default_region = fields.Str()
    timezone = fields.Str()
    dial_mode = fields.Str()
    dial_settings = fields.Dict()
    caller_id_strategy = fields.Str()
    script_version_id = fields.Int(allow_none=True)
    scorecard_version_id = fields.Int(allow_none=True)
    trial_sample_size = fields.Int()
    trial_dial_cap = fields.Int()
    trial_signed_off_by = fields.Int(allow_none=True)
    trial_signed_off_at = fields.DateTime(allow_none=True)
    trial_signoff_note = fields.Str(allow_none=True)
    trial_waived = fields.Bool()
    trial_waiver_reason = fields.Str(allow_none=True)
    machine_action = fields.Str()
    wrapup_seconds = fields.Int()
    recording_enabled = fields.Bool()
    recording_retention_days = fields.Int()
    seat_price = fields.Decimal(allow_none=True, as_string=True)
    created_at = fields.DateTime()
    started_at = fields.DateTime(allow_none=True)
    completed_at = fields.DateTime(allow_none=True)


class CampaignListQuery(Schema):
    state = fields.Str(
        validate=validate.OneOf(
            ["draft", "trial", "approved", "live", "paused", "stopped", "completed", "settled"]
        )
    )


class AgentsSchema(Schema):
    agent_ids = fields.List(Id(), required=True, validate=validate.Length(max=2000))
    trial_agent_ids = fields.List(Id(), load_default=list, validate=validate.Length(max=2000))


class CampaignAgentSchema(Schema):
    id = fields.Int()
    username = fields.Str()
    display_name = fields.Str()
    is_senior = fields.Bool()
    trial_agent = fields.Bool()
