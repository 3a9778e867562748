"""Trial sample, dial cap, report (JSON and XLSX)."""

import io
import uuid

from openpyxl import load_workbook

from campaigns.models import Lead
from campaigns.trial.service import select_trial_sample, trial_dials_left
from dialer.models import CallAttempt, CallOutcome
from scripts_mgmt.models import QuestionnaireAnswer
from tests.campaigns.factories import make_campaign, utc


def _attempt(session, campaign, lead, **kw):
    attempt = CallAttempt(
        uuid=str(uuid.uuid4()),
        campaign_id=campaign.id,
        lead_id=lead.id,
        phone_e164=lead.phone_e164,
        dialed_at=kw.pop("dialed_at", utc(2026, 11, 23, 2, 0)),
        **kw,
    )
    session.add(attempt)
    session.flush()
    return attempt


def test_sample_random_or_chosen(session):
    campaign = make_campaign(session, leads=20)
    chosen = select_trial_sample(session, campaign, size=5, seed=1)
    assert len(chosen) == 5 and chosen == select_trial_sample(session, campaign, size=5, seed=1)
    assert session.query(Lead).filter(Lead.in_trial_sample.is_(True)).count() == 5
    ids = [lead.id for lead in session.query(Lead).order_by(Lead.id).limit(3)]
    assert select_trial_sample(session, campaign, lead_ids=ids) == ids
    assert {lead.id for lead in session.query(Lead).filter(Lead.in_trial_sample.is_(True))} == set(ids)


def test_dial_cap(session):
    campaign = make_campaign(session, leads=3, trial_dial_cap=2)
    lead = session.query(Lead).first()
    assert trial_dials_left(session, campaign) == 2
    _attempt(session, campaign, lead, is_trial=True)
    _attempt(session, campaign, lead, is_trial=False)
    assert trial_dials_left(session, campaign) == 1
    _attempt(session, campaign, lead, is_trial=True)
    _attempt(session, campaign, lead, is_trial=True)
    assert trial_dials_left(session, campaign) == 0


def test_report_json_and_xlsx(as_role, session, users):
    campaign = make_campaign(session, leads=3)
    lead = session.query(Lead).first()
    a1 = _attempt(
        session,
        campaign,
        lead,
        is_trial=True,
        outcome=CallOutcome.HUMAN,
        talk_seconds=95.0,
        agent_id=users["agent"].id,
        disposition_code="SALE",
        notes="客户很满意",
    )
    _attempt(session, campaign, lead, is_trial=True, outcome=CallOutcome.NO_ANSWER)
    session.add(
        QuestionnaireAnswer(
            attempt_id=a1.id,
            script_version_id=campaign.script_version_id,
            lead_id=lead.id,
            answers={"年龄": "35", "意向": "有"},
        )
    )
    session.commit()
    qa = as_role("qa")
    r = qa.get(f"/api/v1/campaigns/{campaign.id}/trial/report")
    assert r.status_code == 200
    assert r.json["summary"]["dials"] == 2
    assert r.json["summary"]["outcomes"] == {"human": 1, "no_answer": 1}
    assert r.json["summary"]["average_talk_seconds"] == 95.0
    first = r.json["calls"][0]
    assert first["answers"] == {"年龄": "35", "意向": "有"} and first["remarks"] == "客户很满意"
    r = qa.get(f"/api/v1/campaigns/{campaign.id}/trial/report.xlsx")
    assert r.status_code == 200
    sheet = load_workbook(io.BytesIO(r.data))["试呼明细"]
    assert sheet["A1"].value == "呼叫时间" and sheet.max_row == 3
    assert as_role("manager").get(f"/api/v1/campaigns/{campaign.id}/trial/status").json == {
        "dial_cap": 200,
        "dials": 2,
        "dials_left": 198,
    }


def test_sample_api(as_role, session):
    campaign = make_campaign(session, leads=10)
    manager = as_role("manager")
    r = manager.post(f"/api/v1/campaigns/{campaign.id}/trial/sample", json={"size": 4})
    assert r.status_code == 200 and r.json["size"] == 4
    r = manager.post(f"/api/v1/campaigns/{campaign.id}/trial/sample", json={"lead_ids": [999999]})
    assert r.status_code == 422
    r = manager.post(f"/api/v1/campaigns/{campaign.id}/trial/sample", json={"size": 0})
    assert r.status_code == 422


def test_only_designated_trial_agents(session, users):
    from campaigns.trial.service import is_trial_agent, set_campaign_agents
    from core.models import Role
    from tests.conftest import make_user

    campaign = make_campaign(session)
    other = make_user(session, "agent9", Role.AGENT)
    set_campaign_agents(session, campaign, [users["agent"].id, other.id], [users["agent"].id])
    assert is_trial_agent(session, campaign.id, users["agent"].id)
    assert not is_trial_agent(session, campaign.id, other.id)
    assert not is_trial_agent(session, campaign.id, users["manager"].id)
