"""Builders for campaign tests: a campaign ready for trial, leads, caller IDs."""

from __future__ import annotations

from datetime import UTC, datetime

from campaigns.defaults import disposition_rows
from campaigns.models import (
    CallerId,
    CallerIdPool,
    CallList,
    Campaign,
    Disposition,
    Lead,
    Trunk,
    campaign_agents,
    campaign_caller_pools,
)
from core.clock import utcnow
from scripts_mgmt.models import Script, ScriptVersion, VersionStatus


def make_campaign(
    session,
    code="C1",
    *,
    approved_script=True,
    caller_id=True,
    leads=5,
    trial_agents=(),
    jurisdiction="CN",
    manager=None,
    **kw,
) -> Campaign:
    campaign = Campaign(
        code=code,
        name=f"Campaign {code}",
        jurisdiction=jurisdiction,
        rules={},
        manager_id=manager.id if manager else None,
        **kw,
    )
    session.add(campaign)
    session.flush()
    script = Script(name="s", campaign_id=campaign.id)
    script.versions.append(
        ScriptVersion(
            number=1, status=VersionStatus.APPROVED if approved_script else VersionStatus.DRAFT, content="hi"
        )
    )
    session.add(script)
    session.flush()
    campaign.script_version_id = script.versions[0].id
    session.execute(Disposition.__table__.insert(), disposition_rows(campaign.id))
    if caller_id:
        pool = CallerIdPool(name=f"pool {code}")
        pool.numbers = [
            CallerId(
                number_e164="+862161234567",
                verified=True,
                active=True,
                daily_cap=100,
                area_code="21",
                region="Shanghai",
            )
        ]
        session.add(pool)
        session.flush()
        session.execute(campaign_caller_pools.insert().values(campaign_id=campaign.id, pool_id=pool.id))
    if leads:
        add_leads(session, campaign, leads)
    for agent in trial_agents:
        session.execute(
            campaign_agents.insert().values(campaign_id=campaign.id, user_id=agent.id, trial_agent=True)
        )
    session.commit()
    return campaign


def add_leads(session, campaign, n, start=1, timezone_name="Asia/Shanghai"):
    call_list = CallList(campaign_id=campaign.id, name="list")
    session.add(call_list)
    session.flush()
    leads = [
        Lead(
            campaign_id=campaign.id,
            list_id=call_list.id,
            phone_raw=f"138{start + i:08d}",
            phone_e164=f"+86138{start + i:08d}",
            timezone=timezone_name,
            name=f"L{start + i}",
        )
        for i in range(n)
    ]
    session.add_all(leads)
    session.flush()
    return leads


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


__all__ = ["Trunk", "add_leads", "make_campaign", "utc", "utcnow"]
