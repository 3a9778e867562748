"""Caller IDs: trunks and pools through the API, the dialer's pick, cool-down, statistics."""

import uuid
from datetime import timedelta

from campaigns.callerids.service import cursor_key, number_stats, pick_caller_id
from campaigns.models import CallerId, CallerIdPool, campaign_caller_pools
from dialer.models import CallAttempt, CallOutcome
from tests.campaigns.factories import make_campaign, utc

NOW = utc(2026, 11, 23, 3, 0)


def test_trunk_crud_and_validation(as_role):
    tech = as_role("technician")
    r = tech.post(
        "/api/v1/trunks",
        json={
            "name": "carrier",
            "uri": "sip:10.0.0.1:5060",
            "send_pai": True,
            "send_rpid": True,
            "privacy": "id",
            "password": "s3cret",
            "extra_headers": {"X-Account": "42"},
        },
    )
    assert r.status_code == 201, r.json
    assert r.json["has_password"] and "password" not in r.json
    tid = r.json["id"]
    r = tech.post(
        "/api/v1/trunks",
        json={
            "name": "bad",
            "uri": "http://x",
            "privacy": "maybe",
            "from_user_mode": "random",
            "extra_headers": {"From": "x"},
        },
    )
    assert r.status_code == 422
    assert {"uri", "privacy", "from_user_mode", "extra_headers"} <= set(r.json["errors"])
    assert tech.post("/api/v1/trunks", json={"name": "carrier", "uri": "sip:h"}).status_code == 409
    r = tech.patch(f"/api/v1/trunks/{tid}", json={"privacy": "none"})
    assert r.status_code == 200 and r.json["privacy"] == "none" and r.json["has_password"]
    assert as_role("manager").post("/api/v1/trunks", json={"name": "x", "uri": "sip:h"}).status_code == 403
    assert tech.delete(f"/api/v1/trunks/{tid}").status_code == 204


def test_pools_numbers_assignment(as_role, session):
    campaign = make_campaign(session, caller_id=False)
    tech = as_role("technician")
    pid = tech.post("/api/v1/caller-id-pools", json={"name": "上海号码"}).json["id"]
    r = tech.post(
        f"/api/v1/caller-id-pools/{pid}/numbers",
        json={"number_e164": "+862161230000", "verified": True, "daily_cap": 300},
    )
    assert r.status_code == 422 and "evidence_note" in r.json["errors"]
    r = tech.post(
        f"/api/v1/caller-id-pools/{pid}/numbers",
        json={
            "number_e164": "+862161230000",
            "verified": True,
            "evidence_note": "运营商证明 2026-11",
            "daily_cap": 300,
            "area_code": "21",
            "label": "上海一号",
        },
    )
    assert r.status_code == 201
    assert (
        tech.post(f"/api/v1/caller-id-pools/{pid}/numbers", json={"number_e164": "+862161230000"}).status_code
        == 409
    )
    assert (
        tech.post(f"/api/v1/caller-id-pools/{pid}/numbers", json={"number_e164": "12345"}).status_code == 422
    )
    manager = as_role("manager")
    r = manager.put(f"/api/v1/campaigns/{campaign.id}/caller-id-pools", json={"pool_ids": [pid]})
    assert r.status_code == 200 and r.json[0]["numbers"][0]["number_e164"] == "+862161230000"
    assert (
        manager.put(f"/api/v1/campaigns/{campaign.id}/caller-id-pools", json={"pool_ids": [999]}).status_code
        == 422
    )
    nid = r.json[0]["numbers"][0]["id"]
    assert tech.patch(f"/api/v1/caller-ids/{nid}", json={"active": False}).json["active"] is False


def _pool(session, campaign, numbers):
    pool = CallerIdPool(name=f"p{campaign.id}")
    pool.numbers = numbers
    session.add(pool)
    session.flush()
    session.execute(campaign_caller_pools.insert().values(campaign_id=campaign.id, pool_id=pool.id))
    session.commit()
    return pool


def _dial(session, campaign, caller, at, outcome=CallOutcome.HUMAN, talk=60.0):
    session.add(
        CallAttempt(
            uuid=str(uuid.uuid4()),
            campaign_id=campaign.id,
            phone_e164="+8613800000001",
            caller_id_id=caller.id,
            dialed_at=at,
            outcome=outcome,
            talk_seconds=talk,
        )
    )


def test_pick_rotates_through_redis_cursor_and_cools_down(session, redis_client):
    campaign = make_campaign(session, caller_id=False, caller_id_strategy="round_robin")
    a = CallerId(number_e164="+862161230001", verified=True, daily_cap=2)
    b = CallerId(number_e164="+862161230002", verified=True, daily_cap=100)
    c = CallerId(number_e164="+862161230003", verified=False)
    _pool(session, campaign, [a, b, c])
    picks = [pick_caller_id(session, campaign, NOW, "Asia/Shanghai", redis=redis_client).id for _ in range(3)]
    assert picks == [a.id, b.id, a.id]
    assert redis_client.get(cursor_key(campaign.id)) == str(a.id)
    _dial(session, campaign, a, NOW - timedelta(hours=1))
    _dial(session, campaign, a, NOW - timedelta(hours=2))
    _dial(session, campaign, a, NOW - timedelta(days=1))  # yesterday does not count
    session.commit()
    assert pick_caller_id(session, campaign, NOW, "Asia/Shanghai", redis=redis_client).id == b.id
    assert pick_caller_id(session, campaign, NOW, "Asia/Shanghai", redis=redis_client).id == b.id
    session.refresh(a)
    assert a.cooldown_until == utc(2026, 11, 23, 16, 0)  # next Shanghai midnight


def test_number_stats_flag_a_number_going_bad(session, as_role):
    campaign = make_campaign(session, caller_id=False)
    good = CallerId(number_e164="+862161230001", verified=True)
    bad = CallerId(number_e164="+862161230002", verified=True)
    _pool(session, campaign, [good, bad])
    for i in range(60):
        at = NOW - timedelta(minutes=i)
        _dial(session, campaign, good, at, CallOutcome.HUMAN if i % 3 == 0 else CallOutcome.NO_ANSWER, 90.0)
        _dial(session, campaign, bad, at, CallOutcome.HUMAN if i % 3 == 0 else CallOutcome.NO_ANSWER, 3.0)
    session.commit()
    stats = {
        s["number"]: s for s in number_stats(session, NOW - timedelta(days=1), NOW + timedelta(seconds=1))
    }
    assert stats["+862161230001"]["dials"] == 60 and stats["+862161230001"]["answer_rate"] == round(
        20 / 60, 4
    )
    assert not stats["+862161230001"]["going_bad"]
    assert stats["+862161230002"]["short_call_share"] == 1.0 and stats["+862161230002"]["going_bad"]
    r = as_role("technician").get("/api/v1/caller-ids/stats?days=7")
    assert r.status_code == 200 and len(r.json) == 2
