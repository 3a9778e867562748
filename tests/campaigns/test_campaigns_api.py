"""Campaign records and lifecycle through the REST API, with roles."""

from sqlalchemy import select

from campaigns.models import Campaign, Disposition
from core import events
from core.models import Role
from tests.campaigns.factories import make_campaign
from tests.conftest import make_user

BODY = {"code": "CARD-2026", "name": "信用卡分期", "client_name": "Demo Bank", "jurisdiction": "CN"}


def test_create_seeds_dispositions_and_reads_back(as_role, session):
    manager = as_role("manager")
    r = manager.post("/api/v1/campaigns", json=BODY)
    assert r.status_code == 201, r.json
    cid = r.json["id"]
    assert r.json["state"] == "draft"
    codes = set(session.scalars(select(Disposition.code).where(Disposition.campaign_id == cid)))
    assert {"SALE", "CALLBACK", "NOT_INTERESTED", "DNC", "WRONG_NUMBER", "NO_ANSWER"} <= codes
    assert as_role("supervisor").get(f"/api/v1/campaigns/{cid}").json["code"] == "CARD-2026"
    r = manager.patch(f"/api/v1/campaigns/{cid}", json={"trial_dial_cap": 30, "name": "改名"})
    assert r.status_code == 200 and r.json["trial_dial_cap"] == 30 and r.json["name"] == "改名"


def test_create_field_errors_and_conflicts(as_role):
    manager = as_role("manager")
    r = manager.post(
        "/api/v1/campaigns", json={"code": "x", "name": "", "jurisdiction": "FR", "timezone": "Mars/Base"}
    )
    assert r.status_code == 422
    assert {"code", "name", "jurisdiction", "timezone"} <= set(r.json["errors"])
    assert manager.post("/api/v1/campaigns", json=BODY).status_code == 201
    r = manager.post("/api/v1/campaigns", json=BODY)
    assert r.status_code == 409 and "code" in r.json["errors"]
    r = manager.post("/api/v1/campaigns", json={**BODY, "code": "OTHER", "script_version_id": 999})
    assert r.status_code == 422 and "script_version_id" in r.json["errors"]


def test_roles(as_role, session):
    campaign = make_campaign(session)
    assert as_role("supervisor").post("/api/v1/campaigns", json=BODY).status_code == 403
    assert as_role("agent").get("/api/v1/campaigns").status_code == 403
    assert as_role("qa").get(f"/api/v1/campaigns/{campaign.id}/timeline").status_code == 200
    r = as_role("supervisor").post(f"/api/v1/campaigns/{campaign.id}/actions/start_trial", json={})
    assert r.status_code == 403


def test_agents_and_trial_agents(as_role, session, users):
    campaign = make_campaign(session)
    other = make_user(session, "agent9", Role.AGENT)
    manager = as_role("manager")
    r = manager.put(
        f"/api/v1/campaigns/{campaign.id}/agents",
        json={"agent_ids": [users["agent"].id, other.id], "trial_agent_ids": [users["agent"].id]},
    )
    assert r.status_code == 200
    assert {(a["id"], a["trial_agent"]) for a in r.json} == {(users["agent"].id, True), (other.id, False)}
    r = manager.put(f"/api/v1/campaigns/{campaign.id}/agents", json={"agent_ids": [users["manager"].id]})
    assert r.status_code == 422


def test_refused_transition_is_409_with_reasons(as_role, session, redis_client):
    campaign = make_campaign(session, caller_id=False, leads=0)
    manager = as_role("manager")
    r = manager.post(f"/api/v1/campaigns/{campaign.id}/actions/start_trial", json={})
    assert r.status_code == 409
    assert set(r.json["errors"]["reasons"]) == {"no_caller_id", "no_leads", "no_trial_agents"}
    assert len(r.json["errors"]["_schema"]) == 3
    r = manager.post(f"/api/v1/campaigns/{campaign.id}/actions/launch", json={})
    assert r.status_code == 409 and r.json["errors"]["reasons"] == ["not_allowed_from_state"]
    assert manager.post(f"/api/v1/campaigns/{campaign.id}/actions/fly", json={}).status_code == 404
    timeline = manager.get(f"/api/v1/campaigns/{campaign.id}/timeline").json
    start = next(a for a in timeline["actions"] if a["action"] == "start_trial")
    assert not start["allowed"] and "no_caller_id" in start["reasons"]


