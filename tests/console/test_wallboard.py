"""The wallboard: a supervisor sees its teams' agents and calls and the
campaigns they work on, with abandon rates from the pods' sorted sets,
hopper and low-data warning, today's sales and hourly figures; silent
monitoring sends the monitor command to the agent's pod."""
from __future__ import annotations

import json
import time
from datetime import datetime, timedelta, timezone

from core import events
from dialer import abandon
from dialer.hopper import Hopper
from dialer.refill import low_data_key

API = "/api/v1/console"


def test_supervisor_sees_its_teams(as_role, world, pod, redis_client):
    pod.connect_agent(world.agent.id, world.campaign.id, state="ready")
    pod.connect_agent(world.outsider.id, world.foreign.id, state="ready")
    mine = pod.bridge_call(world.agent.id, world.lead.id)
    pod.bridge_call(world.outsider.id, world.foreign_lead.id)
    board = as_role("supervisor").get(f"{API}/wallboard").json
    agents = {a["username"]: a for a in board["agents"]}
    assert set(agents) == {"agent1", "agent2"}
    assert agents["agent1"]["state"] == "talking" and agents["agent1"]["connected"] is True
    assert agents["agent1"]["attempt_uuid"] == mine and agents["agent1"]["seconds_in_state"] >= 0
    assert agents["agent2"]["state"] == "offline" and agents["agent2"]["connected"] is False
    assert [c["attempt_uuid"] for c in board["calls"]] == [mine]
    assert board["calls"][0]["agent_name"] == "agent1" and board["calls"][0]["phone"] == "+8613****678"
    assert [c["code"] for c in board["campaigns"]] == ["BANK1"]


def test_manager_sees_everyone_and_agents_see_no_wallboard(as_role, world):
    board = as_role("manager").get(f"{API}/wallboard").json
    assert {a["username"] for a in board["agents"]} == {"agent1", "agent2", "agent3"}
    assert {c["code"] for c in board["campaigns"]} == {"BANK1", "ELSE1"}
    assert as_role("agent").get(f"{API}/wallboard").status_code == 403
    assert as_role("agent").get("/console/wallboard").status_code == 403


def test_campaign_figures(as_role, world, pod, redis_client, session):
    from campaigns.models import Disposition
    from dialer.models import CallAttempt, CallOutcome

    now = time.time()
    cid = world.campaign.id
    for n in range(40):
        abandon.record_answer(redis_client, cid, f"a{n}", now - 3600)
    for n in range(60):
        abandon.record_answer(redis_client, cid, f"b{n}", now - 5 * 86400)
    abandon.record_abandon(redis_client, cid, "a1", now - 3600)
    abandon.record_abandon(redis_client, cid, "a2", now - 3600)
    abandon.record_abandon(redis_client, cid, "b1", now - 5 * 86400)
    Hopper(redis_client, cid).push([(world.lead.id, world.lead.phone_e164, 1.0)])
    redis_client.set(low_data_key(cid), json.dumps({"minutes_left": 12.5, "eligible_left": 40}))
    pod.heartbeat()
    pod.campaign_stats(cid, dial_level=2.5, agents_ready=2, agents_busy=2, calls_dialing=5, calls_waiting=1,
                       hopper=1)
    sale = session.query(Disposition).filter_by(campaign_id=cid, code="SALE").one()
    at = datetime.now(timezone.utc) - timedelta(minutes=1)
    session.add_all([
        CallAttempt(uuid="s1", campaign_id=cid, phone_e164="+1", dialed_at=at, outcome=CallOutcome.HUMAN,
                    disposition_id=sale.id, disposition_code="SALE"),
        CallAttempt(uuid="s2", campaign_id=cid, phone_e164="+2", dialed_at=at, outcome=CallOutcome.NO_ANSWER),
        CallAttempt(uuid="s3", campaign_id=cid, phone_e164="+3", dialed_at=at, outcome=CallOutcome.ABANDONED),
        CallAttempt(uuid="s4", campaign_id=cid, phone_e164="+4", dialed_at=at),  # still ringing
        CallAttempt(uuid="old", campaign_id=cid, phone_e164="+5", dialed_at=at - timedelta(days=2),
                    outcome=CallOutcome.HUMAN, disposition_id=sale.id),
    ])
    session.commit()
    campaign = as_role("supervisor").get(f"{API}/wallboard").json["campaigns"][0]
    day, month = campaign["abandon"]
    assert (day["answers"], day["abandons"], day["rate"], day["over_cap"]) == (40, 2, 0.05, True)
    assert (month["answers"], month["abandons"], month["rate"], month["over_cap"]) == (100, 3, 0.03, False)
    assert month["near_cap"] is True and campaign["abandon_cap"] == 0.03
    assert campaign["dial_level"] == 2.5 and campaign["calls_dialing"] == 5 and campaign["agents_busy"] == 2
    assert campaign["hopper"] == 1 and campaign["low_data"]["minutes_left"] == 12.5
    today = campaign["today"]
    assert (today["dials"], today["finished"], today["person_answers"], today["sales"]) == (4, 3, 2, 1)
    assert today["person_answer_rate"] == round(2 / 3, 4)
    assert sum(h["dials"] for h in today["hours"]) == 4 and len(today["hours"]) == 24


def test_monitor_sends_the_supervisors_softphone_to_the_agents_pod(as_role, world, pod, redis_client,
                                                                   session):
    from core.models import User

    pod.connect_agent(world.agent.id, world.campaign.id, state="ready")
    pod.connect_agent(world.outsider.id, world.foreign.id, state="ready")
    uuid = pod.bridge_call(world.agent.id, world.lead.id)
    foreign = pod.bridge_call(world.outsider.id, world.foreign_lead.id)
    sup = as_role("supervisor")
    assert sup.post(f"{API}/wallboard/monitor", json={"attempt_uuid": uuid}).status_code == 202
    commands = [json.loads(c) for c in redis_client.lrange(events.pod_commands_key(pod.pod_id), 0, -1)]
    assert commands == [{"cmd": "monitor", "attempt_uuid": uuid, "listen_uri": "sip:sup1@127.0.0.1:5063",
                         "agent_id": world.agent.id}]
    assert sup.post(f"{API}/wallboard/monitor", json={"attempt_uuid": foreign}).status_code == 404
    assert sup.post(f"{API}/wallboard/monitor", json={"attempt_uuid": "gone"}).status_code == 404
    session.get(User, world.supervisor.id).softphone_uri = None
    session.commit()
    r = sup.post(f"{API}/wallboard/monitor", json={"attempt_uuid": uuid})
    assert r.status_code == 409 and "softphone" in r.json["errors"]
