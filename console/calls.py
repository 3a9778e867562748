"""The agent's calls: the screen pop of a bridged call (lead, rendered
script, questionnaire, dispositions, objection answers) and the disposition
of a call, stored with the questionnaire answers before the pod is told the
agent may leave wrap-up.  An agent reaches only its own calls."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from campaigns.models import Campaign, Disposition, Lead
from console import services
from console.live import agent_snapshot, send_command
from core.models import Role, User
from dialer.models import CallAttempt
from scripts_mgmt.models import ScriptVersion
from scripts_mgmt.variables import mask_phone


def own_attempt(session: Session, redis, user: User, attempt_uuid: str) -> CallAttempt | None:
    """The attempt if it is the user's: stamped with their id, or (between the
    bridge and the pod's database write) the call their live state names."""
    attempt = session.scalar(select(CallAttempt).where(CallAttempt.uuid == attempt_uuid))
    if attempt is None:
        return None
    if user.role is Role.ADMIN or attempt.agent_id == user.id:
        return attempt
    if attempt.agent_id is None and agent_snapshot(redis, user.id)["attempt_uuid"] == attempt_uuid:
        return attempt
    return None


def dispositions(session: Session, campaign_id: int, locale: str) -> list[dict]:
    rows = session.scalars(select(Disposition).where(Disposition.campaign_id == campaign_id,
                                                     Disposition.active.is_(True))
                           .order_by(Disposition.sort_order, Disposition.id))
    return [{"code": d.code, "label": d.label_zh if locale == "zh" else d.label_en, "hotkey": d.hotkey,
             "is_callback": d.is_callback, "is_sale": d.is_sale, "is_dnc": d.is_dnc, "is_final": d.is_final}
            for d in rows]


def pause_reasons(campaign: Campaign | None, locale: str) -> list[dict]:
    out = []
    for item in (campaign.pause_reasons if campaign is not None else None) or []:
        if isinstance(item, dict) and item.get("code"):
            out.append({"code": str(item["code"]),
                        "label": str(item.get(locale) or item.get("en") or item.get("zh") or item["code"])})
        elif isinstance(item, str) and item:
            out.append({"code": item, "label": item})
    return out


def objection_list(version: ScriptVersion | None, query: str = "") -> list[dict]:
    if version is None:
        return []
    found = services.search_objections(version.objections, query)
    return [{"id": o.id, "objection": o.objection, "answer": o.answer, "tags": list(o.tags or [])}
            for o in found]


def lead_payload(lead: Lead | None, campaign: Campaign, now: datetime) -> dict | None:
    if lead is None:
        return None
    zone = services.lead_zone(lead.timezone, campaign.timezone)
    fields = lead.fields if isinstance(lead.fields, dict) else {}
    return {"id": lead.id, "name": lead.name, "phone": mask_phone(lead.phone_e164), "geo": lead.geo,
            "timezone": zone, "local_time": now.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M"),
            "attempt_count": lead.attempt_count, "status": lead.status.value,
            "last_outcome": lead.last_outcome, "fields": {str(k): v for k, v in fields.items()}}


def screen_pop(session: Session, attempt: CallAttempt, agent: User, locale: str, now: datetime) -> dict:
    """Everything the console draws when a call is bridged, in one answer."""
    campaign = session.get(Campaign, attempt.campaign_id)
    lead = session.get(Lead, attempt.lead_id) if attempt.lead_id is not None else None
    version_id = attempt.script_version_id or campaign.script_version_id
    version = session.get(ScriptVersion, version_id) if version_id is not None else None
    script = services.render_script(version, lead, agent, campaign) if version is not None else None
    return {
        "attempt": {"uuid": attempt.uuid, "id": attempt.id, "campaign_id": attempt.campaign_id,
                    "lead_id": attempt.lead_id, "bridged_at": attempt.bridged_at,
                    "dialed_at": attempt.dialed_at,
                    "ended_at": attempt.ended_at, "disposition_code": attempt.disposition_code},
        "campaign": {"id": campaign.id, "name": campaign.name, "wrapup_seconds": campaign.wrapup_seconds},
        "lead": lead_payload(lead, campaign, now),
        "script": {"version_id": version.id if version else None, "html": script["html"] if script else "",
                   "missing": script["missing"] if script else []},
        "questionnaire": (version.questionnaire or {}) if version is not None else {},
        "dispositions": dispositions(session, campaign.id, locale),
        "objections": objection_list(version),
    }


def attempt_objections(session: Session, attempt: CallAttempt, query: str) -> list[dict]:
    campaign = session.get(Campaign, attempt.campaign_id)
    version_id = attempt.script_version_id or campaign.script_version_id
    version = session.get(ScriptVersion, version_id) if version_id is not None else None
    return objection_list(version, query)


def submit_disposition(session: Session, redis, attempt: CallAttempt, agent: User, body: dict,
                       now: datetime) -> dict:
    """Check the questionnaire answers and the disposition together (the agent
    gets every field error at once), store both in one transaction, then let
    the pod move the agent out of wrap-up.  Raises services.Refused."""
    errors: dict = {}
    if attempt.script_version_id is not None:
        try:
            services.record_answers(session, attempt, body["answers"], agent)
        except services.Refused as exc:
            errors.update(exc.errors)
    try:
        services.apply_disposition(session, attempt, body["disposition"], agent, now, body.get("callback_at"),
                                   body.get("note"), redis)
    except services.Refused as exc:
        errors.update(exc.errors)
    if errors:
        session.rollback()
        raise services.Refused(errors)
    if attempt.agent_id is None:
        attempt.agent_id = agent.id
    session.commit()
    return wrapup_done(redis, agent.id, attempt.uuid, body)


def wrapup_done(redis, agent_id: int, attempt_uuid: str, body: dict) -> dict:
    command = {"cmd": "wrapup_done", "attempt_uuid": attempt_uuid, "next": body.get("next") or "ready"}
    if command["next"] == "pause":
        command["reason"] = body.get("reason")
    pod = send_command(redis, agent_id, command)
    return {"stored": True, "attempt_uuid": attempt_uuid, "sent_to_pod": pod}
