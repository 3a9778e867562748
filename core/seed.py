"""Demo data: one user per role, three agents, a team, a trunk to the carrier
simulator, a caller-ID pool and a sample campaign with leads.  Idempotent."""
from __future__ import annotations

import random
from typing import Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.auth.passwords import hash_password
from core.clock import utcnow
from core.models import Role, Team, User

DEMO_PASSWORD = "demo12345"

USERS = [
    ("manager", Role.MANAGER, "项目经理 王敏", None),
    ("tech", Role.TECHNICIAN, "技术主管 李强", None),
    ("supervisor", Role.SUPERVISOR, "现场督导 张伟", None),
    ("qa", Role.QA, "质检 陈静", None),
    ("agent1", Role.AGENT, "座席 刘洋", "1001"),
    ("agent2", Role.AGENT, "座席 赵丽", "1002"),
    ("agent3", Role.AGENT, "座席 周杰", "1003"),
]


def _user(session: Session, username: str, role: Role, name: str, pin: str | None, password: str) -> User:
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        user = User(username=username, role=role, display_name=name, agent_pin=pin,
                    password_hash=hash_password(password), is_senior=(username == "agent1"))
        session.add(user)
        session.flush()
    return user


def seed(session: Session, admin_password: str, leads: int = 100) -> Iterator[str]:
    from campaigns.defaults import DEFAULT_PAUSE_REASONS, disposition_rows
    from campaigns.models import (
        CallerId, CallerIdPool, CallList, Campaign, CampaignState, Disposition, Lead, Trunk,
    )
    from scripts_mgmt.models import Script, ScriptVersion, VersionStatus

    admin = _user(session, "admin", Role.ADMIN, "Administrator", None, admin_password)
    yield f"admin user: admin / {admin_password}"
    users = {u: _user(session, u, r, n, p, DEMO_PASSWORD) for u, r, n, p in USERS}
    yield f"demo users ({', '.join(users)}) password: {DEMO_PASSWORD}"

    team = session.scalar(select(Team).where(Team.name == "一组 Team 1"))
    if team is None:
        team = Team(name="一组 Team 1", supervisor=users["supervisor"],
                    members=[users["agent1"], users["agent2"], users["agent3"]])
        session.add(team)

    trunk = session.scalar(select(Trunk).where(Trunk.name == "sim-carrier"))
    if trunk is None:
        trunk = Trunk(name="sim-carrier", uri="sip:127.0.0.1:5080", send_pai=True)
        session.add(trunk)
    pool = session.scalar(select(CallerIdPool).where(CallerIdPool.name == "demo pool"))
    if pool is None:
        pool = CallerIdPool(name="demo pool", description="verified numbers for the demo")
        pool.numbers = [
            CallerId(number_e164="+862161234567", label="上海 Shanghai", trunk=trunk, verified=True,
                     evidence_note="demo", daily_cap=1000, area_code="21", region="Shanghai"),
            CallerId(number_e164="+861061234567", label="北京 Beijing", trunk=trunk, verified=True,
                     evidence_note="demo", daily_cap=1000, area_code="10", region="Beijing"),
        ]
        session.add(pool)

    campaign = session.scalar(select(Campaign).where(Campaign.code == "DEMO"))
    if campaign is None:
        script = Script(name="信用卡分期推广 Card instalment offer")
        version = ScriptVersion(
            number=1,
            status=VersionStatus.APPROVED,
            content="您好，{{姓名}}先生/女士，我是XX银行的客服代表{{agent_name}}。…",
            questionnaire={"sections": []},
            approved_by=admin.id,
            approved_at=utcnow(),
            client_approver="客户 演示",
        )
        script.versions.append(version)
        session.add(script)
        session.flush()
        campaign = Campaign(
            code="DEMO",
            name="信用卡分期推广 (demo)",
            client_name="演示银行 Demo Bank",
            state=CampaignState.DRAFT,
            manager=users["manager"],
            jurisdiction="CN",
            # The demo calls a simulated carrier at any hour; a real campaign
            # keeps its profile's hours (CN: 09:00-20:00 in the lead's zone).
            rules={"calling_hours": {"start": "00:00", "end": "23:59"}, "max_attempts_per_lead": 3},
            script_version_id=version.id,
            pause_reasons=DEFAULT_PAUSE_REASONS,
            dial_mode="predictive",
            dial_settings={"target_abandon_rate": 0.03, "max_lines_per_agent": 3.0, "amd": True},
            wrapup_seconds=20,
            agents=[users["agent1"], users["agent2"], users["agent3"]],
            created_by=admin.id,
        )
        session.add(campaign)
        session.flush()
        script.campaign_id = campaign.id
        from campaigns.models import campaign_caller_pools

        session.execute(campaign_caller_pools.insert().values(campaign_id=campaign.id, pool_id=pool.id))
        session.execute(Disposition.__table__.insert(), disposition_rows(campaign.id))
        call_list = CallList(campaign_id=campaign.id, name="演示名单 demo list")
        session.add(call_list)
        session.flush()
        rng = random.Random(7)
        surnames = "王李张刘陈杨黄赵吴周"
        session.execute(
            Lead.__table__.insert(),
            [
                {
                    "campaign_id": campaign.id,
                    "list_id": call_list.id,
                    "phone_raw": f"138{i:08d}",
                    "phone_e164": f"+86138{i:08d}",
                    "number_type": "mobile",
                    "region_code": "CN",
                    "timezone": "Asia/Shanghai",
                    "name": rng.choice(surnames) + "先生",
                    "fields": {"姓名": rng.choice(surnames) + "先生", "customer_id": f"C{i:06d}"},
                    "status": "new",
                    "attempt_count": 0,
                    "priority": 0,
                    "in_trial_sample": False,
                    "created_at": utcnow(),
                }
                for i in range(1, leads + 1)
            ],
        )
        yield f"sample campaign DEMO with {leads} leads"
    session.commit()
