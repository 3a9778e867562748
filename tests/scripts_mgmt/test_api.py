"""The scripts REST API: versions, approval, diff, preview, export/import,
pinning, the agent console's endpoints, scorecards; roles."""

import json

import yaml

from campaigns.models import Campaign, CampaignState
from scripts_mgmt.models import QuestionnaireAnswer

API = "/api/v1/scripts"


def _new_script(client, campaign_id, name="信用卡话术"):
    r = client.post(API, json={"name": name, "campaign_id": campaign_id})
    assert r.status_code == 201, r.json
    return r.json


def test_script_lifecycle_over_the_api(as_role, make_campaign, make_lead, survey, session):
    campaign = make_campaign()
    make_lead(campaign, {"姓名": "张三", "customer_id": "A001"}, name="张三")
    tech, manager = as_role("technician"), as_role("manager")
    script = _new_script(tech, campaign.id)
    v1 = script["versions"][0]
    assert (v1["number"], v1["status"]) == (1, "draft")

    r = tech.patch(
        f"{API}/versions/{v1['id']}",
        json={
            "content": "您好{{姓名}}，客户号{{customer_id}}，{{城市}}",
            "questionnaire": survey,
            "objections": [{"objection": "太贵", "answer": "有优惠", "tags": ["价格"]}],
        },
    )
    assert r.status_code == 200, r.json
    assert r.json["unknown_variables"] == ["城市"] and r.json["questionnaire_issues"] == []
    assert r.json["version"]["variables"] == ["姓名", "customer_id", "城市"]

    # technicians edit but do not approve; approval refuses unknown variables unless acknowledged
    assert tech.post(f"{API}/versions/{v1['id']}/approve", json={"client_approver": "王"}).status_code == 403
    r = manager.post(f"{API}/versions/{v1['id']}/approve", json={"client_approver": "客户王经理"})
    assert r.status_code == 409 and r.json["errors"]["unknown_variables"] == ["城市"]
    r = manager.post(
        f"{API}/versions/{v1['id']}/approve",
        json={"client_approver": "客户王经理", "note": "邮件", "acknowledge_unknown_variables": True},
    )
    assert (
        r.status_code == 200 and r.json["status"] == "approved" and r.json["client_approver"] == "客户王经理"
    )
    assert tech.patch(f"{API}/versions/{v1['id']}", json={"content": "x"}).status_code == 409

    r = tech.post(f"{API}/{script['id']}/versions", json={"change_note": "去掉城市"})
    assert r.status_code == 201 and r.json["number"] == 2 and r.json["objections"][0]["objection"] == "太贵"
    v2 = r.json
    tech.patch(f"{API}/versions/{v2['id']}", json={"content": "您好{{姓名}}，客户号{{customer_id}}"})
    r = tech.get(f"{API}/{script['id']}/diff?from={v1['id']}&to={v2['id']}")
    assert r.status_code == 200 and r.json["content_changed"] and "-您好" in r.json["content_unified"]
    assert tech.get(f"{API}/{script['id']}/diff?from={v1['id']}").status_code == 422
    assert tech.get(f"{API}/{script['id']}/diff?from={v1['id']}&to=999999").status_code == 404

    # pin: approved only; a live campaign needs a note
    assert (
        manager.post(f"{API}/campaigns/{campaign.id}/pin", json={"version_id": v2["id"]}).status_code == 409
    )
    session.get(Campaign, campaign.id).state = CampaignState.LIVE  # requests end the test's session
    session.commit()
    r = manager.post(f"{API}/campaigns/{campaign.id}/pin", json={"version_id": v1["id"]})
    assert r.status_code == 422 and "approval_note" in r.json["errors"]
    r = manager.post(
        f"{API}/campaigns/{campaign.id}/pin", json={"version_id": v1["id"], "approval_note": "客户确认"}
    )
    assert r.json == {"campaign_id": campaign.id, "script_version_id": v1["id"]}
    r = manager.post(f"{API}/versions/{v1['id']}/retire", json={"reason": "x"})
    assert r.status_code == 409


