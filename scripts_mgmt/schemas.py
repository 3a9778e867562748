"""Marshmallow schemas of the scripts API and of the import/export document."""

from __future__ import annotations

import math

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from scripts_mgmt.questionnaire.schema import MAX_KEY_LENGTH

FORMATS = ("json", "yaml")
MAX_CONTENT = 100_000


def _strip_nul(value):
    """NUL cannot be stored in PostgreSQL text or JSONB; it never belongs in a
    script.  Nor can NaN or infinity (JSON has neither)."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, float) and not math.isfinite(value):
        raise ValidationError("NaN and infinity are not allowed.")
    if isinstance(value, list):
        return [_strip_nul(v) for v in value]
    if isinstance(value, dict):
        return {_strip_nul(k): _strip_nul(v) for k, v in value.items()}
    return value


class Text(fields.Str):
    def _deserialize(self, value, attr, data, **kwargs):
        return _strip_nul(super()._deserialize(value, attr, data, **kwargs))


class JsonObject(fields.Dict):
    def _deserialize(self, value, attr, data, **kwargs):
        return _strip_nul(super()._deserialize(value, attr, data, **kwargs))


class JsonValue(fields.Raw):
    def _deserialize(self, value, attr, data, **kwargs):
        return _strip_nul(super()._deserialize(value, attr, data, **kwargs))


def _status(obj) -> str:
    return obj.status.value


# -- objections -------------------------------------------------------------
class ObjectionInSchema(Schema):
    objection = Text(required=True, validate=validate.Length(min=1, max=2000))
    answer = Text(required=True, validate=validate.Length(min=1, max=5000))
    tags = fields.List(
        Text(validate=validate.Length(min=1, max=50)), load_default=list, validate=validate.Length(max=20)
    )


class ObjectionSchema(ObjectionInSchema):
    id = fields.Int(dump_only=True)
    sort_order = fields.Int(dump_only=True)


class ObjectionSearchQuery(Schema):
    q = Text(load_default="", validate=validate.Length(max=200))
    tag = Text(load_default=None, validate=validate.Length(max=50))
    limit = fields.Int(load_default=50, validate=validate.Range(min=1, max=200))


# -- scripts and versions ---------------------------------------------------
class ScriptCreateSchema(Schema):
    name = Text(required=True, validate=validate.Length(min=1, max=200))
    description = Text(load_default="", validate=validate.Length(max=5000))
    campaign_id = fields.Int(load_default=None, allow_none=True, strict=True)


class ScriptUpdateSchema(Schema):
    name = Text(validate=validate.Length(min=1, max=200))
    description = Text(validate=validate.Length(max=5000))


class ScriptListQuery(Schema):
    campaign_id = fields.Int(load_default=None)


class VersionSummarySchema(Schema):
    id = fields.Int()
    script_id = fields.Int()
    number = fields.Int()
    status = fields.Function(_status)
    change_note = fields.Str(allow_none=True)
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    approved_by = fields.Int(allow_none=True)
    approved_at = fields.DateTime(allow_none=True)
    client_approver = fields.Str(allow_none=True)
    approval_note = fields.Str(allow_none=True)
    retired_at = fields.DateTime(allow_none=True)


class VersionSchema(VersionSummarySchema):
    content = fields.Str()
    questionnaire = fields.Dict()
    variables = fields.List(fields.Str())
    objections = fields.List(fields.Nested(ObjectionSchema))


class ScriptSchema(Schema):
    id = fields.Int()
    name = fields.Str()
    description = fields.Str()
    campaign_id = fields.Int(allow_none=True)
    created_at = fields.DateTime()
    versions = fields.List(fields.Nested(VersionSummarySchema))


class DraftCreateSchema(Schema):
    change_note = Text(load_default=None, allow_none=True, validate=validate.Length(max=2000))


class DraftUpdateSchema(Schema):
    content = Text(validate=validate.Length(max=MAX_CONTENT))
    questionnaire = JsonObject()
    objections = fields.List(fields.Nested(ObjectionInSchema), validate=validate.Length(max=500))
    change_note = Text(allow_none=True, validate=validate.Length(max=2000))


class ApproveSchema(Schema):
    client_approver = Text(required=True, validate=validate.Length(min=1, max=128))
    note = Text(load_default="", validate=validate.Length(max=2000))
    acknowledge_unknown_variables = fields.Bool(load_default=False)


class RetireSchema(Schema):
    reason = Text(required=True, validate=validate.Length(min=1, max=2000))


class DiffQuery(Schema):
    from_id = fields.Int(required=True, data_key="from")
    to_id = fields.Int(required=True, data_key="to")


class PreviewSchema(Schema):
    content = Text(load_default=None, allow_none=True, validate=validate.Length(max=MAX_CONTENT))
    lead_id = fields.Int(load_default=None, allow_none=True, strict=True)


class ParseSchema(Schema):
    text = Text(required=True, validate=validate.Length(max=MAX_CONTENT))
    format = fields.Str(load_default="json", validate=validate.OneOf(FORMATS))


class ExportQuery(Schema):
    format = fields.Str(load_default="json", validate=validate.OneOf(FORMATS))


class ImportSchema(Schema):
    document = Text(required=True, validate=validate.Length(min=1, max=5 * MAX_CONTENT))
    format = fields.Str(load_default="json", validate=validate.OneOf(FORMATS))
    campaign_id = fields.Int(load_default=None, allow_none=True, strict=True)
    name = Text(load_default=None, allow_none=True, validate=validate.Length(min=1, max=200))


class PinSchema(Schema):
    version_id = fields.Int(required=True, strict=True)
    approval_note = Text(load_default=None, allow_none=True, validate=validate.Length(max=2000))


class AnswersSchema(Schema):
    answers = fields.Dict(keys=fields.Str(), values=JsonValue(allow_none=True), required=True)


# -- the exchange document (import/export) ----------------------------------
class DocumentSourceSchema(Schema):
    """Where an export came from: informative, ignored on import."""

    script_id = fields.Int(allow_none=True)
    version = fields.Int(allow_none=True)
    status = fields.Str(allow_none=True)
    campaign_id = fields.Int(allow_none=True)


class ScriptDocumentSchema(Schema):
    format = fields.Str(required=True, validate=validate.Equal("dialer-script/1"))
    name = Text(required=True, validate=validate.Length(min=1, max=200))
    description = Text(load_default="", validate=validate.Length(max=5000))
    change_note = Text(load_default=None, allow_none=True, validate=validate.Length(max=2000))
    content = Text(load_default="", validate=validate.Length(max=MAX_CONTENT))
    questionnaire = JsonObject(load_default=dict)
    objections = fields.List(
        fields.Nested(ObjectionInSchema), load_default=list, validate=validate.Length(max=500)
    )
    source = fields.Nested(DocumentSourceSchema, load_default=None, allow_none=True)


# -- scorecards -------------------------------------------------------------
class ScorecardItemSchema(Schema):
    key = Text(required=True, validate=validate.Length(min=1, max=MAX_KEY_LENGTH))
    label = Text(required=True, validate=validate.Length(min=1, max=500))
    weight = fields.Float(required=True, validate=validate.Range(min=0, max=1000))
    auto_fail = fields.Bool(load_default=False)


class ScorecardCreateSchema(Schema):
    name = Text(required=True, validate=validate.Length(min=1, max=200))
    campaign_id = fields.Int(load_default=None, allow_none=True, strict=True)


class ScorecardListQuery(Schema):
    campaign_id = fields.Int(load_default=None)


class ScorecardVersionSchema(Schema):
    id = fields.Int()
    scorecard_id = fields.Int()
    number = fields.Int()
    status = fields.Function(_status)
    items = fields.List(fields.Dict())
    pass_mark = fields.Int()
    created_at = fields.DateTime()
    approved_by = fields.Int(allow_none=True)
    approved_at = fields.DateTime(allow_none=True)


class ScorecardSchema(Schema):
    id = fields.Int()
    name = fields.Str()
    campaign_id = fields.Int(allow_none=True)
    created_at = fields.DateTime()
    versions = fields.List(fields.Nested(ScorecardVersionSchema))


class ScorecardDraftSchema(Schema):
    items = fields.List(fields.Nested(ScorecardItemSchema), validate=validate.Length(max=200))
    pass_mark = fields.Int(validate=validate.Range(min=0, max=100))

    @validates_schema
    def unique_keys(self, data, **kwargs):
        keys = [i["key"] for i in data.get("items") or []]
        if len(set(keys)) != len(keys):
            raise ValidationError("item keys must be unique", "items")


class ScorecardApproveSchema(Schema):
    note = Text(load_default="", validate=validate.Length(max=2000))


class ScoreSchema(Schema):
    marks = fields.Dict(keys=fields.Str(), values=JsonValue(allow_none=True), required=True)
