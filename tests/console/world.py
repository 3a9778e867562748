"""The rows every console and browser test starts from: a live campaign with
its agents, dispositions and pause reasons, an approved script version with
a branching questionnaire and objection answers, leads, a team with its
supervisor."""
from __future__ import annotations

QUESTIONNAIRE = {
    "sections": [
        {"key": "intro", "title": "开场", "questions": [
            {"key": "interested", "type": "yes_no", "label": "是否感兴趣", "required": True},
            {"key": "reason", "type": "single", "label": "不感兴趣的原因", "required": True,
             "options": [{"value": "price", "label": "价格"}, {"value": "time", "label": "没时间"}],
             "show_if": {"question": "interested", "op": "equals", "value": False}},
        ], "next": [{"if": {"question": "interested", "op": "equals", "value": False}, "goto": "end"}]},
        {"key": "detail", "title": "详情", "questions": [
            {"key": "budget", "type": "number", "label": "预算", "min": 0, "max": 100000, "required": True},
        ]},
    ]
}


def build_world(session, users, make_user):
    """Rows every console test needs; returns a namespace of them."""
    from types import SimpleNamespace

    from campaigns.defaults import DEFAULT_PAUSE_REASONS
    from campaigns.dispositions.service import seed_dispositions
    from campaigns.models import CallList, Campaign, CampaignState, Lead, campaign_agents
    from core.models import Role, Team
    from scripts_mgmt.models import ObjectionAnswer, Script, ScriptVersion, VersionStatus

    agent = users["agent"]
    agent.softphone_uri = "sip:agent1@127.0.0.1:5062"
    supervisor = users["supervisor"]
    supervisor.softphone_uri = "sip:sup1@127.0.0.1:5063"
    other = make_user(session, "agent2", Role.AGENT, agent_pin="2002")
    outsider = make_user(session, "agent3", Role.AGENT, agent_pin="2003")
    campaign = Campaign(code="BANK1", name="信用卡回访", client_name="某银行", state=CampaignState.LIVE,
                        pause_reasons=DEFAULT_PAUSE_REASONS, wrapup_seconds=30, timezone="Asia/Shanghai")
    closed = Campaign(code="OLD1", name="旧项目", state=CampaignState.COMPLETED)
    foreign = Campaign(code="ELSE1", name="别的项目", state=CampaignState.LIVE)
    session.add_all([campaign, closed, foreign])
    session.flush()
    seed_dispositions(session, campaign.id)
    seed_dispositions(session, foreign.id)
    session.execute(campaign_agents.insert(), [
        {"campaign_id": campaign.id, "user_id": agent.id, "trial_agent": False},
        {"campaign_id": closed.id, "user_id": agent.id, "trial_agent": False},
        {"campaign_id": campaign.id, "user_id": other.id, "trial_agent": False},
        {"campaign_id": foreign.id, "user_id": outsider.id, "trial_agent": False},
    ])
    script = Script(campaign_id=campaign.id, name="话术")
    session.add(script)
    session.flush()
    version = ScriptVersion(script_id=script.id, number=1, status=VersionStatus.APPROVED,
                            content="您好，{{lead_name}}，我是{{agent_name}}。您的卡号尾号{{card_tail}}。",
                            questionnaire=QUESTIONNAIRE, variables=["lead_name", "agent_name", "card_tail"])
    session.add(version)
    session.flush()
    session.add_all([
        ObjectionAnswer(version_id=version.id, objection="太贵了", answer="我们有分期免息。", tags=["价格"], sort_order=1),
        ObjectionAnswer(version_id=version.id, objection="没时间", answer="只占用您两分钟。", tags=["时间"], sort_order=2),
    ])
    campaign.script_version_id = version.id
    call_list = CallList(campaign_id=campaign.id, name="名单")
    foreign_list = CallList(campaign_id=foreign.id, name="名单")
    session.add_all([call_list, foreign_list])
    session.flush()
    lead = Lead(campaign_id=campaign.id, list_id=call_list.id, phone_raw="13812345678",
                phone_e164="+8613812345678",
                name="张三", timezone="Asia/Shanghai", fields={"card_tail": "1234", "city": "上海"})
    lead2 = Lead(campaign_id=campaign.id, list_id=call_list.id, phone_raw="13912345678",
                 phone_e164="+8613912345678", name="李四", timezone="Asia/Shanghai",
                 fields={"card_tail": "9876"})
    foreign_lead = Lead(campaign_id=foreign.id, list_id=foreign_list.id, phone_raw="13700000000",
                        phone_e164="+8613700000000", name="王五")
    session.add_all([lead, lead2, foreign_lead])
    team = Team(name="一组", supervisor_id=supervisor.id, members=[agent, other])
    session.add(team)
    session.commit()
    return SimpleNamespace(agent=agent, other=other, outsider=outsider, supervisor=supervisor,
                           campaign=campaign,
                           closed=closed, foreign=foreign, version=version, lead=lead, lead2=lead2,
                           foreign_lead=foreign_lead, team=team)