def test_preview_renders_for_a_sample_lead_with_escaping(as_role, make_campaign, make_lead):
    campaign = make_campaign()
    lead = make_lead(campaign, {"姓名": "<b>张三</b>"})
    tech = as_role("technician")
    script = _new_script(tech, campaign.id)
    vid = script["versions"][0]["id"]
    r = tech.post(
        f"{API}/versions/{vid}/preview", json={"content": "**您好** {{姓名}} {{城市}} {{agent_name}}"}
    )
    assert r.status_code == 200
    assert (
        r.json["lead_id"] == lead.id
        and r.json["missing"] == ["城市"]
        and r.json["unknown_variables"] == ["城市"]
    )
    assert "&lt;b&gt;张三&lt;/b&gt;" in r.json["html"] and "<strong>您好</strong>" in r.json["html"]
    assert "[缺少: 城市]" in r.json["html"]  # Chinese is the default language
    assert "technician1" in r.json["html"]
    assert tech.post(f"{API}/versions/{vid}/preview", json={"lead_id": 999999}).status_code == 404
    assert as_role("agent").post(f"{API}/versions/{vid}/preview", json={}).status_code == 403


def test_questionnaire_parse_reports_problems(as_role, survey):
    tech = as_role("technician")
    r = tech.post(
        f"{API}/questionnaire/parse",
        json={"text": yaml.safe_dump(survey, allow_unicode=True), "format": "yaml"},
    )
    assert r.status_code == 200 and r.json["questionnaire"] == survey and r.json["issues"] == []
    survey["sections"][2]["next"] = [{"goto": "intro"}]
    r = tech.post(f"{API}/questionnaire/parse", json={"text": json.dumps(survey), "format": "json"})
    assert [i["code"] for i in r.json["issues"]] == ["cycle"]
    assert "循环" in r.json["issues"][0]["text"]
    assert (
        tech.post(f"{API}/questionnaire/parse", json={"text": "{oops", "format": "json"}).status_code == 422
    )


def test_export_and_import_over_the_api(as_role, make_campaign, survey):
    tech = as_role("technician")
    campaign = make_campaign()
    script = _new_script(tech, campaign.id)
    vid = script["versions"][0]["id"]
    tech.patch(
        f"{API}/versions/{vid}",
        json={
            "content": "您好",
            "questionnaire": survey,
            "objections": [{"objection": "忙", "answer": "稍后", "tags": []}],
        },
    )
    r = tech.get(f"{API}/versions/{vid}/export?format=yaml")
    assert r.status_code == 200 and "attachment" in r.headers["Content-Disposition"]
    doc = yaml.safe_load(r.data.decode())
    assert doc["questionnaire"] == survey
    other = make_campaign("C2")
    r = tech.post(
        f"{API}/import", json={"document": r.data.decode(), "format": "yaml", "campaign_id": other.id}
    )
    assert r.status_code == 201, r.json
    copy = tech.get(f"{API}/versions/{r.json['version_id']}").json
    assert (copy["content"], copy["questionnaire"], copy["objections"][0]["answer"]) == (
        "您好",
        survey,
        "稍后",
    )
    r = tech.post(f"{API}/import", json={"document": "{}", "format": "json"})
    assert r.status_code == 422 and "fields" in r.json["errors"]


