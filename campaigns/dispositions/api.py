"""REST API: a campaign's dispositions, applying a disposition to a lead,
callbacks (the campaign's, and the agent's own reminder list)."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from campaigns.dispositions.callbacks import agent_callbacks
from campaigns.dispositions.schemas import (
    ApplyDispositionSchema,
    ApplyResultSchema,
    CallbackQuery,
    CallbackSchema,
    DispositionPatchSchema,
    DispositionSchema,
    MyCallbacksQuery,
    MyCallbacksSchema,
)
from campaigns.dispositions.service import DispositionError, apply_disposition
from campaigns.manage.helpers import DISPOSE_ROLES, MANAGE_ROLES, READ_ROLES, campaign_or_404, redis_client
from campaigns.models import Callback, CallbackStatus, Disposition, Lead, campaign_agents
from core import audit
from core.api.blueprint import ApiBlueprint
from core.api.errors import ApiError, not_found
from core.auth.access import current_user
from core.clock import utcnow
from core.db import db
from core.models import Role
from dialer.models import CallAttempt

bp = ApiBlueprint("campaign_dispositions_api", __name__, tag="dispositions and callbacks")


def _check_flags(d: Disposition) -> None:
    if d.is_final and (d.is_retry or d.is_callback):
        raise ApiError(422, _("A final disposition cannot also retry or call back."), "is_final")
    if d.is_retry and d.is_callback:
        raise ApiError(422, _("Choose retry or callback, not both."), "is_retry")
    if d.is_dnc and not d.is_final:
        raise ApiError(422, _("A do-not-call disposition must be final."), "is_dnc")


@bp.endpoint(
    "/campaigns/<int:campaign_id>/dispositions",
    roles=(*READ_ROLES, Role.AGENT),
    response=DispositionSchema,
    many=True,
)
def list_dispositions(campaign_id):
    """The campaign's dispositions in display order."""
    campaign_or_404(campaign_id)
    return db.session.scalars(
        select(Disposition)
        .where(Disposition.campaign_id == campaign_id)
        .order_by(Disposition.sort_order, Disposition.id)
    ).all()


@bp.endpoint(
    "/campaigns/<int:campaign_id>/dispositions",
    methods=["POST"],
    roles=MANAGE_ROLES,
    body=DispositionSchema,
    response=DispositionSchema,
    status=201,
)
def create_disposition(campaign_id, body):
    """Add a disposition with its flags and recycling rule."""
    campaign_or_404(campaign_id)
    row = Disposition(campaign_id=campaign_id, **body)
    _check_flags(row)
    db.session.add(row)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise ApiError(409, _("This code is already used."), "code") from None
    audit.record(
        db.session, current_user, "disposition.create", "campaign", campaign_id, None, {"code": row.code}
    )
    db.session.commit()
    return row


@bp.endpoint(
    "/campaigns/<int:campaign_id>/dispositions/<int:disposition_id>",
    methods=["PATCH"],
    roles=MANAGE_ROLES,
    body=DispositionPatchSchema,
    response=DispositionSchema,
)
def edit_disposition(campaign_id, disposition_id, body):
    """Change a disposition (deactivate it rather than delete: calls refer to it)."""
    row = db.session.get(Disposition, disposition_id)
    if row is None or row.campaign_id != campaign_id:
        raise not_found("disposition")
    for key, value in body.items():
        setattr(row, key, value)
    _check_flags(row)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise ApiError(409, _("This code is already used."), "code") from None
    audit.record(
        db.session,
        current_user,
        "disposition.update",
        "campaign",
        campaign_id,
        None,
        {"code": row.code, "fields": sorted(body)},
    )
    db.session.commit()
    return row


@bp.endpoint(
    "/campaigns/<int:campaign_id>/leads/<int:lead_id>/disposition",
    methods=["POST"],
    roles=DISPOSE_ROLES,
    body=ApplyDispositionSchema,
    response=ApplyResultSchema,
)
def dispose(campaign_id, lead_id, body):
    """Apply a disposition to a lead (and its call attempt): recycle, callback, DNC."""
    lead = db.session.get(Lead, lead_id)
    if lead is None or lead.campaign_id != campaign_id:
        raise not_found("lead")
    if current_user.role == Role.AGENT and not db.session.scalar(
        select(campaign_agents.c.user_id).where(
            campaign_agents.c.campaign_id == campaign_id, campaign_agents.c.user_id == current_user.id
        )
    ):
        raise ApiError(403, _("You are not an agent of this campaign."))
    target = lead
    if body["attempt_id"] is not None:
        attempt = db.session.get(CallAttempt, body["attempt_id"])
        if attempt is None or attempt.lead_id != lead_id:
            raise ApiError(422, _("This call is not the lead's."), "attempt_id")
        if current_user.role == Role.AGENT and attempt.agent_id not in (None, current_user.id):
            raise ApiError(403, _("This call belongs to another agent."), "attempt_id")
        target = attempt
    try:
        result = apply_disposition(
            db.session,
            target,
            body["disposition"],
            current_user,
            utcnow(),
            callback_at=body["callback_at"],
            note=body["note"],
            redis=redis_client(),
            callback_for_campaign=body["callback_for_campaign"],
        )
    except DispositionError as exc:
        db.session.rollback()
        raise ApiError(422, _(str(exc)), exc.field) from None
    db.session.commit()
    return {
        "lead_id": lead.id,
        "lead_status": lead.status.value,
        "next_attempt_at": lead.next_attempt_at,
        "disposition": result.disposition.code,
        "why": result.why,
        "dnc_scope": result.dnc_scope,
        "callback": result.callback,
    }


@bp.endpoint(
    "/campaigns/<int:campaign_id>/callbacks",
    roles=READ_ROLES,
    query=CallbackQuery,
    response=CallbackSchema,
    many=True,
)
def campaign_callbacks(campaign_id, query):
    """The campaign's callbacks by status, soonest first."""
    campaign_or_404(campaign_id)
    return db.session.scalars(
        select(Callback)
        .where(Callback.campaign_id == campaign_id, Callback.status == CallbackStatus(query["status"]))
        .order_by(Callback.due_at)
        .limit(1000)
    ).all()


@bp.endpoint("/callbacks/mine", roles=(Role.AGENT,), query=MyCallbacksQuery, response=MyCallbacksSchema)
def my_callbacks(query):
    """The signed-in agent's callbacks: due now (overdue included) and coming within N hours."""
    now = utcnow()
    rows = agent_callbacks(db.session, current_user.id, now, query["hours"])
    return {"due": [c for c in rows if c.due_at <= now], "upcoming": [c for c in rows if c.due_at > now]}
