"""Marshmallow schemas of the recordings API: catalogue search, recordings,
QA reviews and comments, delivery bundles."""
from __future__ import annotations

import math

from marshmallow import Schema, ValidationError, fields, validate


class Text(fields.Str):
    """A string without NUL characters (PostgreSQL text cannot hold them)."""

    def _deserialize(self, value, attr, data, **kwargs):
        return super()._deserialize(value, attr, data, **kwargs).replace("\x00", "")


class Mark(fields.Raw):
    """One scorecard mark: true, false, a number from 0 to 1, or null."""

    def _deserialize(self, value, attr, data, **kwargs):
        if value is None or isinstance(value, bool):
            return value
        if isinstance(value, (int, float)) and math.isfinite(value) and 0 <= value <= 1:
            return float(value)
        raise ValidationError("A mark is true, false, a number from 0 to 1, or null.")


class CatalogueQuery(Schema):
    campaign_id = fields.Int(load_default=None)
    agent_id = fields.Int(load_default=None)
    phone = Text(load_default=None, validate=validate.Length(max=20))
    date_from = fields.Date(load_default=None)
    date_to = fields.Date(load_default=None)
    disposition = Text(load_default=None, validate=validate.Length(max=32))
    min_duration = fields.Float(load_default=None, validate=validate.Range(min=0), allow_nan=False)
    max_duration = fields.Float(load_default=None, validate=validate.Range(min=0), allow_nan=False)
    status = fields.Str(load_default=None, validate=validate.OneOf(
        ["recording", "recorded", "archived", "purged", "failed"]))
    reviewed = fields.Bool(load_default=None)
    page = fields.Int(load_default=1, validate=validate.Range(min=1, max=100_000))
    per_page = fields.Int(load_default=50, validate=validate.Range(min=1, max=200))


class RecordingSchema(Schema):
    id = fields.Int()
    campaign_id = fields.Int(allow_none=True)
    campaign_code = fields.Str(allow_none=True)
    agent_id = fields.Int(allow_none=True)
    agent_name = fields.Str(allow_none=True)
    phone_e164 = fields.Str(allow_none=True)
    attempt_id = fields.Int(allow_none=True)
    disposition = fields.Str(allow_none=True)
    is_dnc = fields.Bool()
    status = fields.Str()
    format = fields.Str()
    storage = fields.Str()
    size_bytes = fields.Int(allow_none=True)
    duration_seconds = fields.Float(allow_none=True)
    sha256 = fields.Str(allow_none=True)
    started_at = fields.DateTime()
    archived_at = fields.DateTime(allow_none=True)
    legal_hold = fields.Bool()
    purge_after = fields.DateTime(allow_none=True)
    purged_at = fields.DateTime(allow_none=True)
    error = fields.Str(allow_none=True)
    review_id = fields.Int(allow_none=True)
    review_status = fields.Str(allow_none=True)
    review_total = fields.Float(allow_none=True)


class CataloguePage(Schema):
    items = fields.List(fields.Nested(RecordingSchema))
    total = fields.Int()
    page = fields.Int()
    per_page = fields.Int()


class LegalHoldSchema(Schema):
    legal_hold = fields.Bool(required=True)
    reason = Text(required=True, validate=validate.Length(min=1, max=500))


class JobSchema(Schema):
    job_id = fields.Str()
    status = fields.Str()


class CommentInSchema(Schema):
    at_seconds = fields.Float(required=True, validate=validate.Range(min=0, max=24 * 3600), allow_nan=False)
    text = Text(required=True, validate=validate.Length(min=1, max=2000))


class CommentSchema(Schema):
    id = fields.Int()
    at_seconds = fields.Float()
    text = fields.Str()
    author_id = fields.Int(allow_none=True)
    created_at = fields.DateTime()


class ReviewUpdateSchema(Schema):
    marks = fields.Dict(keys=Text(validate=validate.Length(min=1, max=100)), values=Mark(allow_none=True),
                        load_default=None)
    optout_verified = fields.Bool(load_default=None, allow_none=True)
    finish = fields.Bool(load_default=False)


class ReviewSchema(Schema):
    id = fields.Int()
    recording_id = fields.Int(allow_none=True)
    attempt_id = fields.Int(allow_none=True)
    campaign_id = fields.Int(allow_none=True)
    agent_id = fields.Int(allow_none=True)
    reviewer_id = fields.Int(allow_none=True)
    scorecard_version_id = fields.Int(allow_none=True)
    scores = fields.Dict()
    total = fields.Float(allow_none=True)
    auto_failed = fields.Bool()
    optout_verified = fields.Bool(allow_none=True)
    status = fields.Str()
    created_at = fields.DateTime()
    finished_at = fields.DateTime(allow_none=True)
    comments = fields.List(fields.Nested(CommentSchema))


class BundleQuery(Schema):
    campaign_id = fields.Int(load_default=None)


class BundleRequestSchema(Schema):
    campaign_id = fields.Int(required=True)
    day = fields.Date(required=True)


class BundleSchema(Schema):
    id = fields.Int()
    campaign_id = fields.Int()
    day = fields.Date()
    storage = fields.Str()
    sha256 = fields.Str()
    file_count = fields.Int()
    created_at = fields.DateTime()
