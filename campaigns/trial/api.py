"""REST API: trial sample, trial status and the trial report (JSON, XLSX)."""

from __future__ import annotations

from flask import Response
from flask_babel import lazy_gettext as _l
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from campaigns.manage.fields import Id
from campaigns.manage.helpers import MANAGE_ROLES, READ_ROLES, campaign_or_404
from campaigns.trial.report import trial_report, trial_report_xlsx
from campaigns.trial.service import TrialError, select_trial_sample, trial_dials, trial_dials_left
from core import audit
from core.api.blueprint import ApiBlueprint
from core.api.errors import ApiError
from core.auth.access import current_user
from core.db import db

bp = ApiBlueprint("campaign_trial_api", __name__, tag="trial calls", url_prefix="/campaigns")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class SampleSchema(Schema):
    size = fields.Int(validate=validate.Range(min=1, max=10000))
    lead_ids = fields.List(Id(), validate=validate.Length(min=1, max=10000))
    seed = fields.Int(load_default=None, allow_none=True)

    @validates_schema
    def _one(self, data, **kw):
        if "size" in data and "lead_ids" in data:
            raise ValidationError(str(_l("give either size or lead_ids")), "lead_ids")


class SampleOutSchema(Schema):
    lead_ids = fields.List(fields.Int())
    size = fields.Int()


class TrialStatusSchema(Schema):
    dial_cap = fields.Int()
    dials = fields.Int()
    dials_left = fields.Int()


@bp.endpoint(
    "/<int:campaign_id>/trial/sample",
    methods=["POST"],
    roles=MANAGE_ROLES,
    body=SampleSchema,
    response=SampleOutSchema,
)
def choose_sample(campaign_id, body):
    """Choose the trial sample: N random callable leads, or the listed leads."""
    campaign = campaign_or_404(campaign_id)
    try:
        chosen = select_trial_sample(
            db.session, campaign, size=body.get("size"), lead_ids=body.get("lead_ids"), seed=body.get("seed")
        )
    except TrialError as exc:
        db.session.rollback()
        raise ApiError(422, str(exc), "lead_ids") from None
    audit.record(
        db.session, current_user, "trial.sample", "campaign", campaign_id, None, {"size": len(chosen)}
    )
    db.session.commit()
    return {"lead_ids": chosen, "size": len(chosen)}


@bp.endpoint("/<int:campaign_id>/trial/status", roles=READ_ROLES, response=TrialStatusSchema)
def status(campaign_id):
    """Trial dials made and left under the cap."""
    campaign = campaign_or_404(campaign_id)
    return {
        "dial_cap": campaign.trial_dial_cap,
        "dials": trial_dials(db.session, campaign_id),
        "dials_left": trial_dials_left(db.session, campaign),
    }


@bp.endpoint("/<int:campaign_id>/trial/report", roles=READ_ROLES)
def report(campaign_id):
    """The trial report: summary, sign-off and every trial call."""
    return trial_report(db.session, campaign_or_404(campaign_id))


@bp.endpoint("/<int:campaign_id>/trial/report.xlsx", roles=READ_ROLES)
def report_xlsx(campaign_id):
    """The trial report as a workbook (Chinese headers)."""
    campaign = campaign_or_404(campaign_id)
    data = trial_report_xlsx(trial_report(db.session, campaign))
    return Response(
        data,
        mimetype=XLSX,
        headers={"Content-Disposition": f'attachment; filename="trial-{campaign.code}.xlsx"'},
    )
