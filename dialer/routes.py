"""The dialer's API: eligibility dry-run, hopper and pod status."""
from __future__ import annotations

import json

from flask import current_app
from marshmallow import Schema, fields

from campaigns.models import Campaign
from core import events
from core.api import ApiBlueprint, not_found
from core.clock import utcnow
from core.db import db
from core.models import Role
from core.redis_conn import app_redis

bp = ApiBlueprint("dialer_api", __name__, tag="dialer", url_prefix="/dialer")
VIEWERS = [Role.MANAGER, Role.TECHNICIAN, Role.SUPERVISOR]


class DryRunSchema(Schema):
    campaign_id = fields.Int()
    at = fields.Str()
    total = fields.Int()
    eligible = fields.Int()
    excluded_by = fields.Dict(keys=fields.Str(), values=fields.Int(),
                              metadata={"description": "reason code -> leads it excludes (a lead may count under several)"})


class HopperSchema(Schema):
    campaign_id = fields.Int()
    queued = fields.Int()
    leased = fields.Int()
    low_data = fields.Dict(allow_none=True)
    stats = fields.Dict()


class PodSchema(Schema):
    pod_id = fields.Str()
    heartbeat = fields.Float()
    calls = fields.Int()
    limit = fields.Int()
    agents = fields.Int()
    campaigns = fields.List(fields.Int())
    sip = fields.Str()


@bp.endpoint("/campaigns/<int:campaign_id>/eligibility", roles=VIEWERS, response=DryRunSchema,
             summary="Eligibility dry-run: how many leads each rule excludes now")
def eligibility(campaign_id: int):
    from dialer.dryrun import campaign_dry_run

    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None:
        raise not_found("campaign")
    return campaign_dry_run(db.session, campaign, utcnow(), current_app.config["TIMEZONE"])


@bp.endpoint("/campaigns/<int:campaign_id>/hopper", roles=VIEWERS, response=HopperSchema,
             summary="Hopper level, leases, low-data alert and the pods' pacing figures")
def hopper(campaign_id: int):
    from dialer.hopper import Hopper
    from dialer.refill import low_data_key

    if db.session.get(Campaign, campaign_id) is None:
        raise not_found("campaign")
    r = app_redis()
    h = Hopper(r, campaign_id)
    low = r.get(low_data_key(campaign_id))
    return {"campaign_id": campaign_id, "queued": h.size(), "leased": len(h.leased()),
            "low_data": json.loads(low) if low else None,
            "stats": r.hgetall(events.campaign_stats_key(campaign_id))}


@bp.endpoint("/pods", roles=VIEWERS, response=PodSchema, many=True, summary="Pods alive and their load")
def pods():
    r = app_redis()
    out = []
    for pod_id in sorted(r.smembers(events.PODS)):
        status = r.hgetall(events.pod_status_key(pod_id))
        if not status:
            continue
        out.append({"pod_id": pod_id, "heartbeat": float(status.get("heartbeat", 0)),
                    "calls": int(status.get("calls", 0)), "limit": int(status.get("limit", 0)),
                    "agents": int(status.get("agents", 0)), "campaigns": json.loads(status.get("campaigns", "[]")),
                    "sip": status.get("sip", "")})
    return out


blueprints = [bp]
