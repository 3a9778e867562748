"""Pages: the agent console and the supervisor wallboard.  They only draw
the frame and hand the page scripts (static/console/*.js) their translated
words; the scripts read the JSON API and the event stream."""
from __future__ import annotations

from flask import Blueprint, render_template
from flask_babel import gettext as _

from core.auth.access import roles_required
from core.models import Role

bp = Blueprint("console", __name__, url_prefix="/console")


def state_labels() -> dict:
    return {"offline": _("offline"), "ready": _("ready"), "paused": _("paused"), "talking": _("talking"),
            "wrapup": _("wrap-up"), "preview": _("preview"), "dialing": _("dialing"), "ringing": _("ringing"),
            "answered": _("answered"), "bridged": _("bridged"), "safe_harbour": _("safe harbour")}


def agent_labels() -> dict:
    return {
        "states": state_labels(),
        "connected": _("Softphone connected"),
        "disconnected": _("Softphone not connected"),
        "connect_pin": _("Dial %(sip)s from your softphone and enter your PIN %(pin)s."),
        "connect_call": _("The system will call your softphone at %(uri)s."),
        "no_pod": _("No dialer pod is running right now."),
        "no_pin": _("You have no PIN yet; ask your supervisor."),
        "stream_ok": _("Live"),
        "stream_lost": _("Reconnecting…"),
        "call_ended": _("The call has ended. Set the disposition."),
        "disposition_required": _("Choose a disposition."),
        "saved": _("Disposition saved."),
        "callback_local": _("Callback time in the lead's local time (%(zone)s, now %(now)s)"),
        "no_objections": _("No matching answers."),
        "wrapup_over": _("Wrap-up time is over: the next call waits for your disposition."),
        "preview_title": _("Next lead (preview)"),
        "error": _("Error"),
        "questionnaire": {"required": _("required"), "yes": _("Yes"), "no": _("No"),
                          "empty": _("No questionnaire.")},
        "fields": {"name": _("Customer name"), "phone": _("Phone"), "geo": _("Region"),
                   "local_time": _("Local time"), "attempt_count": _("Attempts"),
                   "last_outcome": _("Last outcome")},
        "no_campaign": _("Pick a campaign to start."),
        "callbacks_none": _("No callbacks due."),
    }


def wallboard_labels() -> dict:
    from campaigns.models import CampaignState

    return {
        "states": state_labels(),
        "campaign_states": {s.value: _(s.value) for s in CampaignState},
        "listen": _("Listen"),
        "listening": _("Listening: your softphone will ring."),
        "no_agents": _("No agents in your teams."),
        "no_calls": _("No calls in progress."),
        "over_cap": _("over the cap"),
        "near_cap": _("near the cap"),
        "low_data": _("Low data: about %(minutes)s minutes of leads left"),
        "dials": _("Dials"), "answers": _("Person answers"), "sales": _("Sales"),
        "stream_ok": _("Live"), "stream_lost": _("Reconnecting…"),
        "yes": _("Yes"), "no": _("No"),
    }


@bp.route("/")
@roles_required(Role.AGENT)
def agent_console():
    return render_template("console/agent.html", labels=agent_labels())


@bp.route("/wallboard")
@roles_required(Role.SUPERVISOR, Role.MANAGER)
def wallboard():
    return render_template("console/wallboard.html", labels=wallboard_labels())
