"""Trial sample, trial agents and the trial dial cap."""

from __future__ import annotations

import random

from sqlalchemy import and_, func, select, update
from sqlalchemy.orm import Session

from campaigns.models import Campaign, Lead, LeadStatus, campaign_agents
from dialer.models import CallAttempt

SAMPLE_STATUSES = (LeadStatus.NEW, LeadStatus.RETRY, LeadStatus.QUEUED)


class TrialError(Exception):
    pass


def select_trial_sample(
    session: Session,
    campaign: Campaign,
    size: int | None = None,
    lead_ids: list[int] | None = None,
    seed: int | None = None,
) -> list[int]:
    """Mark the trial sample: the given leads, or `size` callable leads drawn
    at random.  The previous sample is cleared.  Flushes, does not commit."""
    if lead_ids is not None:
        chosen = list(
            session.scalars(select(Lead.id).where(Lead.campaign_id == campaign.id, Lead.id.in_(lead_ids)))
        )
        missing = set(lead_ids) - set(chosen)
        if missing:
            raise TrialError(f"leads not in this campaign: {sorted(missing)[:10]}")
    else:
        pool = list(
            session.scalars(
                select(Lead.id)
                .where(Lead.campaign_id == campaign.id, Lead.status.in_(SAMPLE_STATUSES))
                .order_by(Lead.id)
            )
        )
        size = campaign.trial_sample_size if size is None else size
        chosen = random.Random(seed).sample(pool, min(size, len(pool)))
    session.execute(
        update(Lead)
        .where(Lead.campaign_id == campaign.id, Lead.in_trial_sample.is_(True))
        .values(in_trial_sample=False)
    )
    if chosen:
        session.execute(update(Lead).where(Lead.id.in_(chosen)).values(in_trial_sample=True))
    session.flush()
    return sorted(chosen)


def trial_dials(session: Session, campaign_id: int) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(CallAttempt)
            .where(CallAttempt.campaign_id == campaign_id, CallAttempt.is_trial.is_(True))
        )
        or 0
    )


def trial_dials_left(session: Session, campaign: Campaign) -> int:
    """How many more trial dials the dialer may place (the hard cap less those made)."""
    return max(0, (campaign.trial_dial_cap or 0) - trial_dials(session, campaign.id))


def set_campaign_agents(
    session: Session, campaign: Campaign, agent_ids: list[int], trial_agent_ids: list[int]
) -> None:
    """Replace the campaign's agents; trial agents must be among them."""
    from core.models import Role, User

    wanted = set(agent_ids) | set(trial_agent_ids)
    found = set(session.scalars(select(User.id).where(User.id.in_(wanted), User.role == Role.AGENT)))
    if found != wanted:
        raise TrialError(f"not agents: {sorted(wanted - found)[:10]}")
    session.execute(campaign_agents.delete().where(campaign_agents.c.campaign_id == campaign.id))
    if wanted:
        session.execute(
            campaign_agents.insert(),
            [
                {"campaign_id": campaign.id, "user_id": uid, "trial_agent": uid in set(trial_agent_ids)}
                for uid in sorted(wanted)
            ],
        )
    session.flush()


def campaign_agent_rows(session: Session, campaign_id: int) -> list[dict]:
    from core.models import User

    rows = session.execute(
        select(User.id, User.username, User.display_name, User.is_senior, campaign_agents.c.trial_agent)
        .join(
            campaign_agents,
            and_(campaign_agents.c.user_id == User.id, campaign_agents.c.campaign_id == campaign_id),
        )
        .order_by(User.username)
    ).all()
    return [
        {
            "id": r.id,
            "username": r.username,
            "display_name": r.display_name,
            "is_senior": r.is_senior,
            "trial_agent": bool(r.trial_agent),
        }
        for r in rows
    ]


def is_trial_agent(session: Session, campaign_id: int, user_id: int) -> bool:
    """Only designated trial agents take calls while the campaign is in trial."""
    return bool(
        session.scalar(
            select(campaign_agents.c.trial_agent).where(
                campaign_agents.c.campaign_id == campaign_id, campaign_agents.c.user_id == user_id
            )
        )
    )
