"""A campaign pins an approved version; live changes need an approval note
and apply to new calls only; calls keep the version they were stamped with."""

import pytest
from sqlalchemy import select

from campaigns.models import CampaignState
from core.models import AuditLog
from scripts_mgmt import service
from scripts_mgmt.console import record_answers
from scripts_mgmt.errors import ScriptsError
from scripts_mgmt.models import QuestionnaireAnswer
from scripts_mgmt.pinning import pin_version, version_for_new_call


def test_only_approved_versions_can_be_pinned(session, users, make_campaign):
    campaign = make_campaign()
    script = service.create_script(session, users["manager"], "s", campaign.id)
    with pytest.raises(ScriptsError):
        pin_version(session, campaign, script.versions[0], users["manager"], None)
    assert version_for_new_call(session, campaign.id) is None


def test_a_script_of_another_campaign_cannot_be_pinned(session, users, make_campaign, approved_script):
    _, _, version = approved_script(make_campaign("A"))
    with pytest.raises(ScriptsError):
        pin_version(session, make_campaign("B"), version, users["manager"], None)


def test_live_change_needs_a_note_and_applies_to_new_calls_only(
    session, users, make_campaign, make_lead, make_attempt, approved_script
):
    campaign, script, v1 = approved_script(make_campaign(state=CampaignState.DRAFT))
    pin_version(session, campaign, v1, users["manager"], None)  # not calling yet: no note needed
    session.commit()
    lead = make_lead(campaign)
    first_call = make_attempt(campaign, lead, users["agent"], version_for_new_call(session, campaign.id))
    assert first_call.script_version_id == v1.id

    campaign.state = CampaignState.LIVE
    v2 = service.create_draft(session, script, users["technician"])
    new_survey = {
        "sections": [
            {"key": "s", "questions": [{"key": "ok", "type": "yes_no", "label": "好", "required": True}]}
        ]
    }
    service.update_draft(session, v2, users["technician"], questionnaire=new_survey)
    service.approve_version(session, v2, users["manager"], "客户李总")
    session.commit()
    for note in (None, "   "):
        with pytest.raises(ScriptsError) as refused:
            pin_version(session, campaign, v2, users["manager"], note)
        assert refused.value.field == "approval_note"
    pin_version(session, campaign, v2, users["manager"], "客户邮件同意换版")
    session.commit()

    second_call = make_attempt(campaign, lead, users["agent"], version_for_new_call(session, campaign.id))
    assert (first_call.script_version_id, second_call.script_version_id) == (v1.id, v2.id)
    audit = session.scalars(select(AuditLog).where(AuditLog.action == "campaign.script_pin")).all()
    assert [(a.details["from_version_id"], a.details["to_version_id"]) for a in audit] == [
        (None, v1.id),
        (v1.id, v2.id),
    ]
    assert audit[-1].reason == "客户邮件同意换版"

    # each call's answers are checked against its own version
    record_answers(session, first_call, {"interested": False, "reason": "price"}, users["agent"])
    with pytest.raises(ScriptsError):
        record_answers(session, second_call, {"interested": False, "reason": "price"}, users["agent"])
    record_answers(session, second_call, {"ok": True}, users["agent"])
    session.commit()
    rows = session.scalars(select(QuestionnaireAnswer).order_by(QuestionnaireAnswer.id)).all()
    assert [(r.attempt_id, r.script_version_id) for r in rows] == [
        (first_call.id, v1.id),
        (second_call.id, v2.id),
    ]


def test_closed_campaigns_cannot_change(session, users, make_campaign, approved_script):
    campaign, _, version = approved_script(make_campaign(state=CampaignState.SETTLED))
    with pytest.raises(ScriptsError):
        pin_version(session, campaign, version, users["manager"], "note")


def test_record_answers_replaces_and_drops_hidden(
    session, users, make_campaign, make_lead, make_attempt, approved_script
):
    campaign, _, version = approved_script()
    call = make_attempt(campaign, make_lead(campaign), users["agent"], version.id)
    record_answers(session, call, {"interested": True, "products": ["a"], "score": 5}, users["agent"])
    row, check = record_answers(
        session, call, {"interested": False, "reason": "time", "score": 5}, users["agent"]
    )
    session.commit()
    assert session.scalars(select(QuestionnaireAnswer)).all() == [row]
    assert row.answers == {"interested": False, "reason": "time"} and check.dropped == ["score"]
    assert row.lead_id == call.lead_id and row.agent_id == users["agent"].id
