"""apply_disposition: recycling, DNC at once, callbacks in the lead's local time."""

import uuid
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from campaigns.dispositions.callbacks import due_callbacks, local_to_utc
from campaigns.dispositions.service import DispositionError, apply_disposition
from campaigns.models import Callback, CallbackStatus, DncEntry, Lead, LeadStatus, campaign_agents
from dialer.hopper import Hopper
from dialer.models import CallAttempt
from tests.campaigns.factories import add_leads, make_campaign, utc

NOW = utc(2026, 11, 23, 3, 0)


def test_local_to_utc():
    assert local_to_utc(datetime(2026, 11, 24, 10, 0), "Asia/Shanghai") == utc(2026, 11, 24, 2, 0)
    assert local_to_utc(datetime(2026, 7, 1, 9, 0), "America/New_York") == utc(2026, 7, 1, 13, 0)
    assert local_to_utc(utc(2026, 7, 1, 9, 0), "Asia/Shanghai") == utc(2026, 7, 1, 9, 0)


def test_dnc_disposition_puts_number_on_the_list_and_purges_hopper(session, users, redis_client):
    campaign = make_campaign(session, leads=0, jurisdiction="US")
    lead, twin = add_leads(session, campaign, 2)
    twin.phone_e164 = lead.phone_e164
    session.commit()
    hopper = Hopper(redis_client, campaign.id)
    hopper.push([(twin.id, twin.phone_e164, 0.0)])
    attempt = CallAttempt(
        uuid=str(uuid.uuid4()),
        campaign_id=campaign.id,
        lead_id=lead.id,
        phone_e164=lead.phone_e164,
        agent_id=users["agent"].id,
    )
    session.add(attempt)
    session.flush()
    result = apply_disposition(
        session, attempt, "DNC", users["agent"], NOW, note="客户要求不再来电", redis=redis_client
    )
    session.commit()
    entry = session.scalar(select(DncEntry))
    assert (entry.phone_e164, entry.scope, entry.source, entry.attempt_id) == (
        lead.phone_e164,
        str(campaign.id),
        "disposition",
        attempt.id,
    )
    assert lead.status is LeadStatus.DNC and result.dnc_scope == "campaign"
    assert attempt.disposition_code == "DNC" and attempt.notes == "客户要求不再来电"
    assert not hopper.contains(twin.id)


def test_cn_profile_sends_dnc_to_the_global_list(session, users):
    make_campaign(session, leads=1, jurisdiction="CN")
    lead = session.scalar(select(Lead))
    apply_disposition(session, lead, "DNC", users["agent"], NOW)
    assert session.scalar(select(DncEntry.scope)) == "global"


def test_retry_then_exhausted(session, users):
    make_campaign(session, leads=1)
    lead = session.scalar(select(Lead))
    lead.attempt_count = 1
    apply_disposition(session, lead, "NO_ANSWER", users["agent"], NOW)
    assert lead.status is LeadStatus.RETRY and lead.next_attempt_at == NOW + timedelta(minutes=120)
    lead.attempt_count = 6  # the CN profile allows 6 attempts per lead
    apply_disposition(session, lead, "NO_ANSWER", users["agent"], NOW)
    assert lead.status is LeadStatus.DONE


def test_callback_booked_in_lead_time_and_due_first(session, users):
    campaign = make_campaign(session, leads=0)
    ny, sh = (
        add_leads(session, campaign, 1, timezone_name="America/New_York")[0],
        add_leads(session, campaign, 1, start=50)[0],
    )
    agent = users["agent"]
    result = apply_disposition(session, ny, "CALLBACK", agent, NOW, callback_at=datetime(2026, 11, 23, 9, 0))
    assert result.callback.due_at == utc(2026, 11, 23, 14, 0)  # 09:00 EST
    assert (
        result.callback.local_time == "2026-11-23T09:00"
        and result.callback.lead_timezone == "America/New_York"
    )
    assert ny.status is LeadStatus.CALLBACK and ny.next_attempt_at == utc(2026, 11, 23, 14, 0)
    apply_disposition(
        session,
        sh,
        "CALLBACK",
        agent,
        NOW,
        callback_at=datetime(2026, 11, 23, 12, 0),
        callback_for_campaign=True,
    )  # 04:00 UTC
    session.commit()
    assert due_callbacks(session, campaign.id, NOW) == []
    due = due_callbacks(session, campaign.id, utc(2026, 11, 23, 15, 0))
    assert [c.lead_id for c in due] == [sh.id, ny.id]  # oldest due first
    assert [
        c.lead_id
        for c in due_callbacks(session, campaign.id, utc(2026, 11, 23, 15, 0), agent_id=users["admin"].id)
    ] == [sh.id]  # campaign-owned only
    with pytest.raises(DispositionError):
        apply_disposition(session, ny, "CALLBACK", agent, NOW)
    with pytest.raises(DispositionError):
        apply_disposition(session, ny, "CALLBACK", agent, NOW, callback_at=datetime(2026, 11, 22, 9, 0))
    apply_disposition(session, ny, "SALE", agent, NOW)  # the callback call ended in a sale
    assert session.scalar(select(Callback.status).where(Callback.lead_id == ny.id)) is CallbackStatus.DONE


