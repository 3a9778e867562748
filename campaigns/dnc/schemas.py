"""API schemas for DNC entries."""
from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

SCOPES = ["global", "campaign"]


class DncEntrySchema(Schema):
    id = fields.Int()
    phone_e164 = fields.Str()
    scope = fields.Str(metadata={"description": '"global" or the campaign id'})
    campaign_id = fields.Int(allow_none=True)
    source = fields.Str()
    registry_name = fields.Str(allow_none=True)
    reason = fields.Str(allow_none=True)
    created_by = fields.Int(allow_none=True)
    created_at = fields.DateTime()


class DncAddSchema(Schema):
    phone = fields.Str(required=True, validate=validate.Length(min=1, max=64))
    scope = fields.Str(load_default="global", validate=validate.OneOf(SCOPES))
    campaign_id = fields.Int(load_default=None, allow_none=True, validate=validate.Range(min=1))
    reason = fields.Str(required=True, validate=validate.Length(min=1, max=500))

    @validates_schema
    def _campaign_scope(self, data, **kwargs):
        if data.get("scope") == "campaign" and not data.get("campaign_id"):
            raise ValidationError("required for a campaign entry", "campaign_id")


class DncRemoveSchema(Schema):
    reason = fields.Str(required=True, validate=validate.Length(min=1, max=500))


class DncSearchSchema(Schema):
    q = fields.Str(load_default=None, validate=validate.Length(max=64))
    scope = fields.Str(load_default=None, validate=validate.OneOf(SCOPES))
    campaign_id = fields.Int(load_default=None, validate=validate.Range(min=1))
    registry_name = fields.Str(load_default=None, validate=validate.Length(max=100))
    limit = fields.Int(load_default=50, validate=validate.Range(min=1, max=500))
    offset = fields.Int(load_default=0, validate=validate.Range(min=0))


class DncPageSchema(Schema):
    total = fields.Int()
    entries = fields.List(fields.Nested(DncEntrySchema))


class DncImportFormSchema(Schema):
    """Form fields sent with the file (multipart/form-data)."""

    scope = fields.Str(load_default="global", validate=validate.OneOf(SCOPES))
    campaign_id = fields.Int(load_default=None, allow_none=True, validate=validate.Range(min=1))
    registry_name = fields.Str(load_default=None, allow_none=True, validate=validate.Length(min=1, max=100))
    reason = fields.Str(load_default=None, allow_none=True, validate=validate.Length(max=500))
    encoding = fields.Str(load_default=None, allow_none=True, validate=validate.Length(max=32))

    @validates_schema
    def _campaign_scope(self, data, **kwargs):
        if data.get("scope") == "campaign" and not data.get("campaign_id"):
            raise ValidationError("required for a campaign list", "campaign_id")


class DncImportResultSchema(Schema):
    rows = fields.Int()
    added = fields.Int()
    already_listed = fields.Int()
    invalid = fields.Int()
    scope = fields.Str()
    registry_name = fields.Str(allow_none=True)
    removed_from_hoppers = fields.Int()


class DncImportJobSchema(Schema):
    """A bulk import running as a job; `result` once finished, `errors` when refused or failed."""

    job_id = fields.Str()
    status = fields.Str(metadata={"enum": ["queued", "started", "finished", "refused", "failed"]})
    filename = fields.Str(allow_none=True)
    result = fields.Nested(DncImportResultSchema)
    errors = fields.Dict(keys=fields.Str(), values=fields.List(fields.Str()))


class DncExportQuerySchema(Schema):
    scope = fields.Str(load_default=None, validate=validate.OneOf(SCOPES))
    campaign_id = fields.Int(load_default=None, validate=validate.Range(min=1))
    registry_name = fields.Str(load_default=None, validate=validate.Length(max=100))
