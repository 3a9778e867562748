"""Versions: drafts, editing, approval with the client's sign-off, retirement."""

import pytest
from sqlalchemy import select

from core.models import AuditLog
from scripts_mgmt import service
from scripts_mgmt.errors import ScriptsError
from scripts_mgmt.models import VersionStatus


def _script(session, users, campaign, content="您好，{{姓名}}，我是{{agent_name}}。"):
    script = service.create_script(session, users["technician"], "信用卡话术", campaign.id)
    version = script.versions[0]
    service.update_draft(
        session,
        version,
        users["technician"],
        content=content,
        objections=[{"objection": "太贵", "answer": "有优惠", "tags": ["价格"]}],
    )
    session.commit()
    return script, version


def test_only_drafts_are_edited_and_a_new_draft_copies_the_latest(
    session, users, make_campaign, make_lead, survey
):
    campaign = make_campaign()
    make_lead(campaign, {"姓名": "张三"})
    script, v1 = _script(session, users, campaign)
    service.update_draft(session, v1, users["technician"], questionnaire=survey)
    assert v1.variables == ["姓名", "agent_name"]
    with pytest.raises(ScriptsError):
        service.create_draft(session, script, users["technician"])  # v1 is still a draft
    service.approve_version(session, v1, users["manager"], "客户王经理", "邮件确认")
    with pytest.raises(ScriptsError) as refused:
        service.update_draft(session, v1, users["technician"], content="改")
    assert refused.value.status == 409
    v2 = service.create_draft(session, script, users["technician"], "第二版")
    session.commit()
    assert (v2.number, v2.status, v2.content, v2.questionnaire) == (
        2,
        VersionStatus.DRAFT,
        v1.content,
        survey,
    )
    assert [(o.objection, o.tags) for o in v2.objections] == [("太贵", ["价格"])]
    service.update_draft(session, v2, users["technician"], content="新内容", objections=[])
    session.commit()
    assert v1.content != "新内容" and len(v1.objections) == 1  # the approved version is untouched


def test_approval_records_who_when_and_the_client(session, users, make_campaign, make_lead):
    campaign = make_campaign()
    make_lead(campaign, {"姓名": "张三"})
    _, version = _script(session, users, campaign)
    service.approve_version(session, version, users["manager"], " 客户王经理 ", "邮件确认")
    session.commit()
    assert version.status is VersionStatus.APPROVED
    assert version.approved_by == users["manager"].id and version.approved_at is not None
    assert (version.client_approver, version.approval_note) == ("客户王经理", "邮件确认")
    audit = session.scalars(select(AuditLog).where(AuditLog.action == "script.approve")).one()
    assert audit.details["client_approver"] == "客户王经理"
    with pytest.raises(ScriptsError):
        service.approve_version(session, version, users["manager"], "x")  # not a draft any more


def test_unknown_variables_need_an_acknowledgement(session, users, make_campaign, make_lead):
    campaign = make_campaign()
    make_lead(campaign, {"customer_id": "A1"})  # no 姓名 column in this campaign's leads
    _, version = _script(session, users, campaign)
    assert service.approval_check(session, version)["unknown_variables"] == ["姓名"]
    with pytest.raises(ScriptsError) as refused:
        service.approve_version(session, version, users["manager"], "客户")
    assert refused.value.details == {"unknown_variables": ["姓名"]}
    assert version.status is VersionStatus.DRAFT
    service.approve_version(session, version, users["manager"], "客户", acknowledge_unknown_variables=True)
    audit = session.scalars(select(AuditLog).where(AuditLog.action == "script.approve")).one()
    assert audit.details["unknown_variables_acknowledged"] == ["姓名"]


def test_questionnaire_problems_block_approval(session, users, make_campaign, make_lead, survey):
    campaign = make_campaign()
    make_lead(campaign, {"姓名": "张三"})
    _, version = _script(session, users, campaign)
    survey["sections"][2]["next"] = [{"goto": "intro"}]  # a cycle
    service.update_draft(session, version, users["technician"], questionnaire=survey)  # drafts may be broken
    with pytest.raises(ScriptsError) as refused:
        service.approve_version(session, version, users["manager"], "客户")
    assert {i.code for i in refused.value.details["questionnaire_issues"]} == {"cycle"}
    with pytest.raises(ScriptsError):
        service.approve_version(session, version, users["manager"], "   ")  # approver must be named


def test_retire_refuses_a_version_a_calling_campaign_uses(session, users, make_campaign, make_lead):
    from campaigns.models import CampaignState
    from scripts_mgmt.pinning import pin_version

    campaign = make_campaign(state=CampaignState.LIVE)
    make_lead(campaign, {"姓名": "张三"})
    _, version = _script(session, users, campaign)
    service.approve_version(session, version, users["manager"], "客户")
    pin_version(session, campaign, version, users["manager"], "客户同意")
    with pytest.raises(ScriptsError):
        service.retire_version(session, version, users["manager"], "换版")
    campaign.state = CampaignState.COMPLETED
    service.retire_version(session, version, users["manager"], "项目结束")
    assert version.status is VersionStatus.RETIRED and version.retired_at is not None
