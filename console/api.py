"""The console JSON API under /api/v1/console: the agent's state and
campaigns, picking a campaign, commands for the pod, the event stream, the
screen pop and disposition of a call, screen-pop timings; the wallboard's
figures, stream and silent monitoring."""
from __future__ import annotations

import re
import time

from flask import Response, current_app
from flask_babel import get_locale, gettext as _

from campaigns.models import Campaign, CampaignState, Lead
from console import calls, live, metrics, services, wallboard
from console.access import PICKABLE, agent_campaigns, may_work_on
from console.schemas import (
    CommandSchema, DispositionSubmitSchema, MonitorSchema, ObjectionQuery, PickCampaignSchema,
    ScreenPopTimingSchema,
)
from console.stream import event_stream
from core import events
from core.api import ApiBlueprint
from core.api.errors import ApiError, conflict
from core.auth.access import current_user
from core.clock import utcnow
from core.db import db
from core.models import Role
from core.redis_conn import app_redis

bp = ApiBlueprint("console_api", __name__, tag="agent console and wallboard", url_prefix="/console")

AGENT = (Role.AGENT,)
WATCHERS = (Role.SUPERVISOR, Role.MANAGER)
UUID = re.compile(r"^[0-9A-Za-z-]{1,36}$")


def _locale() -> str:
    return "zh" if str(get_locale() or "zh").startswith("zh") else "en"


def _me():
    return current_user._get_current_object()


def _own_attempt(attempt_uuid: str):
    attempt = None
    if UUID.match(attempt_uuid):
        attempt = calls.own_attempt(db.session, app_redis(), _me(), attempt_uuid)
    if attempt is None:
        raise ApiError(404, _("No such call of yours."))
    return attempt


def _campaign_info(campaign: Campaign) -> dict:
    locale = _locale()
    return {"id": campaign.id, "code": campaign.code, "name": campaign.name, "state": campaign.state.value,
            "wrapup_seconds": campaign.wrapup_seconds, "dial_mode": campaign.dial_mode,
            "pause_reasons": calls.pause_reasons(campaign, locale),
            "dispositions": calls.dispositions(db.session, campaign.id, locale)}


def _not_connected_message(user) -> str:
    if user.softphone_uri:
        return _("Your softphone is not connected. Pick a campaign and the system will call your softphone "
                 "at %(uri)s, or dial in and enter your PIN.", uri=user.softphone_uri)
    return _("Your softphone is not connected. Dial the dialer's SIP address from your softphone and enter "
             "your PIN.")


@bp.endpoint("/state", roles=AGENT)
def console_state():
    """The agent's live state, picked campaign and how to connect the softphone."""
    user, redis = _me(), app_redis()
    snapshot = live.agent_snapshot(redis, user.id)
    wanted = live.wanted(redis, user.id)
    campaign_id = snapshot["campaign_id"] or (wanted or {}).get("campaign_id")
    campaign = may_work_on(db.session, user, campaign_id) if isinstance(campaign_id, int) else None
    return {
        "agent": {"id": user.id, "name": user.display_name or user.username, "pin": user.agent_pin,
                  "softphone_uri": user.softphone_uri},
        "live": snapshot,
        "wanted": wanted,
        "connect": {"sip": live.pod_sip_addresses(redis), "pin": user.agent_pin,
                    "softphone_uri": user.softphone_uri},
        "campaign": _campaign_info(campaign) if campaign is not None else None,
        "server_time": time.time(),
    }


@bp.endpoint("/campaigns", roles=AGENT)
def console_campaigns():
    """The campaigns this agent may work on."""
    return {"items": [{"id": c.id, "code": c.code, "name": c.name, "state": c.state.value,
                       "trial_agent": trial,
                       "pickable": c.state in PICKABLE and (c.state is not CampaignState.TRIAL or trial)}
                      for c, trial in agent_campaigns(db.session, _me())]}


@bp.endpoint("/campaign", methods=["POST"], roles=AGENT, body=PickCampaignSchema)
def pick_campaign(body):
    """Pick the campaign to work on; with method pod_calls a pod calls the softphone."""
    user, redis = _me(), app_redis()
    campaign = may_work_on(db.session, user, body["campaign_id"])
    if campaign is None:
        raise ApiError(404, _("No such campaign of yours."), "campaign_id")
    trial = dict((c.id, t) for c, t in agent_campaigns(db.session, user)).get(campaign.id, False)
    if campaign.state not in PICKABLE or (campaign.state is CampaignState.TRIAL and not trial):
        raise conflict(_("This campaign is not open for calling."), "campaign_id")
    if body["method"] == "pod_calls" and not user.softphone_uri:
        raise conflict(_("You have no softphone address for the system to call; dial in with your PIN."),
                       "method")
    live.set_wanted(redis, user.id, campaign.id, body["method"], user.softphone_uri)
    return {"wanted": live.wanted(redis, user.id), "campaign": _campaign_info(campaign)}


