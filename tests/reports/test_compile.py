"""The daily figures, checked by hand against a small day of calls."""
from __future__ import annotations

from datetime import date, datetime, timezone

from reports.compile import compile_day
from tests.reports.conftest import TZ

NOW = datetime(2026, 11, 22, tzinfo=timezone.utc)


def test_campaign_totals(session, day_of_calls):
    data = compile_day(session, date(2026, 11, 20), TZ, NOW)
    a = {row["label"]: row for row in data["campaigns"]}["A"]
    assert a["dials"] == 6
    assert a["connects"] == 5  # 3 human, 1 abandoned, 1 machine
    assert a["person_answers"] == 4 and a["person_rate"] == round(4 / 6, 4)
    assert a["handled"] == 3 and a["abandoned"] == 1 and a["abandon_rate"] == 0.25
    assert a["talk_seconds"] == 210 and a["wrapup_seconds"] == 60
    assert a["aht_seconds"] == 90.0
    assert a["sales"] == 1 and a["conversion"] == round(1 / 3, 4)
    assert a["callbacks"] == 1 and a["dnc_requests"] == 1
    assert a["seat_hours"] == 2.5  # 1 h clipped at local midnight + 1.5 h
    b = {row["label"]: row for row in data["campaigns"]}["B"]
    assert b["dials"] == 1 and b["connects"] == 0 and b["person_rate"] == 0 and b["abandon_rate"] is None
    assert data["totals"]["dials"] == 7 and data["totals"]["seat_hours"] == 2.5


def test_breakdowns_by_agent_caller_id_and_local_hour(session, day_of_calls):
    data = compile_day(session, date(2026, 11, 20), TZ, NOW)
    agent = [r for r in data["agents"] if r["key"] == day_of_calls["agent"].id][0]
    assert agent["handled"] == 3 and agent["sales"] == 1 and agent["seat_hours"] == 2.5
    callers = {r["label"]: r["dials"] for r in data["caller_ids"]}
    assert callers == {"+862100000001": 5, "+862100000002": 1, "—": 1}
    hours = {r["label"]: r["dials"] for r in data["hours"]}
    assert hours == {"00:00": 1, "09:00": 2, "10:00": 3, "11:00": 1}


def test_half_hour_zone_hours(session, day_of_calls):
    data = compile_day(session, date(2026, 11, 20), "Asia/Kolkata", NOW)  # UTC+5:30
    hours = {r["label"]: r["dials"] for r in data["hours"]}
    # Local hours: 01:05 UTC is 06:35 in Kolkata; 01:40, 02:10, 02:20 fall in 07:xx; 02:30 and 03:00 in 08:xx.
    assert hours["06:00"] == 1 and hours["07:00"] == 3 and hours["08:00"] == 2
    assert sum(hours.values()) == data["totals"]["dials"]


def test_campaign_scope_and_empty_day(session, day_of_calls):
    data = compile_day(session, date(2026, 11, 20), TZ, NOW, campaign_id=day_of_calls["b"].id)
    assert [r["label"] for r in data["campaigns"]] == ["B"] and data["totals"]["dials"] == 1
    empty = compile_day(session, date(2026, 1, 1), TZ, NOW)
    assert empty["totals"]["dials"] == 0 and empty["hours"] == []


def test_qa_average_per_agent(session, day_of_calls):
    from recordings.models import QaReview

    agent = day_of_calls["agent"]
    for total in (80.0, 90.0):
        session.add(QaReview(campaign_id=day_of_calls["a"].id, agent_id=agent.id, total=total, status="final",
                             finished_at=datetime(2026, 11, 20, 5, tzinfo=timezone.utc)))
    session.add(QaReview(campaign_id=day_of_calls["a"].id, agent_id=agent.id, total=10.0, status="draft"))
    session.commit()
    data = compile_day(session, date(2026, 11, 20), TZ, NOW)
    row = [r for r in data["agents"] if r["key"] == agent.id][0]
    assert row["qa_average"] == 85.0 and row["qa_reviews"] == 2
    assert data["totals"]["qa_average"] == 85.0


def test_no_campaigns_at_all(session):
    data = compile_day(session, date(2026, 11, 20), TZ, NOW)
    assert data["totals"]["dials"] == 0 and data["campaigns"] == [] and data["caller_ids"] == []
