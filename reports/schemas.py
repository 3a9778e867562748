"""Marshmallow schemas of the reports API."""
from __future__ import annotations

from marshmallow import Schema, fields, validate


class ReportQuery(Schema):
    day = fields.Date(load_default=None)
    campaign_id = fields.Int(load_default=None)
    limit = fields.Int(load_default=60, validate=validate.Range(min=1, max=500))


class CompileRequestSchema(Schema):
    day = fields.Date(required=True)
    campaign_id = fields.Int(load_default=None, allow_none=True)
    mail = fields.Bool(load_default=False)


class ReportSchema(Schema):
    id = fields.Int()
    kind = fields.Str()
    day = fields.Date()
    scope = fields.Str()
    campaign_id = fields.Int(allow_none=True)
    status = fields.Str()
    generated_at = fields.DateTime()
    mailed_at = fields.DateTime(allow_none=True)
    formats = fields.Method("_formats")
    data = fields.Dict()

    def _formats(self, report):
        return sorted((report.files or {}).keys())


class ReportSummarySchema(ReportSchema):
    """A report in a listing: everything but its figures."""

    class Meta:
        exclude = ("data",)


class QueuedSchema(Schema):
    job_id = fields.Str()
    status = fields.Str()