@bp.endpoint("/commands", methods=["POST"], roles=AGENT, body=CommandSchema, status=202)
def console_command(body):
    """Send ready, pause, hangup, DTMF, preview dial/skip, manual dial or logout to the agent's pod."""
    user, redis = _me(), app_redis()
    snapshot = live.agent_snapshot(redis, user.id)
    if not snapshot["connected"]:
        raise conflict(_not_connected_message(user), "softphone")
    cmd = body["cmd"]
    command = {"cmd": cmd}
    campaign = db.session.get(Campaign, snapshot["campaign_id"]) if snapshot["campaign_id"] else None
    if cmd == "ready" and snapshot["state"] == "wrapup":
        raise conflict(_("Set the disposition of the call first."), "disposition")
    if cmd == "pause":
        codes = [r["code"] for r in calls.pause_reasons(campaign, _locale())]
        if codes and body["reason"] not in codes:
            raise ApiError(422, _("Unknown pause reason."), "reason")
        command["reason"] = body["reason"]
    elif cmd == "dtmf":
        command["digits"] = body["digits"].upper()
    elif cmd in ("preview_dial", "preview_skip"):
        if snapshot["state"] != "preview" or snapshot["lead_id"] != body["lead_id"]:
            raise conflict(_("This lead is not the one in preview."), "lead_id")
        command["lead_id"] = body["lead_id"]
    elif cmd == "manual_dial":
        if snapshot["state"] not in ("ready", "paused", "preview"):
            raise conflict(_("Finish the current call first."), "number")
        command["number"] = body["number"]
        if body["lead_id"] is not None:
            lead = db.session.get(Lead, body["lead_id"])
            if lead is None or campaign is None or lead.campaign_id != campaign.id:
                raise ApiError(404, _("No such lead for you."), "lead_id")
            command["lead_id"] = lead.id
    elif cmd == "hangup" and snapshot["state"] != "talking":
        raise conflict(_("There is no call to hang up."), "cmd")
    pod = live.send_command(redis, user.id, command)
    if pod is None:
        raise conflict(_not_connected_message(user), "softphone")
    return {"sent": command, "pod_id": pod}


@bp.endpoint("/stream", roles=AGENT)
def console_stream():
    """Server-Sent Events: the agent's live state first, then every event of `events:agent:<id>`."""
    user_id, redis = _me().id, app_redis()
    config = current_app.config

    def snapshot():
        return [("state", {"type": "state", **live.agent_snapshot(redis, user_id)})]

    def accept(channel, payload):
        kind = payload.get("type")
        return (kind, payload) if kind in ("state", "call", "preview", "error") else None

    stream = event_stream(redis, [events.agent_channel(user_id)], [], snapshot, accept,
                          heartbeat=float(config.get("CONSOLE_SSE_HEARTBEAT", 15)),
                          max_seconds=float(config.get("CONSOLE_SSE_MAX_SECONDS", 300)))
    return _sse(stream)


def _sse(stream) -> Response:
    return Response(stream, mimetype="text/event-stream",
                    headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no",
                             "Connection": "keep-alive"})


@bp.endpoint("/calls/<attempt_uuid>", roles=AGENT)
def screen_pop(attempt_uuid: str):
    """The screen pop of one of the agent's calls: lead, script, questionnaire, dispositions, objections."""
    attempt = _own_attempt(attempt_uuid)
    return calls.screen_pop(db.session, attempt, _me(), _locale(), utcnow())


@bp.endpoint("/calls/<attempt_uuid>/objections", roles=AGENT, query=ObjectionQuery)
def call_objections(attempt_uuid: str, query):
    """Search the objection answers of the call's script version."""
    attempt = _own_attempt(attempt_uuid)
    return {"items": calls.attempt_objections(db.session, attempt, query["q"])}


@bp.endpoint("/calls/<attempt_uuid>/disposition", methods=["POST"], roles=AGENT, body=DispositionSubmitSchema)
def submit_disposition(attempt_uuid: str, body):
    """Store the questionnaire answers and the disposition of a call, then release the agent from wrap-up."""
    attempt = _own_attempt(attempt_uuid)
    user, redis = _me(), app_redis()
    if attempt.disposition_code is not None:
        # Stored already (a resend after a lost answer): only tell the pod again.
        if attempt.disposition_code != body["disposition"]:
            raise conflict(_("This call already has a disposition."), "disposition")
        return {**calls.wrapup_done(redis, user.id, attempt.uuid, body), "already": True}
    if body["next"] == "pause":
        campaign = db.session.get(Campaign, attempt.campaign_id)
        codes = [r["code"] for r in calls.pause_reasons(campaign, _locale())]
        if codes and body["reason"] not in codes:
            raise ApiError(422, _("Unknown pause reason."), "reason")
    try:
        result = calls.submit_disposition(db.session, redis, attempt, user, body, utcnow())
    except services.Refused as exc:
        raise ApiError(422, exc.errors) from None
    return {**result, "already": False}