def test_transitions_through_the_api(as_role, session, users, redis_client):
    campaign = make_campaign(session, trial_agents=[users["agent"]])
    manager = as_role("manager")
    url = f"/api/v1/campaigns/{campaign.id}"
    assert manager.post(url + "/actions/start_trial", json={}).status_code == 201
    assert redis_client.get(events.campaign_state_key(campaign.id)) == "trial"
    assert manager.post(url + "/actions/sign_off_trial", json={"reason": "客户确认"}).status_code == 201
    assert manager.post(url + "/actions/launch", json={}).status_code == 201
    assert redis_client.get(events.campaign_state_key(campaign.id)) == "live"
    r = manager.post(url + "/actions/stop_for_rectification", json={"reason": "投诉"})
    assert r.status_code == 201 and r.json["to_state"] == "stopped"
    assert redis_client.get(events.campaign_state_key(campaign.id)) == "stopped"
    r = manager.post(url + "/actions/resume_after_rectification", json={})
    assert r.status_code == 409 and "rectification_not_approved" in r.json["errors"]["reasons"]
    assert (
        manager.post(url + "/rectification/approve", json={"note": "ok"}).status_code == 409
    )  # no action yet
    assert manager.patch(url + "/rectification", json={"corrective_action": "重新培训"}).status_code == 200
    assert manager.post(url + "/rectification/approve", json={}).status_code == 422
    assert manager.post(url + "/rectification/approve", json={"note": "已复核"}).status_code == 200
    assert manager.post(url + "/actions/resume_after_rectification", json={}).status_code == 201
    timeline = manager.get(url + "/timeline").json
    assert [t["action"] for t in timeline["transitions"]] == [
        "start_trial",
        "sign_off_trial",
        "launch",
        "stop_for_rectification",
        "resume_after_rectification",
    ]
    assert timeline["transitions"][3]["reason"] == "投诉"
    assert timeline["rectifications"][0]["approval_note"] == "已复核"
    assert session.get(Campaign, campaign.id).state.value == "live"


def test_every_action_not_from_draft_is_409(as_role, session):
    from campaigns.lifecycle.machine import Action, actions_from
    from campaigns.models import CampaignState

    campaign = make_campaign(session)
    manager = as_role("manager")
    for action in set(Action) - set(actions_from(CampaignState.DRAFT)):
        r = manager.post(f"/api/v1/campaigns/{campaign.id}/actions/{action.value}", json={"reason": "x"})
        assert r.status_code == 409, action
        assert r.json["errors"]["reasons"] == ["not_allowed_from_state"]
    assert session.get(Campaign, campaign.id).state is CampaignState.DRAFT


def test_out_of_range_input_is_a_field_error_not_a_500(as_role, session, users):
    from campaigns.models import CampaignState

    campaign = make_campaign(session, state=CampaignState.LIVE)
    manager = as_role("manager")
    url = f"/api/v1/campaigns/{campaign.id}"
    r = manager.post(url + "/actions/stop_for_rectification", json={"reason": "x", "owner_id": 10**12})
    assert r.status_code == 422 and "owner_id" in r.json["errors"]
    r = manager.post(url + "/actions/stop_for_rectification", json={"reason": "x", "owner_id": 424242})
    assert r.status_code == 422 and "owner_id" in r.json["errors"]
    assert manager.patch(url, json={"seat_price": "1e30"}).status_code == 422
    assert manager.get(url + "/log?day=0001-01-01").status_code == 422
    assert manager.put(url + "/log/0001-01-01", json={"note": "x"}).status_code == 422
    assert manager.post(url + "/settlements", json={"month": "0001-01"}).status_code == 422
    lead_url = f"{url}/leads/1/disposition"
    r = as_role("agent").post(
        lead_url, json={"disposition": "CALLBACK", "callback_at": "0001-01-01T00:00:00"}
    )
    assert r.status_code == 422
