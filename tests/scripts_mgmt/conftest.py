"""Fixtures of the scripts tests: a sample questionnaire, campaigns, leads, calls."""

from __future__ import annotations

import copy
import uuid

import pytest

SURVEY = {
    "sections": [
        {
            "key": "intro",
            "title": "开场",
            "questions": [
                {"key": "interested", "type": "yes_no", "label": "是否感兴趣", "required": True},
                {
                    "key": "reason",
                    "type": "single",
                    "label": "不感兴趣的原因",
                    "required": True,
                    "options": [
                        {"value": "price", "label": "价格"},
                        {"value": "time", "label": "没时间"},
                        {"value": "other", "label": "其他"},
                    ],
                    "show_if": {"question": "interested", "op": "equals", "value": False},
                },
                {
                    "key": "reason_text",
                    "type": "text",
                    "label": "其他原因",
                    "max": 200,
                    "show_if": {"question": "reason", "op": "equals", "value": "other"},
                },
            ],
            "next": [{"if": {"question": "interested", "op": "equals", "value": False}, "goto": "end"}],
        },
        {
            "key": "detail",
            "title": "详情",
            "questions": [
                {
                    "key": "products",
                    "type": "multiple",
                    "label": "关注的产品",
                    "required": True,
                    "min": 1,
                    "max": 2,
                    "options": [
                        {"value": "a", "label": "A"},
                        {"value": "b", "label": "B"},
                        {"value": "c", "label": "C"},
                    ],
                },
                {"key": "budget", "type": "number", "label": "预算", "min": 0, "max": 100000},
                {
                    "key": "visit",
                    "type": "date",
                    "label": "上门日期",
                    "min": "2026-01-01",
                    "show_if": {"question": "products", "op": "contains", "value": "c"},
                },
                {"key": "zip", "type": "text", "label": "邮编", "pattern": "\\d{6}"},
                {"key": "score", "type": "rating", "label": "满意度", "required": True},
            ],
            "next": [
                {"if": {"question": "budget", "op": "gte", "value": 50000}, "goto": "vip"},
                {"goto": "end"},
            ],
        },
        {
            "key": "vip",
            "title": "大客户",
            "questions": [
                {"key": "manager_call", "type": "yes_no", "label": "需要客户经理回电", "required": True},
            ],
        },
    ]
}


@pytest.fixture
def survey():
    return copy.deepcopy(SURVEY)


@pytest.fixture
def make_campaign(session):
    from campaigns.models import Campaign, CampaignState

    def make(code="C1", state=CampaignState.DRAFT, **kw):
        campaign = Campaign(
            code=code,
            name=kw.pop("name", f"项目{code}"),
            client_name=kw.pop("client_name", "某银行"),
            state=state,
            **kw,
        )
        session.add(campaign)
        session.commit()
        return campaign

    return make


@pytest.fixture
def make_lead(session):
    from campaigns.models import CallList, Lead

    def make(campaign, fields=None, phone="+8613812345678", name=None, batch_id=None):
        call_list = CallList(campaign_id=campaign.id, name="list")
        session.add(call_list)
        session.flush()
        lead = Lead(
            campaign_id=campaign.id,
            list_id=call_list.id,
            phone_raw=phone,
            phone_e164=phone,
            name=name,
            fields=fields or {},
            batch_id=batch_id,
        )
        session.add(lead)
        session.commit()
        return lead

    return make


@pytest.fixture
def make_attempt(session):
    from dialer.models import CallAttempt

    def make(campaign, lead=None, agent=None, script_version_id=None):
        attempt = CallAttempt(
            uuid=str(uuid.uuid4()),
            campaign_id=campaign.id,
            lead_id=lead.id if lead else None,
            phone_e164=lead.phone_e164 if lead else "+8613800000000",
            agent_id=agent.id if agent else None,
            script_version_id=script_version_id,
        )
        session.add(attempt)
        session.commit()
        return attempt

    return make


@pytest.fixture
def approved_script(session, users, make_campaign):
    """A campaign with an approved script version (content, survey, objections)."""
    from scripts_mgmt import service

    def make(campaign=None, content="您好，{{agent_name}}为您服务。", questionnaire=None, objections=None):
        campaign = campaign or make_campaign()
        script = service.create_script(session, users["manager"], "话术", campaign.id)
        version = script.versions[0]
        service.update_draft(
            session,
            version,
            users["technician"],
            content=content,
            questionnaire=copy.deepcopy(SURVEY) if questionnaire is None else questionnaire,
            objections=objections or [],
        )
        service.approve_version(
            session, version, users["manager"], "王经理", "ok", acknowledge_unknown_variables=True
        )
        session.commit()
        return campaign, script, version

    return make
