"""The agent console API: state, campaigns, picking a campaign, commands to
the pod, the screen pop, objection search, disposition submit, preview,
screen-pop timings; an agent reaches only its own calls and campaigns."""
from __future__ import annotations

import json
import time
from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from core import events

API = "/api/v1/console"


def next_message(pubsub, timeout=2.0):
    """The next published message (subscribe confirmations skipped), or None."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        message = pubsub.get_message(timeout=0.1)
        if message is not None:
            return message
    return None


def queued(redis_client, pod):
    return [json.loads(c) for c in redis_client.lrange(events.pod_commands_key(pod.pod_id), 0, -1)]


def test_state_of_an_agent_no_pod_holds(as_role, world, pod):
    pod.heartbeat()
    r = as_role("agent").get(f"{API}/state")
    assert r.status_code == 200
    body = r.json
    assert body["live"]["state"] == "offline" and body["live"]["connected"] is False
    assert body["connect"] == {"sip": [pod.sip], "pin": world.agent.agent_pin,
                               "softphone_uri": "sip:agent1@127.0.0.1:5062"}
    assert body["campaign"] is None and body["wanted"] is None


def test_state_of_a_connected_agent_names_its_campaign(as_role, world, pod):
    pod.connect_agent(world.agent.id, world.campaign.id, state="paused", reason="break")
    body = as_role("agent").get(f"{API}/state").json
    assert body["live"]["state"] == "paused" and body["live"]["reason"] == "break"
    assert body["live"]["connected"] is True and body["live"]["pod_id"] == pod.pod_id
    campaign = body["campaign"]
    assert campaign["id"] == world.campaign.id
    assert [r["code"] for r in campaign["pause_reasons"]][:2] == ["break", "meal"]
    assert campaign["pause_reasons"][0]["label"] == "休息"  # Chinese by default
    assert {d["code"]: d["hotkey"] for d in campaign["dispositions"]}["SALE"] == "1"


def test_campaigns_are_the_agents_own(as_role, world):
    items = as_role("agent").get(f"{API}/campaigns").json["items"]
    assert {i["code"]: i["pickable"] for i in items} == {"BANK1": True, "OLD1": False}


def test_pick_campaign_sets_wanted_and_asks_pods_to_call(as_role, world, redis_client):
    agent = as_role("agent")
    pubsub = redis_client.pubsub(ignore_subscribe_messages=True)
    pubsub.subscribe(events.POD_EVENTS)
    r = agent.post(f"{API}/campaign", json={"campaign_id": world.campaign.id, "method": "pod_calls"})
    assert r.status_code == 200, r.json
    wanted = json.loads(redis_client.get(events.agent_wanted_key(world.agent.id)))
    assert wanted == {"campaign_id": world.campaign.id, "method": "pod_calls",
                      "softphone_uri": "sip:agent1@127.0.0.1:5062"}
    message = next_message(pubsub)
    assert json.loads(message["data"]) == {"type": "login_request", "agent_id": world.agent.id}
    # PIN: recorded, no login request
    r = agent.post(f"{API}/campaign", json={"campaign_id": world.campaign.id, "method": "pin"})
    assert r.status_code == 200
    assert next_message(pubsub, 0.3) is None
    pubsub.close()


def test_pick_campaign_refusals(as_role, world, session, redis_client):
    agent = as_role("agent")
    assert agent.post(f"{API}/campaign", json={"campaign_id": world.foreign.id}).status_code == 404
    r = agent.post(f"{API}/campaign", json={"campaign_id": world.closed.id})
    assert r.status_code == 409 and "campaign_id" in r.json["errors"]
    assert agent.post(f"{API}/campaign", json={"campaign_id": "x"}).status_code == 422
    r = agent.post(f"{API}/campaign", json={"campaign_id": world.campaign.id, "method": "fax"})
    assert r.status_code == 422
    from core.models import User

    session.get(User, world.agent.id).softphone_uri = None
    session.commit()
    r = agent.post(f"{API}/campaign", json={"campaign_id": world.campaign.id, "method": "pod_calls"})
    assert r.status_code == 409 and "method" in r.json["errors"]
    assert redis_client.get(events.agent_wanted_key(world.agent.id)) is None


def test_commands_need_a_connected_softphone(as_role, world, redis_client, pod):
    agent = as_role("agent")
    r = agent.post(f"{API}/commands", json={"cmd": "ready"})
    assert r.status_code == 409
    assert "sip:agent1@127.0.0.1:5062" in r.json["errors"]["softphone"][0]
    assert queued(redis_client, pod) == []


def test_commands_go_to_the_agents_pod(as_role, world, redis_client, pod):
    pod.connect_agent(world.agent.id, world.campaign.id)
    agent = as_role("agent")
    assert agent.post(f"{API}/commands", json={"cmd": "ready"}).status_code == 202
    assert agent.post(f"{API}/commands", json={"cmd": "pause", "reason": "meal"}).status_code == 202
    r = agent.post(f"{API}/commands", json={"cmd": "manual_dial", "number": "+8613800001111"})
    assert r.status_code == 202
    assert queued(redis_client, pod) == [
        {"cmd": "ready", "agent_id": world.agent.id},
        {"cmd": "pause", "reason": "meal", "agent_id": world.agent.id},
        {"cmd": "manual_dial", "number": "+8613800001111", "agent_id": world.agent.id},
    ]


def test_command_validation(as_role, world, redis_client, pod):
    pod.connect_agent(world.agent.id, world.campaign.id)
    agent = as_role("agent")
    r = agent.post(f"{API}/commands", json={"cmd": "pause", "reason": "nap"})
    assert r.status_code == 422 and "reason" in r.json["errors"]
    assert agent.post(f"{API}/commands", json={"cmd": "pause"}).status_code == 422
    assert agent.post(f"{API}/commands", json={"cmd": "dtmf", "digits": "12; rm"}).status_code == 422
    assert agent.post(f"{API}/commands", json={"cmd": "manual_dial", "number": "call me"}).status_code == 422
    assert agent.post(f"{API}/commands", json={"cmd": "self_destruct"}).status_code == 422
    assert agent.post(f"{API}/commands", json={"cmd": "hangup"}).status_code == 409  # not on a call
    r = agent.post(f"{API}/commands", json={"cmd": "preview_dial", "lead_id": world.lead.id})
    assert r.status_code == 409  # nothing offered
    assert queued(redis_client, pod) == []


def test_ready_is_refused_until_the_disposition_is_set(as_role, world, redis_client, pod):
    pod.connect_agent(world.agent.id, world.campaign.id, state="ready")
    uuid = pod.bridge_call(world.agent.id, world.lead.id)
    agent = as_role("agent")
    assert agent.post(f"{API}/commands", json={"cmd": "dtmf", "digits": "1#"}).status_code == 202
    assert agent.post(f"{API}/commands", json={"cmd": "hangup"}).status_code == 202
    pod.end_call(uuid)
    r = agent.post(f"{API}/commands", json={"cmd": "ready"})
    assert r.status_code == 409 and "disposition" in r.json["errors"]
    assert [c["cmd"] for c in queued(redis_client, pod)] == ["dtmf", "hangup"]


def test_screen_pop_of_a_bridged_call(as_role, world, pod):
    pod.connect_agent(world.agent.id, world.campaign.id, state="ready")
    uuid = pod.bridge_call(world.agent.id, world.lead.id)
    r = as_role("agent").get(f"{API}/calls/{uuid}")
    assert r.status_code == 200, r.json
    pop = r.json
    assert pop["attempt"]["uuid"] == uuid and pop["attempt"]["lead_id"] == world.lead.id
    assert pop["lead"]["name"] == "张三" and pop["lead"]["phone"] == "+86138****5678"
    assert pop["lead"]["fields"] == {"card_tail": "1234", "city": "上海"}
    assert pop["lead"]["timezone"] == "Asia/Shanghai"
    html = pop["script"]["html"]
    assert "张三" in html and "1234" in html and "agent1" in html
    assert pop["questionnaire"]["sections"][0]["key"] == "intro"
    assert [d["code"] for d in pop["dispositions"]][:2] == ["SALE", "CALLBACK"]
    assert pop["dispositions"][0]["label"] == "成交"
    assert [o["objection"] for o in pop["objections"]] == ["太贵了", "没时间"]


def test_objection_search(as_role, world, pod):
    pod.connect_agent(world.agent.id, world.campaign.id, state="ready")
    uuid = pod.bridge_call(world.agent.id, world.lead.id)
    agent = as_role("agent")
    assert [o["objection"] for o in agent.get(f"{API}/calls/{uuid}/objections?q=贵").json["items"]] == ["太贵了"]
    assert [o["objection"] for o in agent.get(f"{API}/calls/{uuid}/objections?q=时间").json["items"]] == ["没时间"]
    assert agent.get(f"{API}/calls/{uuid}/objections?q=保险").json["items"] == []


def test_an_agent_reads_only_its_own_calls(as_role, world, pod, app):
    from tests.conftest import Auth

    pod.connect_agent(world.other.id, world.campaign.id, state="ready")
    uuid = pod.bridge_call(world.other.id, world.lead.id)
    assert as_role("agent").get(f"{API}/calls/{uuid}").status_code == 404
    assert as_role("agent").get(f"{API}/calls/{uuid}/objections").status_code == 404
    r = as_role("agent").post(f"{API}/calls/{uuid}/disposition", json={"disposition": "SALE"})
    assert r.status_code == 404
    assert as_role("supervisor").get(f"{API}/calls/{uuid}").status_code == 403
    other = Auth(app.test_client())
    other.login("agent2")
    assert other.get(f"{API}/calls/{uuid}").status_code == 200
    assert as_role("agent").get(f"{API}/calls/not-a-uuid-at-all").status_code == 404
    assert as_role("agent").get(f"{API}/calls/{'x' * 80}").status_code == 404


def test_the_call_named_in_the_live_state_is_readable_before_the_pod_stamps_the_agent(
        as_role, world, pod, session):
    from dialer.models import CallAttempt

    pod.connect_agent(world.agent.id, world.campaign.id, state="ready")
    uuid = pod.bridge_call(world.agent.id, world.lead.id)
    attempt = session.scalar(select(CallAttempt).where(CallAttempt.uuid == uuid))
    attempt.agent_id = None
    session.commit()
    assert as_role("agent").get(f"{API}/calls/{uuid}").status_code == 200
    pod.set_state(world.agent.id, "ready")
    assert as_role("agent").get(f"{API}/calls/{uuid}").status_code == 404


def test_disposition_errors_come_together_and_nothing_is_stored(as_role, world, pod, session, redis_client):
    from dialer.models import CallAttempt
    from scripts_mgmt.models import QuestionnaireAnswer

    pod.connect_agent(world.agent.id, world.campaign.id, state="ready")
    uuid = pod.bridge_call(world.agent.id, world.lead.id)
    pod.end_call(uuid)
    agent = as_role("agent")
    r = agent.post(f"{API}/calls/{uuid}/disposition",
                   json={"disposition": "NOPE", "answers": {"interested": True}})
    assert r.status_code == 422
    assert set(r.json["errors"]) >= {"answers", "disposition"}
    r = agent.post(f"{API}/calls/{uuid}/disposition", json={"disposition": "CALLBACK", "answers": {
        "interested": False, "reason": "time"}})
    assert r.status_code == 422 and "callback_at" in r.json["errors"]
    r = agent.post(f"{API}/calls/{uuid}/disposition", json={"disposition": "SALE", "next": "pause"})
    assert r.status_code == 422 and "reason" in r.json["errors"]
    session.expire_all()
    assert session.scalar(select(CallAttempt).where(CallAttempt.uuid == uuid)).disposition_code is None
    assert session.scalars(select(QuestionnaireAnswer)).all() == []
    assert queued(redis_client, pod) == []


def test_disposition_stores_answers_applies_it_and_releases_wrapup(as_role, world, pod, session,
                                                                  redis_client):
    from campaigns.models import Lead, LeadStatus
    from dialer.models import CallAttempt
    from scripts_mgmt.models import QuestionnaireAnswer

    pod.connect_agent(world.agent.id, world.campaign.id, state="ready")
    uuid = pod.bridge_call(world.agent.id, world.lead.id)
    pod.end_call(uuid)
    agent = as_role("agent")
    body = {"disposition": "SALE", "answers": {"interested": True, "budget": 5000, "reason": "price"},
            "note": "客户同意", "next": "pause", "reason": "break"}
    r = agent.post(f"{API}/calls/{uuid}/disposition", json=body)
    assert r.status_code == 200, r.json
    assert r.json == {"stored": True, "attempt_uuid": uuid, "sent_to_pod": pod.pod_id, "already": False}
    session.expire_all()
    attempt = session.scalar(select(CallAttempt).where(CallAttempt.uuid == uuid))
    assert attempt.disposition_code == "SALE" and attempt.notes == "客户同意"
    answers = session.scalar(select(QuestionnaireAnswer).where(QuestionnaireAnswer.attempt_id == attempt.id))
    # "reason" was not shown (interested is true): the server keeps only shown answers
    assert answers.answers == {"interested": True, "budget": 5000}
    assert answers.script_version_id == world.version.id and answers.agent_id == world.agent.id
    assert session.get(Lead, world.lead.id).status is LeadStatus.DONE
    assert queued(redis_client, pod) == [{"cmd": "wrapup_done", "attempt_uuid": uuid, "next": "pause",
                                          "reason": "break", "agent_id": world.agent.id}]
    # A resend (the answer was lost) only tells the pod again; another code is refused.
    again = agent.post(f"{API}/calls/{uuid}/disposition", json=body)
    assert again.status_code == 200 and again.json["already"] is True
    other = agent.post(f"{API}/calls/{uuid}/disposition", json={**body, "disposition": "DNC"})
    assert other.status_code == 409


def test_callback_is_booked_in_the_leads_local_time(as_role, world, pod, session):
    from campaigns.models import Callback

    pod.connect_agent(world.agent.id, world.campaign.id, state="ready")
    uuid = pod.bridge_call(world.agent.id, world.lead.id)
    local = (datetime.now(timezone(timedelta(hours=8))) + timedelta(days=1)).replace(
        hour=10, minute=30, second=0, microsecond=0, tzinfo=None)
    r = as_role("agent").post(f"{API}/calls/{uuid}/disposition", json={
        "disposition": "CALLBACK", "answers": {"interested": False, "reason": "time"},
        "callback_at": local.isoformat()})
    assert r.status_code == 200, r.json
    callback = session.scalars(select(Callback)).one()
    assert callback.agent_id == world.agent.id and callback.lead_timezone == "Asia/Shanghai"
    assert callback.due_at == local.replace(tzinfo=timezone(timedelta(hours=8))).astimezone(timezone.utc)
    assert callback.local_time == local.isoformat(timespec="minutes")


def test_preview_lead_is_readable_only_while_offered(as_role, world, pod):
    pod.connect_agent(world.agent.id, world.campaign.id, state="ready")
    agent = as_role("agent")
    assert agent.get(f"{API}/leads/{world.lead2.id}").status_code == 404
    pod.offer_preview(world.agent.id, world.lead2.id)
    r = agent.get(f"{API}/leads/{world.lead2.id}")
    assert r.status_code == 200 and r.json["lead"]["name"] == "李四"
    assert agent.get(f"{API}/leads/{world.foreign_lead.id}").status_code == 404
    r = agent.post(f"{API}/commands", json={"cmd": "preview_dial", "lead_id": world.lead2.id})
    assert r.status_code == 202
    r = agent.post(f"{API}/commands", json={"cmd": "preview_skip", "lead_id": world.lead.id})
    assert r.status_code == 409


def test_screen_pop_timings_are_summarised_for_supervisors(as_role, world):
    agent = as_role("agent")
    for n in range(1, 101):
        r = agent.post(f"{API}/metrics/screen-pop",
                       json={"attempt_uuid": f"u{n}", "bridge_to_render_ms": float(n),
                             "event_to_render_ms": n / 2})
        assert r.status_code == 204
    assert agent.post(f"{API}/metrics/screen-pop", json={"attempt_uuid": "u", "bridge_to_render_ms": "NaN"}
                      ).status_code == 422
    assert agent.get(f"{API}/metrics/screen-pop").status_code == 403
    summary = as_role("supervisor").get(f"{API}/metrics/screen-pop").json
    assert summary["count"] == 100 and summary["p99_ms"] == 99.0 and summary["p50_ms"] == 50.0
    assert summary["target_ms"] == 300


def test_other_roles_cannot_use_the_agent_api(as_role, world):
    sup = as_role("supervisor")
    assert sup.get(f"{API}/state").status_code == 403
    assert sup.post(f"{API}/commands", json={"cmd": "ready"}).status_code == 403


def test_messages_follow_the_language(as_role, world):
    agent = as_role("agent")
    r = agent.post(f"{API}/commands", json={"cmd": "ready"})
    assert "软电话未连接" in r.json["errors"]["softphone"][0]
    agent.client.post("/lang/en", data={"csrf_token": agent.csrf})
    r = agent.post(f"{API}/commands", json={"cmd": "ready"})
    assert r.json["errors"]["softphone"][0].startswith("Your softphone is not connected.")
    state = agent.get(f"{API}/campaigns")
    assert state.status_code == 200


def test_admin_may_open_the_console_on_any_open_campaign(as_role, world):
    items = as_role("admin").get(f"{API}/campaigns").json["items"]
    assert {i["code"] for i in items} == {"BANK1", "ELSE1"}
