"""REST API: trunks (pass-through settings), caller-ID pools and numbers,
assignment of pools to campaigns, per-number statistics."""

from __future__ import annotations

from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from campaigns.callerids.schemas import (
    CallerIdPatchSchema,
    CallerIdSchema,
    NumberStatsSchema,
    PoolAssignmentSchema,
    PoolPatchSchema,
    PoolSchema,
    StatsQuery,
    TrunkPatchSchema,
    TrunkSchema,
)
from campaigns.callerids.service import number_stats
from campaigns.manage.helpers import ASSIGN_ROLES, CALLERID_ROLES, READ_ROLES, campaign_or_404
from campaigns.models import CallerId, CallerIdPool, Trunk, campaign_caller_pools
from core import audit
from core.api.blueprint import ApiBlueprint
from core.api.errors import ApiError, not_found
from core.auth.access import current_user
from core.clock import utcnow
from core.db import db

bp = ApiBlueprint("callerids_api", __name__, tag="caller IDs and trunks")


def _get(model, ident, what):
    row = db.session.get(model, ident)
    if row is None:
        raise not_found(what)
    return row


def _flush(field: str, message: str):
    """Flush, turning a uniqueness clash into a 409 on the field."""
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise ApiError(409, message, field) from None


def _check_trunk(body):
    if body.get("trunk_id") is not None and db.session.get(Trunk, body["trunk_id"]) is None:
        raise ApiError(422, _("No such trunk."), "trunk_id")


# Trunks -------------------------------------------------------------------


@bp.endpoint("/trunks", roles=READ_ROLES, response=TrunkSchema, many=True)
def list_trunks():
    """List trunks with their pass-through settings."""
    return db.session.scalars(select(Trunk).order_by(Trunk.name)).all()


@bp.endpoint(
    "/trunks", methods=["POST"], roles=CALLERID_ROLES, body=TrunkSchema, response=TrunkSchema, status=201
)
def create_trunk(body):
    """Create a trunk."""
    trunk = Trunk(**body)
    db.session.add(trunk)
    _flush("name", _("A trunk with this name exists."))
    audit.record(db.session, current_user, "trunk.create", "trunk", trunk.id, None, {"name": body["name"]})
    db.session.commit()
    return trunk


@bp.endpoint("/trunks/<int:trunk_id>", roles=READ_ROLES, response=TrunkSchema)
def get_trunk(trunk_id):
    """One trunk."""
    return _get(Trunk, trunk_id, "trunk")


@bp.endpoint(
    "/trunks/<int:trunk_id>",
    methods=["PATCH"],
    roles=CALLERID_ROLES,
    body=TrunkPatchSchema,
    response=TrunkSchema,
)
def edit_trunk(trunk_id, body):
    """Change a trunk's settings (a password left out is kept)."""
    trunk = _get(Trunk, trunk_id, "trunk")
    if body.get("password") is None:
        body.pop("password", None)
    for key, value in body.items():
        setattr(trunk, key, value)
    audit.record(
        db.session,
        current_user,
        "trunk.update",
        "trunk",
        trunk_id,
        None,
        {"fields": sorted(k for k in body if k != "password")},
    )
    _flush("name", _("A trunk with this name exists."))
    db.session.commit()
    return trunk


@bp.endpoint("/trunks/<int:trunk_id>", methods=["DELETE"], roles=CALLERID_ROLES, status=204)
def delete_trunk(trunk_id):
    """Delete a trunk (numbers on it keep their pool; their trunk is cleared)."""
    trunk = _get(Trunk, trunk_id, "trunk")
    db.session.delete(trunk)
    audit.record(db.session, current_user, "trunk.delete", "trunk", trunk_id, None, {"name": trunk.name})
    db.session.commit()
    return None, 204


# Pools and numbers ---------------------------------------------------------


@bp.endpoint("/caller-id-pools", roles=READ_ROLES, response=PoolSchema, many=True)
def list_pools():
    """Caller-ID pools with their numbers."""
    return db.session.scalars(select(CallerIdPool).order_by(CallerIdPool.name)).all()


@bp.endpoint(
    "/caller-id-pools",
    methods=["POST"],
    roles=CALLERID_ROLES,
    body=PoolSchema,
    response=PoolSchema,
    status=201,
)
def create_pool(body):
    """Create a pool."""
    pool = CallerIdPool(**body)
    db.session.add(pool)
    _flush("name", _("A pool with this name exists."))
    audit.record(db.session, current_user, "callerid_pool.create", "caller_id_pool", pool.id, None, body)
    db.session.commit()
    return pool


@bp.endpoint("/caller-id-pools/<int:pool_id>", roles=READ_ROLES, response=PoolSchema)
def get_pool(pool_id):
    """One pool with its numbers."""
    return _get(CallerIdPool, pool_id, "pool")


@bp.endpoint(
    "/caller-id-pools/<int:pool_id>",
    methods=["PATCH"],
    roles=CALLERID_ROLES,
    body=PoolPatchSchema,
    response=PoolSchema,
)
def edit_pool(pool_id, body):
    """Rename or describe a pool."""
    pool = _get(CallerIdPool, pool_id, "pool")
    for key, value in body.items():
        setattr(pool, key, value)
    audit.record(db.session, current_user, "callerid_pool.update", "caller_id_pool", pool_id, None, body)
    _flush("name", _("A pool with this name exists."))
    db.session.commit()
    return pool