@bp.endpoint("/leads/<int:lead_id>", roles=AGENT)
def preview_lead(lead_id: int):
    """The lead the pod offers for preview (only while it is offered to this agent)."""
    user, redis = _me(), app_redis()
    snapshot = live.agent_snapshot(redis, user.id)
    lead = db.session.get(Lead, lead_id)
    if lead is None or (user.role is not Role.ADMIN and (
            snapshot["lead_id"] != lead_id or may_work_on(db.session, user, lead.campaign_id) is None)):
        raise ApiError(404, _("No such lead for you."), "lead_id")
    campaign = db.session.get(Campaign, lead.campaign_id)
    return {"lead": calls.lead_payload(lead, campaign, utcnow()), "campaign_id": campaign.id}


@bp.endpoint("/metrics/screen-pop", methods=["POST"], roles=AGENT, body=ScreenPopTimingSchema, status=204)
def screen_pop_timing(body):
    """Record the time from a call's bridge to its screen pop drawn in the console."""
    metrics.record_screen_pop(app_redis(), _me().id, body["attempt_uuid"], body["bridge_to_render_ms"],
                              body["event_to_render_ms"])
    return None, 204


@bp.endpoint("/metrics/screen-pop", roles=WATCHERS)
def screen_pop_summary():
    """Screen-pop latency percentiles over the recent calls (target: p99 within 300 ms)."""
    return metrics.summary(app_redis())


@bp.endpoint("/wallboard", roles=WATCHERS)
def wallboard_state():
    """Agents, calls in progress and per-campaign figures for the viewer's teams."""
    zone = current_app.config.get("TIMEZONE") or "UTC"
    return wallboard.build(db.session, app_redis(), _me(), utcnow(), zone)


@bp.endpoint("/wallboard/stream", roles=WATCHERS)
def wallboard_stream():
    """Server-Sent Events: the wallboard first, then agent, call and campaign events of the viewer's teams."""
    user, redis, config = _me(), app_redis(), current_app.config
    board = wallboard.build(db.session, redis, user, utcnow(), config.get("TIMEZONE") or "UTC")
    agent_ids = {a["id"] for a in board["agents"]}
    campaign_ids = {c["id"] for c in board["campaigns"]}
    prefix = events.AGENT_EVENTS + ":"

    def accept(channel, payload):
        if channel.startswith(prefix):
            agent_id = channel[len(prefix):]
            if agent_id.isdigit() and int(agent_id) in agent_ids:
                return "agent", {**payload, "agent_id": int(agent_id)}
            return None
        if channel == events.CALL_EVENTS:
            if payload.get("agent_id") in agent_ids or payload.get("campaign_id") in campaign_ids:
                return "call", payload
            return None
        if channel == events.CAMPAIGN_EVENTS and payload.get("campaign_id") in campaign_ids:
            return "campaign", payload
        return None

    stream = event_stream(redis, [events.CALL_EVENTS, events.CAMPAIGN_EVENTS], [prefix + "*"],
                          lambda: [("wallboard", board)], accept,
                          heartbeat=float(config.get("CONSOLE_SSE_HEARTBEAT", 15)),
                          max_seconds=float(config.get("CONSOLE_SSE_MAX_SECONDS", 300)))
    return _sse(stream)


@bp.endpoint("/wallboard/monitor", methods=["POST"], roles=WATCHERS, body=MonitorSchema, status=202)
def monitor_call(body):
    """Listen silently to a live call: the agent's pod calls the viewer's softphone."""
    user, redis = _me(), app_redis()
    call = live.live_call(redis, body["attempt_uuid"])
    if call is None or not wallboard.may_monitor(db.session, user, call):
        raise ApiError(404, _("No such call of yours."))
    if not user.softphone_uri:
        raise conflict(_("Set your softphone address first: the system calls it so you can listen."),
                       "softphone")
    pod = live.send_command(redis, call["agent_id"], {"cmd": "monitor", "attempt_uuid": body["attempt_uuid"],
                                                      "listen_uri": user.softphone_uri})
    if pod is None:
        raise conflict(_("The call's agent is on no dialer pod right now."), "attempt_uuid")
    return {"sent": True, "pod_id": pod}
