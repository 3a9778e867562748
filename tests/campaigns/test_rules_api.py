"""Calling rules of a campaign through the API."""

from campaigns.models import Campaign
from campaigns.rules.effective import campaign_calling_rules
from tests.campaigns.factories import make_campaign


def test_get_and_put_rules(as_role, session):
    campaign = make_campaign(session, jurisdiction="CN")
    manager = as_role("manager")
    url = f"/api/v1/campaigns/{campaign.id}/rules"
    r = manager.get(url)
    assert r.json["effective"]["calling_hours"] == {"start": "09:00", "end": "20:00"}
    assert r.json["effective"]["fallback_timezone"] == "Asia/Shanghai"
    r = manager.put(
        url,
        json={
            "jurisdiction": "UK",
            "rules": {
                "max_attempts_per_lead": 4,
                "retry_delays_minutes": {"busy": 10},
                "holidays": ["2026-12-25"],
            },
            "dial_mode": "ratio",
            "dial_settings": {"ratio": 1.5},
            "caller_id_strategy": "local_presence",
        },
    )
    assert r.status_code == 200, r.json
    assert r.json["overrides"] == {
        "max_attempts_per_lead": 4,
        "retry_delays_minutes": {"no_answer": 120, "busy": 10, "machine": 240, "abandoned": 1440},
        "holidays": ["2026-12-25"],
    }
    assert r.json["effective"]["lockout_72h"] is True
    session.expire_all()
    rules = campaign_calling_rules(session.get(Campaign, campaign.id))
    assert rules.max_attempts == 4 and rules.retry_delays["busy"] == 600
    assert session.get(Campaign, campaign.id).dial_settings == {"ratio": 1.5}


def test_bad_rules_give_field_errors(as_role, session):
    campaign = make_campaign(session)
    manager = as_role("manager")
    r = manager.put(
        f"/api/v1/campaigns/{campaign.id}/rules",
        json={
            "jurisdiction": "CN",
            "rules": {"calling_hours": {"start": "22:00", "end": "08:00"}, "calling_days": []},
        },
    )
    assert r.status_code == 422
    assert "calling_hours" in r.json["errors"]["rules"] and "calling_days" in r.json["errors"]["rules"]
    r = manager.put(
        f"/api/v1/campaigns/{campaign.id}/rules", json={"jurisdiction": "CN", "dial_mode": "ratio"}
    )
    assert r.status_code == 422
    assert as_role("supervisor").get("/api/v1/campaigns/rule-profiles/US").json["abandon_window_hours"] == 720
