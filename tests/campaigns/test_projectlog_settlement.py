"""Project log daily summary and notes; settlement from state intervals, XLSX, settle transition."""

import io
import uuid
from datetime import date

from openpyxl import load_workbook

from campaigns.models import CampaignState, Disposition
from campaigns.projectlog.service import daily_summary
from core.models import Role
from dialer.models import AgentSession, AgentState, AgentStateInterval, CallAttempt, CallOutcome
from tests.campaigns.factories import make_campaign, utc
from tests.conftest import make_user

NOW = utc(2026, 11, 23, 12, 0)


def _interval(session, campaign, agent, state, start, end):
    s = AgentSession(agent_id=agent.id, campaign_id=campaign.id, login_at=start)
    session.add(s)
    session.flush()
    session.add(
        AgentStateInterval(
            session_id=s.id,
            agent_id=agent.id,
            campaign_id=campaign.id,
            state=state,
            started_at=start,
            ended_at=end,
        )
    )


def _call(session, campaign, at, outcome, talk=None, disposition=None):
    session.add(
        CallAttempt(
            uuid=str(uuid.uuid4()),
            campaign_id=campaign.id,
            phone_e164="+8613800000001",
            dialed_at=at,
            outcome=outcome,
            talk_seconds=talk,
            disposition_id=disposition.id if disposition else None,
        )
    )


def test_daily_summary(session, users):
    campaign = make_campaign(session)
    sale = session.query(Disposition).filter_by(campaign_id=campaign.id, code="SALE").one()
    # Shanghai day 2026-11-23 is 2026-11-22 16:00 .. 2026-11-23 16:00 UTC.
    _call(session, campaign, utc(2026, 11, 23, 1, 0), CallOutcome.HUMAN, 120, sale)
    _call(session, campaign, utc(2026, 11, 23, 1, 5), CallOutcome.HUMAN, 60)
    _call(session, campaign, utc(2026, 11, 23, 1, 6), CallOutcome.ABANDONED)
    _call(session, campaign, utc(2026, 11, 23, 1, 7), CallOutcome.MACHINE)
    _call(session, campaign, utc(2026, 11, 22, 15, 59), CallOutcome.HUMAN, 30)  # the previous local day
    _interval(
        session, campaign, users["agent"], AgentState.READY, utc(2026, 11, 23, 0, 0), utc(2026, 11, 23, 2, 0)
    )
    _interval(
        session,
        campaign,
        users["agent"],
        AgentState.PAUSED,
        utc(2026, 11, 23, 2, 0),
        utc(2026, 11, 23, 2, 30),
    )
    session.commit()
    s = daily_summary(session, campaign.id, date(2026, 11, 23), "Asia/Shanghai", NOW)
    assert (s["dials"], s["person_answers"], s["abandoned"], s["machines"], s["sales"]) == (4, 2, 1, 1, 1)
    assert s["abandon_rate"] == round(1 / 3, 4) and s["talk_seconds"] == 180.0
    assert s["seat_hours"] == 2.5 and s["agents"] == 1


def test_project_log_api(as_role, session):
    campaign = make_campaign(session)
    manager = as_role("manager")
    r = manager.put(f"/api/v1/campaigns/{campaign.id}/log/2026-11-20", json={"note": "客户反馈话术需调整"})
    assert r.status_code == 200 and r.json["note"] == "客户反馈话术需调整" and "dials" in r.json["summary"]
    assert manager.put(f"/api/v1/campaigns/{campaign.id}/log/notaday", json={"note": "x"}).status_code == 422
    r = as_role("supervisor").get(f"/api/v1/campaigns/{campaign.id}/log?day=2026-11-21&days=3")
    assert [d["day"] for d in r.json] == ["2026-11-21", "2026-11-20", "2026-11-19"]
    assert r.json[1]["notes"][0]["note"] == "客户反馈话术需调整"


def test_settlement_from_intervals_finalise_xlsx_and_settle(as_role, session, users, redis_client):
    campaign = make_campaign(session, state=CampaignState.COMPLETED)
    trainee = make_user(session, "trainee1", Role.AGENT, seat_kind="trainee")
    agent = users["agent"]
    # agent: 20 days x 8.332 h = 166.64 h plus 10 h overtime on the last day; one interval crosses midnight.
    for day in range(1, 21):
        start = utc(2026, 11, day, 1, 0)  # 09:00 Shanghai
        _interval(session, campaign, agent, AgentState.READY, start, utc(2026, 11, day, 9, 19, 55, 200000))
    _interval(
        session, campaign, agent, AgentState.TALKING, utc(2026, 11, 21, 11, 0), utc(2026, 11, 21, 21, 0)
    )
    # trainee: 83.32 h as ten 8.332 h days
    for day in range(1, 11):
        _interval(
            session,
            campaign,
            trainee,
            AgentState.WRAPUP,
            utc(2026, 11, day, 1, 0),
            utc(2026, 11, day, 9, 19, 55, 200000),
        )
    # outside the month (Shanghai 2026-12-01 starts at 2026-11-30 16:00 UTC): not counted
    _interval(
        session, campaign, trainee, AgentState.READY, utc(2026, 11, 30, 16, 0), utc(2026, 11, 30, 18, 0)
    )
    session.commit()
    manager = as_role("manager")
    url = f"/api/v1/campaigns/{campaign.id}"
    hours = {a["agent_id"]: a for a in manager.get(url + "/seat-hours?month=2026-11").json["agents"]}
    assert hours[agent.id]["hours"] == 176.64 and hours[trainee.id]["hours"] == 83.32
    assert hours[agent.id]["days"]["2026-11-21"] == 5.0 and hours[agent.id]["days"]["2026-11-22"] == 5.0
    r = manager.post(
        url + "/settlements",
        json={
            "month": "2026-11",
            "seat_price": "8000",
            "assessment_factor": "0.95",
            "bonus": "500",
            "penalties": "200",
            "seat_ratios": {"trainee": 0.8, "agent": 1.0, "overtime": 1.5},
        },
    )
    assert r.status_code == 201, r.json
    # seats 1 + 0.4 + 10/166.64*1.5 = 1.4900144; x 8000 x 0.95 = 11324.11; + 500 - 200
    assert r.json["figures"]["total_seats"] == "1.4900" and r.json["total_fee"] == "11624.11"
    assert manager.post(url + "/actions/settle", json={}).json["errors"]["reasons"] == ["no_final_settlement"]
    assert manager.post(url + "/settlements/2026-11/finalise").status_code == 200
    assert manager.post(url + "/settlements", json={"month": "2026-11"}).status_code == 409
    book = load_workbook(io.BytesIO(manager.get(url + "/settlements/2026-11/xlsx").data))
    assert book.sheetnames == ["结算汇总", "座席工时", "每日工时"]
    assert book["座席工时"]["B1"].value == "姓名" and book["座席工时"].max_row == 3
    assert manager.post(url + "/actions/settle", json={}).status_code == 201
    assert manager.get(url + "/settlements/2099-01").status_code == 404
    assert manager.post(url + "/settlements", json={"month": "2026-13"}).status_code == 422