def test_api_apply_and_my_callbacks(as_role, session, users):
    campaign = make_campaign(session, leads=2)
    lead = session.scalar(select(Lead))
    agent = as_role("agent")
    url = f"/api/v1/campaigns/{campaign.id}/leads/{lead.id}/disposition"
    assert agent.post(url, json={"disposition": "SALE"}).status_code == 403  # not on this campaign
    session.execute(campaign_agents.insert().values(campaign_id=campaign.id, user_id=users["agent"].id))
    session.commit()
    r = agent.post(url, json={"disposition": "CALLBACK"})
    assert r.status_code == 422 and "callback_at" in r.json["errors"]
    assert agent.post(url, json={"disposition": "NOPE"}).status_code == 422
    far = (datetime.now() + timedelta(days=3)).replace(microsecond=0).isoformat()
    r = agent.post(url, json={"disposition": "CALLBACK", "callback_at": far, "note": "下午再打"})
    assert r.status_code == 200, r.json
    assert r.json["lead_status"] == "callback" and r.json["callback"]["agent_id"] == users["agent"].id
    mine = agent.get("/api/v1/callbacks/mine?hours=100").json
    assert mine["due"] == [] and [c["lead_id"] for c in mine["upcoming"]] == [lead.id]
    assert agent.get("/api/v1/callbacks/mine?hours=1").json["upcoming"] == []
    manager = as_role("manager")
    assert len(manager.get(f"/api/v1/campaigns/{campaign.id}/callbacks").json) == 1
    r = manager.post(
        f"/api/v1/campaigns/{campaign.id}/dispositions",
        json={
            "code": "VOICEMAIL",
            "label_zh": "语音信箱",
            "label_en": "Voicemail",
            "is_retry": True,
            "recycle_delay_minutes": 240,
            "max_recycles": 2,
        },
    )
    assert r.status_code == 201
    r = manager.post(
        f"/api/v1/campaigns/{campaign.id}/dispositions",
        json={"code": "BAD", "label_zh": "x", "label_en": "x", "is_final": True, "is_retry": True},
    )
    assert r.status_code == 422
    did = manager.get(f"/api/v1/campaigns/{campaign.id}/dispositions").json[0]["id"]
    assert (
        manager.patch(f"/api/v1/campaigns/{campaign.id}/dispositions/{did}", json={"hotkey": "Q"}).json[
            "hotkey"
        ]
        == "Q"
    )


def test_dnc_fallback_without_the_dnc_service(session, users, redis_client, monkeypatch):
    from campaigns.dispositions import dnc_hook

    monkeypatch.setattr(dnc_hook, "_dnc_service", lambda: None)
    campaign = make_campaign(session, leads=1, jurisdiction="US")
    lead = session.scalar(select(Lead))
    Hopper(redis_client, campaign.id).push([(lead.id, lead.phone_e164, 0.0)])
    apply_disposition(session, lead, "DNC", users["agent"], NOW, redis=redis_client)
    entry = session.scalar(select(DncEntry))
    assert (entry.scope, entry.source) == (str(campaign.id), "disposition")
    assert not Hopper(redis_client, campaign.id).contains(lead.id)
    apply_disposition(session, lead, "DNC", users["agent"], NOW, redis=redis_client)  # twice: one entry
    assert session.query(DncEntry).count() == 1
