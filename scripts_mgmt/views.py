"""Pages: script list, version editor with live preview, diff, scorecards.
The pages only read; every change goes through the JSON API from the page's
script (static/scripts/*.js)."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from sqlalchemy import select

from core.auth.access import current_user, roles_required
from core.db import db
from scripts_mgmt.api import APPROVERS, EDITORS, READERS
from scripts_mgmt.diff import diff_versions
from scripts_mgmt.models import Scorecard, ScorecardVersion, Script, ScriptVersion, VersionStatus
from scripts_mgmt.service import snapshot

bp = Blueprint("scripts_pages", __name__, url_prefix="/scripts")


def _can(roles) -> bool:
    return current_user.has_role(*roles)


def _campaigns():
    from campaigns.models import Campaign

    return db.session.scalars(select(Campaign).order_by(Campaign.code)).all()


@bp.route("/")
@roles_required(*READERS)
def script_list():
    scripts = db.session.scalars(select(Script).order_by(Script.created_at.desc(), Script.id.desc())).all()
    campaigns = _campaigns()
    return render_template(
        "scripts/list.html",
        scripts=scripts,
        campaigns=campaigns,
        campaign_codes={c.id: c.code for c in campaigns},
        can_edit=_can(EDITORS),
    )


@bp.route("/versions/<int:version_id>")
@roles_required(*READERS)
def version_editor(version_id: int):
    from campaigns.models import Campaign

    version = db.session.get(ScriptVersion, version_id)
    if version is None:
        abort(404)
    script = version.script
    campaign = db.session.get(Campaign, script.campaign_id) if script.campaign_id is not None else None
    pinnable = [c for c in _campaigns() if script.campaign_id in (None, c.id)]
    return render_template(
        "scripts/editor.html",
        version=version,
        script=script,
        campaign=campaign,
        pinnable=pinnable,
        editable=version.status is VersionStatus.DRAFT and _can(EDITORS),
        can_approve=_can(APPROVERS),
        can_edit=_can(EDITORS),
        objections=snapshot(version)["objections"],
    )


@bp.route("/<int:script_id>/diff")
@roles_required(*READERS)
def diff_page(script_id: int):
    script = db.session.get(Script, script_id)
    if script is None:
        abort(404)
    versions = script.versions
    numbers = {v.id: v for v in versions}
    old = numbers.get(request.args.get("from", type=int))
    new = numbers.get(request.args.get("to", type=int))
    if (old is None or new is None) and len(versions) >= 2:
        old, new = old or versions[-2], new or versions[-1]
    result = None
    if old is not None and new is not None:
        result = diff_versions(snapshot(old), snapshot(new), f"v{old.number}", f"v{new.number}")
    return render_template(
        "scripts/diff.html", script=script, versions=versions, old=old, new=new, diff=result
    )


@bp.route("/scorecards/")
@roles_required(*READERS)
def scorecard_list():
    cards = db.session.scalars(
        select(Scorecard).order_by(Scorecard.created_at.desc(), Scorecard.id.desc())
    ).all()
    campaigns = _campaigns()
    return render_template(
        "scripts/scorecards.html",
        cards=cards,
        campaigns=campaigns,
        campaign_codes={c.id: c.code for c in campaigns},
        can_edit=_can(EDITORS),
    )


@bp.route("/scorecards/versions/<int:version_id>")
@roles_required(*READERS)
def scorecard_editor(version_id: int):
    version = db.session.get(ScorecardVersion, version_id)
    if version is None:
        abort(404)
    card = version.scorecard
    pinnable = [c for c in _campaigns() if card.campaign_id in (None, c.id)]
    return render_template(
        "scripts/scorecard_editor.html",
        version=version,
        card=card,
        pinnable=pinnable,
        editable=version.status is VersionStatus.DRAFT and _can(EDITORS),
        can_approve=_can(APPROVERS),
        can_edit=_can(EDITORS),
    )
