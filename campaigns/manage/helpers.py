"""Small things every campaign API module and page needs: who may do what,
loading a campaign or answering 404, the centre's time zone, Redis."""

from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _

from campaigns.models import Campaign
from core.api.errors import ApiError, not_found
from core.db import db
from core.models import Role

READ_ROLES = (Role.MANAGER, Role.SUPERVISOR, Role.QA, Role.TECHNICIAN)
MANAGE_ROLES = (Role.MANAGER,)
CALLERID_ROLES = (Role.TECHNICIAN,)
ASSIGN_ROLES = (Role.MANAGER, Role.TECHNICIAN)
DISPOSE_ROLES = (Role.AGENT, Role.MANAGER, Role.SUPERVISOR)


def campaign_or_404(campaign_id: int) -> Campaign:
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None:
        raise not_found("campaign")
    return campaign


def centre_timezone() -> str:
    return current_app.config.get("TIMEZONE") or "Asia/Shanghai"


def redis_client():
    from core.redis_conn import app_redis

    return app_redis()


def refusal_error(decision) -> ApiError:
    """409 with every refusal, translated, and the stable codes beside them."""
    return ApiError(409, {"_schema": [_(m) for m in decision.messages], "reasons": list(decision.refusals)})
