"""Manager pages: campaigns, lifecycle, trial, rules, dispositions, caller IDs,
trunks, project log, settlement.  Pages render what the services give and
change things through the JSON API (one way to change each thing)."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, render_template
from flask_babel import gettext as _
from sqlalchemy import select

from campaigns.callerids.service import number_stats
from campaigns.lifecycle.machine import actions_from
from campaigns.lifecycle.service import check, current_rectification
from campaigns.manage.helpers import ASSIGN_ROLES, CALLERID_ROLES, MANAGE_ROLES, READ_ROLES, centre_timezone
from campaigns.models import (
    CallerIdPool,
    Campaign,
    CampaignTransition,
    Disposition,
    Settlement,
    Trunk,
    campaign_caller_pools,
)
from campaigns.rules.effective import campaign_rules
from campaigns.rules.profiles import JURISDICTIONS
from campaigns.trial.report import trial_report
from campaigns.trial.service import campaign_agent_rows
from core.auth.access import current_user, roles_required
from core.clock import utcnow
from core.db import db
from core.models import Role, User

bp = Blueprint("campaign_pages", __name__, url_prefix="/campaigns")

ACTION_LABELS = {
    "start_trial": "Start trial calls",
    "return_to_draft": "Back to draft with findings",
    "sign_off_trial": "Sign off the trial",
    "waive_trial": "Waive the trial",
    "launch": "Launch formal calling",
    "pause": "Pause",
    "resume": "Resume",
    "stop_for_rectification": "Stop for rectification",
    "resume_after_rectification": "Resume after rectification",
    "complete": "Complete",
    "settle": "Settle",
}
# Actions whose form asks for a reason (or a note) before posting.
ASKS_REASON = {"return_to_draft", "waive_trial", "stop_for_rectification", "pause", "sign_off_trial"}


def _campaign(campaign_id: int) -> Campaign:
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None:
        abort(404)
    return campaign


def _can(*roles) -> bool:
    return current_user.has_role(*roles)


@bp.route("/")
@roles_required(*READ_ROLES)
def index():
    campaigns = db.session.scalars(
        select(Campaign).order_by(Campaign.created_at.desc(), Campaign.id.desc())
    ).all()
    return render_template("campaigns/list.html", campaigns=campaigns, can_manage=_can(*MANAGE_ROLES))


@bp.route("/new")
@roles_required(*MANAGE_ROLES)
def new():
    return render_template("campaigns/form.html", campaign=None, jurisdictions=JURISDICTIONS)


@bp.route("/<int:campaign_id>/edit")
@roles_required(*MANAGE_ROLES)
def edit(campaign_id):
    return render_template(
        "campaigns/form.html", campaign=_campaign(campaign_id), jurisdictions=JURISDICTIONS
    )


@bp.route("/<int:campaign_id>")
@roles_required(*READ_ROLES)
def detail(campaign_id):
    campaign = _campaign(campaign_id)
    actions = []
    for action in actions_from(campaign.state):
        decision = check(db.session, campaign, action)
        actions.append(
            {
                "action": action.value,
                "label": _(ACTION_LABELS[action.value]),
                "allowed": decision.allowed,
                "asks_reason": action.value in ASKS_REASON,
                "messages": [_(m) for m in decision.messages],
            }
        )
    transitions = db.session.scalars(
        select(CampaignTransition)
        .where(CampaignTransition.campaign_id == campaign.id)
        .order_by(CampaignTransition.at, CampaignTransition.id)
    ).all()
    users = {u.id: u for u in db.session.scalars(select(User)).all()}
    pools = db.session.scalars(
        select(CallerIdPool)
        .join(campaign_caller_pools, campaign_caller_pools.c.pool_id == CallerIdPool.id)
        .where(campaign_caller_pools.c.campaign_id == campaign.id)
    ).all()
    return render_template(
        "campaigns/detail.html",
        campaign=campaign,
        actions=actions,
        transitions=transitions,
        users=users,
        rectification=current_rectification(db.session, campaign.id),
        pools=pools,
        all_pools=db.session.scalars(select(CallerIdPool).order_by(CallerIdPool.name)).all(),
        agents=campaign_agent_rows(db.session, campaign.id),
        all_agents=db.session.scalars(
            select(User).where(User.role == Role.AGENT, User.active.is_(True)).order_by(User.username)
        ).all(),
        can_manage=_can(*MANAGE_ROLES),
        can_assign=_can(*ASSIGN_ROLES),
        action_labels=ACTION_LABELS,
    )


@bp.route("/<int:campaign_id>/rules")
@roles_required(*READ_ROLES)
def rules(campaign_id):
    campaign = _campaign(campaign_id)
    return render_template(
        "campaigns/rules.html",
        campaign=campaign,
        effective=campaign_rules(campaign),
        jurisdictions=JURISDICTIONS,
        can_manage=_can(*MANAGE_ROLES),
    )


@bp.route("/<int:campaign_id>/dispositions")
@roles_required(*READ_ROLES)
def dispositions(campaign_id):
    campaign = _campaign(campaign_id)
    rows = db.session.scalars(
        select(Disposition)
        .where(Disposition.campaign_id == campaign.id)
        .order_by(Disposition.sort_order, Disposition.id)
    ).all()
    return render_template(
        "campaigns/dispositions.html", campaign=campaign, dispositions=rows, can_manage=_can(*MANAGE_ROLES)
    )


@bp.route("/<int:campaign_id>/trial")
@roles_required(*READ_ROLES)
def trial(campaign_id):
    campaign = _campaign(campaign_id)
    return render_template(
        "campaigns/trial.html",
        campaign=campaign,
        report=trial_report(db.session, campaign),
        can_manage=_can(*MANAGE_ROLES),
    )


@bp.route("/<int:campaign_id>/log")
@roles_required(*READ_ROLES)
def project_log(campaign_id):
    campaign = _campaign(campaign_id)
    today = utcnow().astimezone(ZoneInfo(centre_timezone())).date()
    return render_template(
        "campaigns/log.html", campaign=campaign, today=today.isoformat(), can_manage=_can(*MANAGE_ROLES)
    )


@bp.route("/<int:campaign_id>/settlement")
@roles_required(*READ_ROLES)
def settlement(campaign_id):
    campaign = _campaign(campaign_id)
    rows = db.session.scalars(
        select(Settlement).where(Settlement.campaign_id == campaign.id).order_by(Settlement.month.desc())
    ).all()
    month = utcnow().astimezone(ZoneInfo(centre_timezone())).strftime("%Y-%m")
    return render_template(
        "campaigns/settlement.html",
        campaign=campaign,
        settlements=rows,
        month=month,
        can_manage=_can(*MANAGE_ROLES),
    )


@bp.route("/caller-ids")
@roles_required(*READ_ROLES)
def caller_ids():
    now = utcnow()
    stats = {s["caller_id"]: s for s in number_stats(db.session, now - timedelta(days=7), now)}
    return render_template(
        "campaigns/callerids.html",
        pools=db.session.scalars(select(CallerIdPool).order_by(CallerIdPool.name)).all(),
        trunks=db.session.scalars(select(Trunk).order_by(Trunk.name)).all(),
        stats=stats,
        can_edit=_can(*CALLERID_ROLES),
    )


@bp.route("/trunks")
@roles_required(*READ_ROLES)
def trunks():
    return render_template(
        "campaigns/trunks.html",
        trunks=db.session.scalars(select(Trunk).order_by(Trunk.name)).all(),
        can_edit=_can(*CALLERID_ROLES),
    )