@bp.endpoint("/caller-id-pools/<int:pool_id>", methods=["DELETE"], roles=CALLERID_ROLES, status=204)
def delete_pool(pool_id):
    """Delete a pool and its numbers."""
    pool = _get(CallerIdPool, pool_id, "pool")
    db.session.delete(pool)
    audit.record(
        db.session, current_user, "callerid_pool.delete", "caller_id_pool", pool_id, None, {"name": pool.name}
    )
    db.session.commit()
    return None, 204


@bp.endpoint(
    "/caller-id-pools/<int:pool_id>/numbers",
    methods=["POST"],
    roles=CALLERID_ROLES,
    body=CallerIdSchema,
    response=CallerIdSchema,
    status=201,
)
def add_number(pool_id, body):
    """Add a number to a pool.  A verified number needs its evidence note."""
    _get(CallerIdPool, pool_id, "pool")
    _check_trunk(body)
    if body.get("verified") and not (body.get("evidence_note") or "").strip():
        raise ApiError(422, _("A verified number needs an evidence note."), "evidence_note")
    number = CallerId(pool_id=pool_id, **body)
    db.session.add(number)
    audit.record(
        db.session,
        current_user,
        "callerid.create",
        "caller_id_pool",
        pool_id,
        None,
        {"number": body["number_e164"], "verified": body.get("verified")},
    )
    _flush("number_e164", _("This number is already in the pool."))
    db.session.commit()
    return number


@bp.endpoint(
    "/caller-ids/<int:caller_id>",
    methods=["PATCH"],
    roles=CALLERID_ROLES,
    body=CallerIdPatchSchema,
    response=CallerIdSchema,
)
def edit_number(caller_id, body):
    """Change a number: verification, cap, cool-down, active."""
    number = _get(CallerId, caller_id, "caller ID")
    _check_trunk(body)
    for key, value in body.items():
        setattr(number, key, value)
    if number.verified and not (number.evidence_note or "").strip():
        db.session.rollback()
        raise ApiError(422, _("A verified number needs an evidence note."), "evidence_note")
    audit.record(
        db.session,
        current_user,
        "callerid.update",
        "caller_id",
        caller_id,
        None,
        {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in body.items()},
    )
    _flush("number_e164", _("This number is already in the pool."))
    db.session.commit()
    return number


@bp.endpoint("/caller-ids/<int:caller_id>", methods=["DELETE"], roles=CALLERID_ROLES, status=204)
def delete_number(caller_id):
    """Remove a number from its pool."""
    number = _get(CallerId, caller_id, "caller ID")
    db.session.delete(number)
    audit.record(
        db.session,
        current_user,
        "callerid.delete",
        "caller_id",
        caller_id,
        None,
        {"number": number.number_e164},
    )
    db.session.commit()
    return None, 204


@bp.endpoint("/caller-ids/stats", roles=READ_ROLES, query=StatsQuery, response=NumberStatsSchema, many=True)
def stats(query):
    """Per number over the last N days: dials, answer rate, share of very short calls, warning."""
    now = utcnow()
    return number_stats(db.session, now - timedelta(days=query["days"]), now, query.get("pool_id"))


# Assignment to campaigns ---------------------------------------------------


@bp.endpoint("/campaigns/<int:campaign_id>/caller-id-pools", roles=READ_ROLES, response=PoolSchema, many=True)
def campaign_pools(campaign_id):
    """The pools assigned to a campaign."""
    campaign_or_404(campaign_id)
    return _pools_of(campaign_id)


def _pools_of(campaign_id: int) -> list[CallerIdPool]:
    return db.session.scalars(
        select(CallerIdPool)
        .join(campaign_caller_pools, campaign_caller_pools.c.pool_id == CallerIdPool.id)
        .where(campaign_caller_pools.c.campaign_id == campaign_id)
        .order_by(CallerIdPool.name)
    ).all()


@bp.endpoint(
    "/campaigns/<int:campaign_id>/caller-id-pools",
    methods=["PUT"],
    roles=ASSIGN_ROLES,
    body=PoolAssignmentSchema,
    response=PoolSchema,
    many=True,
)
def assign_pools(campaign_id, body):
    """Replace the pools assigned to a campaign."""
    campaign_or_404(campaign_id)
    wanted = set(body["pool_ids"])
    found = set(db.session.scalars(select(CallerIdPool.id).where(CallerIdPool.id.in_(wanted))))
    if found != wanted:
        raise ApiError(
            422, _("No such pool: %(ids)s", ids=", ".join(map(str, sorted(wanted - found)))), "pool_ids"
        )
    db.session.execute(
        campaign_caller_pools.delete().where(campaign_caller_pools.c.campaign_id == campaign_id)
    )
    if wanted:
        db.session.execute(
            campaign_caller_pools.insert(),
            [{"campaign_id": campaign_id, "pool_id": p} for p in sorted(wanted)],
        )
    audit.record(
        db.session,
        current_user,
        "campaign.caller_id_pools",
        "campaign",
        campaign_id,
        None,
        {"pool_ids": sorted(wanted)},
    )
    db.session.commit()
    return _pools_of(campaign_id)
