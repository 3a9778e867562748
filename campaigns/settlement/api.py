"""REST API: seat hours and the month's settlement (compute, finalise, XLSX)."""

from __future__ import annotations

from flask import Response
from flask_babel import gettext as _
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from campaigns.manage.helpers import MANAGE_ROLES, READ_ROLES, campaign_or_404, centre_timezone
from campaigns.models import Settlement
from campaigns.settlement.calc import SEAT_KINDS
from campaigns.settlement.service import SettlementError, compute, finalise, seat_hours, settlement_xlsx
from core.api.blueprint import ApiBlueprint
from core.api.errors import ApiError, not_found
from core.auth.access import current_user
from core.clock import utcnow
from core.db import db

bp = ApiBlueprint("campaign_settlement_api", __name__, tag="settlement", url_prefix="/campaigns")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MONTH = r"^20\d\d-(0[1-9]|1[0-2])$"  # years the calendar arithmetic is safe for


class MonthQuery(Schema):
    month = fields.Str(required=True, validate=validate.Regexp(MONTH))


class SettlementInSchema(Schema):
    month = fields.Str(required=True, validate=validate.Regexp(MONTH))
    seat_price = fields.Decimal(
        load_default=None, allow_none=True, places=2, validate=validate.Range(min=0, max=10**7)
    )
    assessment_factor = fields.Decimal(load_default=1, places=4, validate=validate.Range(min=0, max=10))
    bonus = fields.Decimal(load_default=0, places=2, validate=validate.Range(min=0, max=10**9))
    penalties = fields.Decimal(load_default=0, places=2, validate=validate.Range(min=0, max=10**9))
    seat_ratios = fields.Dict(
        keys=fields.Str(validate=validate.OneOf(SEAT_KINDS)),
        values=fields.Float(validate=validate.Range(min=0, max=10)),
        load_default=dict,
    )
    note = fields.Str(load_default=None, allow_none=True, validate=validate.Length(max=5000))


class SettlementOutSchema(Schema):
    id = fields.Int()
    campaign_id = fields.Int()
    month = fields.Str()
    seat_price = fields.Decimal(as_string=True)
    assessment_factor = fields.Decimal(as_string=True)
    bonus = fields.Decimal(as_string=True)
    penalties = fields.Decimal(as_string=True)
    seat_ratios = fields.Dict()
    figures = fields.Dict()
    total_fee = fields.Decimal(as_string=True, allow_none=True)
    status = fields.Str()
    note = fields.Str(allow_none=True)


def _settlement(campaign_id: int, month: str) -> Settlement:
    row = db.session.scalar(
        select(Settlement).where(Settlement.campaign_id == campaign_id, Settlement.month == month)
    )
    if row is None:
        raise not_found("settlement")
    return row


@bp.endpoint("/<int:campaign_id>/seat-hours", roles=READ_ROLES, query=MonthQuery)
def hours(campaign_id, query):
    """Seat hours per agent and day of a month (ready + talking + wrap-up + paused + preview)."""
    campaign_or_404(campaign_id)
    rows = seat_hours(db.session, campaign_id, query["month"], centre_timezone(), utcnow())
    return {"month": query["month"], "timezone": centre_timezone(), "agents": list(rows.values())}


@bp.endpoint("/<int:campaign_id>/settlements", roles=READ_ROLES, response=SettlementOutSchema, many=True)
def list_settlements(campaign_id):
    """The campaign's monthly settlements."""
    campaign_or_404(campaign_id)
    return db.session.scalars(
        select(Settlement).where(Settlement.campaign_id == campaign_id).order_by(Settlement.month)
    ).all()


@bp.endpoint(
    "/<int:campaign_id>/settlements",
    methods=["POST"],
    roles=MANAGE_ROLES,
    body=SettlementInSchema,
    response=SettlementOutSchema,
    status=201,
)
def compute_settlement(campaign_id, body):
    """Compute (or recompute) a month's draft settlement from the manager's inputs."""
    campaign = campaign_or_404(campaign_id)
    month = body.pop("month")
    try:
        row = compute(db.session, campaign, month, centre_timezone(), utcnow(), current_user, **body)
    except SettlementError as exc:
        db.session.rollback()
        raise ApiError(409, _(str(exc)), "month") from None
    db.session.commit()
    return row


@bp.endpoint("/<int:campaign_id>/settlements/<month>", roles=READ_ROLES, response=SettlementOutSchema)
def get_settlement(campaign_id, month):
    """One month's settlement."""
    campaign_or_404(campaign_id)
    return _settlement(campaign_id, month)


@bp.endpoint(
    "/<int:campaign_id>/settlements/<month>/finalise",
    methods=["POST"],
    roles=MANAGE_ROLES,
    response=SettlementOutSchema,
)
def finalise_settlement(campaign_id, month):
    """Make a month's settlement final (it can no longer be recomputed)."""
    campaign_or_404(campaign_id)
    row = _settlement(campaign_id, month)
    try:
        finalise(db.session, row, current_user)
    except SettlementError as exc:
        raise ApiError(409, _(str(exc)), "status") from None
    db.session.commit()
    return row


@bp.endpoint("/<int:campaign_id>/settlements/<month>/xlsx", roles=READ_ROLES)
def settlement_workbook(campaign_id, month):
    """The settlement as XLSX, Chinese headers."""
    campaign = campaign_or_404(campaign_id)
    row = _settlement(campaign_id, month)
    return Response(
        settlement_xlsx(campaign, row),
        mimetype=XLSX,
        headers={"Content-Disposition": f'attachment; filename="settlement-{campaign.code}-{month}.xlsx"'},
    )