def test_agent_console_endpoints(
    as_role, users, make_campaign, make_lead, make_attempt, approved_script, session
):
    campaign = make_campaign(state=CampaignState.LIVE)
    campaign, _, version = approved_script(
        campaign,
        content="{{lead_name}}您好，我是{{agent_name}}，尾号{{phone_masked}}",
        objections=[
            {"objection": "太贵了", "answer": "有优惠", "tags": ["价格"]},
            {"objection": "没时间", "answer": "一分钟", "tags": []},
        ],
    )
    campaign.script_version_id = version.id
    campaign.agents.append(users["agent"])
    session.commit()
    lead = make_lead(campaign, name="<i>张三</i>")
    mine = make_attempt(campaign, lead, users["agent"], version.id)
    other_agent_call = make_attempt(campaign, lead, users["supervisor"], version.id)
    agent = as_role("agent")

    r = agent.get(f"{API}/campaigns/{campaign.id}/objections?q=贵")
    assert r.status_code == 200 and [i["objection"] for i in r.json["items"]] == ["太贵了"]
    assert agent.get(f"{API}/campaigns/{campaign.id}/questionnaire").json["version_id"] == version.id

    r = agent.get(f"{API}/attempts/{mine.id}/script")
    assert r.status_code == 200 and r.json["version_id"] == version.id
    assert "&lt;i&gt;张三&lt;/i&gt;" in r.json["html"] and "+86138****5678" in r.json["html"]
    assert agent.get(f"{API}/attempts/{other_agent_call.id}/script").status_code == 404

    r = agent.put(f"{API}/attempts/{mine.id}/answers", json={"answers": {"interested": True}})
    assert r.status_code == 422 and {i["path"] for i in r.json["errors"]["issues"]} == {"products", "score"}
    r = agent.put(
        f"{API}/attempts/{mine.id}/answers",
        json={"answers": {"interested": False, "reason": "price", "products": ["a"]}},
    )
    assert r.status_code == 200 and r.json["dropped"] == ["products"]
    assert session.get(QuestionnaireAnswer, r.json["id"]).answers == {"interested": False, "reason": "price"}
    assert agent.put(f"{API}/attempts/{other_agent_call.id}/answers", json={"answers": {}}).status_code == 404

    # an agent not on the campaign sees nothing; agents never read raw scripts
    fresh = session.get(Campaign, campaign.id)  # requests end the test's session
    fresh.agents.clear()
    session.commit()
    assert agent.get(f"{API}/campaigns/{campaign.id}/objections").status_code == 404
    assert agent.get(f"{API}/versions/{version.id}").status_code == 403


def test_scorecards_over_the_api(as_role, make_campaign, session):
    campaign = make_campaign()
    tech, manager, qa = as_role("technician"), as_role("manager"), as_role("qa")
    r = tech.post(f"{API}/scorecards", json={"name": "FQA", "campaign_id": campaign.id})
    assert r.status_code == 201
    card, vid = r.json, r.json["versions"][0]["id"]
    items = [
        {"key": "greet", "label": "开场", "weight": 40},
        {"key": "info", "label": "信息", "weight": 60},
        {"key": "abuse", "label": "辱骂客户", "weight": 0, "auto_fail": True},
    ]
    r = tech.patch(f"{API}/scorecards/versions/{vid}", json={"items": items, "pass_mark": 70})
    assert r.status_code == 200 and r.json["problems"] == []
    assert (
        tech.patch(f"{API}/scorecards/versions/{vid}", json={"items": items + items[:1]}).status_code == 422
    )
    r = qa.post(
        f"{API}/scorecards/versions/{vid}/score", json={"marks": {"greet": True, "info": 0.5, "abuse": True}}
    )
    assert r.json["total"] == 70.0 and r.json["passed"] and not r.json["auto_failed"]
    r = qa.post(
        f"{API}/scorecards/versions/{vid}/score", json={"marks": {"greet": True, "info": 1, "abuse": False}}
    )
    assert (r.json["total"], r.json["auto_failed"], r.json["passed"]) == (0.0, True, False)
    assert (
        qa.post(f"{API}/scorecards/versions/{vid}/score", json={"marks": {"greet": True}}).status_code == 422
    )

    assert (
        manager.post(f"{API}/campaigns/{campaign.id}/scorecard", json={"version_id": vid}).status_code == 409
    )
    assert manager.post(f"{API}/scorecards/versions/{vid}/approve", json={}).json["status"] == "approved"
    r = manager.post(f"{API}/campaigns/{campaign.id}/scorecard", json={"version_id": vid})
    assert r.json["scorecard_version_id"] == vid
    r = tech.post(f"{API}/scorecards/{card['id']}/versions")
    assert (
        r.status_code == 201
        and r.json["number"] == 2
        and r.json["items"]
        == [{**i, "auto_fail": i.get("auto_fail", False), "weight": float(i["weight"])} for i in items]
    )
    assert manager.post(f"{API}/scorecards/versions/{vid}/retire", json={"reason": "x"}).status_code == 409
