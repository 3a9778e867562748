"""API schemas for call lists, import batches and column-mapping templates."""
from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

OPTION_FIELDS = ("dedup_file", "dedup_list", "dedup_campaign")


def _check_mapping(value: dict) -> None:
    phone = value.get("phone")
    if not isinstance(phone, list) or not phone or not all(isinstance(c, str) and c for c in phone):
        raise ValidationError("phone: a non-empty list of column names")
    name = value.get("name", [])
    if not isinstance(name, list) or not all(isinstance(c, str) for c in name):
        raise ValidationError("name: a list of column names")
    flds = value.get("fields", {})
    if not isinstance(flds, dict) or not all(isinstance(k, str) and k and isinstance(c, str) for k, c in flds.items()):
        raise ValidationError("fields: an object of field name → column name")
    extra = set(value) - {"phone", "name", "fields"}
    if extra:
        raise ValidationError("unknown keys: " + ", ".join(sorted(extra)))


class MappingField(fields.Dict):
    """{"phone": [columns], "name": [columns], "fields": {field: column}}"""

    def _deserialize(self, value, attr, data, **kwargs):
        out = super()._deserialize(value, attr, data, **kwargs)
        _check_mapping(out)
        return {"phone": list(out["phone"]), "name": list(out.get("name") or []),
                "fields": dict(out.get("fields") or {})}


class OptionsSchema(Schema):
    dedup_file = fields.Bool(load_default=True)
    dedup_list = fields.Bool(load_default=True)
    dedup_campaign = fields.Bool(load_default=True)


class UploadFormSchema(Schema):
    """The form fields sent with the file (multipart/form-data)."""

    campaign_id = fields.Int(required=True, validate=validate.Range(min=1))
    list_id = fields.Int(load_default=None, allow_none=True, validate=validate.Range(min=1))
    list_name = fields.Str(load_default=None, allow_none=True, validate=validate.Length(min=1, max=200))
    encoding = fields.Str(load_default=None, allow_none=True, validate=validate.Length(max=32))
    sheet = fields.Str(load_default=None, allow_none=True, validate=validate.Length(max=100))
    has_header = fields.Bool(load_default=None, allow_none=True)
    template_id = fields.Int(load_default=None, allow_none=True, validate=validate.Range(min=1))

    @validates_schema
    def _list_given(self, data, **kwargs):
        if data.get("list_id") is None and not data.get("list_name"):
            raise ValidationError("give list_id or list_name", "list_id")


class PreviewRequestSchema(Schema):
    mapping = MappingField(load_default=None, allow_none=True)
    options = fields.Nested(OptionsSchema, load_default=None, allow_none=True)


class ConfirmSchema(Schema):
    mapping = MappingField(required=True)
    options = fields.Nested(OptionsSchema, load_default=None, allow_none=True)
    save_template_as = fields.Str(load_default=None, allow_none=True, validate=validate.Length(min=1, max=100))


class UndoSchema(Schema):
    reason = fields.Str(load_default=None, allow_none=True, validate=validate.Length(max=500))


class PreviewRowSchema(Schema):
    row = fields.Int()
    cells = fields.List(fields.Str())
    status = fields.Str(metadata={"description": "accepted or rejected"})
    phone_e164 = fields.Str()
    alt_phones = fields.List(fields.Str())
    number_type = fields.Str()
    region_code = fields.Str(allow_none=True)
    geo = fields.Str(allow_none=True)
    timezone = fields.Str(allow_none=True)
    name = fields.Str(allow_none=True)
    fields_ = fields.Dict(data_key="fields", attribute="fields")
    reason = fields.Str()
    reason_text = fields.Str()
    detail = fields.Str(allow_none=True)


class BatchSchema(Schema):
    id = fields.Int()
    campaign_id = fields.Int()
    list_id = fields.Int()
    filename = fields.Str()
    file_kind = fields.Str()
    encoding = fields.Str(allow_none=True)
    sheet = fields.Str(allow_none=True)
    sheets = fields.List(fields.Str())
    header = fields.List(fields.Str())
    status = fields.Str(metadata={"description": "pending, queued, running, cancelling, done, failed, cancelled, undone"})
    rows_done = fields.Int()
    rows_total = fields.Int(allow_none=True)
    accepted = fields.Int()
    rejected = fields.Int()
    reject_summary = fields.Dict(keys=fields.Str(), values=fields.Int())
    reject_reasons = fields.Dict(keys=fields.Str(), values=fields.Str())
    mapping = fields.Dict()
    options = fields.Dict()
    error = fields.Str(allow_none=True)
    created_at = fields.DateTime()
    started_at = fields.DateTime(allow_none=True)
    finished_at = fields.DateTime(allow_none=True)
    undone_at = fields.DateTime(allow_none=True)
    undo = fields.Dict(allow_none=True)
    seconds_left = fields.Float(allow_none=True)
    preview = fields.List(fields.Nested(PreviewRowSchema))


class BatchQuerySchema(Schema):
    campaign_id = fields.Int(load_default=None, validate=validate.Range(min=1))
    list_id = fields.Int(load_default=None, validate=validate.Range(min=1))
    limit = fields.Int(load_default=50, validate=validate.Range(min=1, max=500))


class RejectsQuerySchema(Schema):
    format = fields.Str(load_default="csv", validate=validate.OneOf(["csv", "xlsx"]))


class TemplateSchema(Schema):
    id = fields.Int(dump_only=True)
    name = fields.Str(required=True, validate=validate.Length(min=1, max=100))
    mapping = MappingField(required=True)
    created_by = fields.Int(dump_only=True, allow_none=True)
    created_at = fields.DateTime(dump_only=True)


class CallListSchema(Schema):
    id = fields.Int(dump_only=True)
    campaign_id = fields.Int(required=True, validate=validate.Range(min=1))
    name = fields.Str(required=True, validate=validate.Length(min=1, max=200))
    active = fields.Bool(dump_only=True)
    created_at = fields.DateTime(dump_only=True)
    lead_count = fields.Int(dump_only=True)


class CallListQuerySchema(Schema):
    campaign_id = fields.Int(required=True, validate=validate.Range(min=1))
