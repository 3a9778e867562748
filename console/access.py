"""Who sees what: an agent its own campaigns (campaign_agents) and calls; a
supervisor the agents of the teams it leads; managers and admins everyone."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from campaigns.models import Campaign, CampaignState, campaign_agents
from core.models import Role, Team, User, team_members

# A campaign an agent may pick: one that is or may soon be dialling.
PICKABLE = (CampaignState.TRIAL, CampaignState.APPROVED, CampaignState.LIVE, CampaignState.PAUSED)
# Campaigns a wallboard shows.
WATCHED = (CampaignState.TRIAL, CampaignState.APPROVED, CampaignState.LIVE, CampaignState.PAUSED,
           CampaignState.STOPPED)


def agent_campaigns(session: Session, user: User) -> list[tuple[Campaign, bool]]:
    """The campaigns the user is assigned to, with the trial-agent flag (an
    admin, who is assigned nowhere, gets every campaign that can dial)."""
    if user.role is Role.ADMIN:
        rows = session.scalars(select(Campaign).where(Campaign.state.in_(PICKABLE)).order_by(Campaign.code))
        return [(c, True) for c in rows]
    q = (select(Campaign, campaign_agents.c.trial_agent)
         .join(campaign_agents, campaign_agents.c.campaign_id == Campaign.id)
         .where(campaign_agents.c.user_id == user.id).order_by(Campaign.code))
    return [(c, bool(trial)) for c, trial in session.execute(q)]


def may_work_on(session: Session, user: User, campaign_id: int) -> Campaign | None:
    for campaign, _trial in agent_campaigns(session, user):
        if campaign.id == campaign_id:
            return campaign
    return None


def visible_agents(session: Session, user: User) -> list[User]:
    """The agents a wallboard viewer may watch."""
    q = select(User).where(User.role == Role.AGENT, User.active.is_(True))
    if user.role is Role.SUPERVISOR:
        teams = select(Team.id).where(Team.supervisor_id == user.id)
        q = q.where(User.id.in_(select(team_members.c.user_id).where(team_members.c.team_id.in_(teams))))
    return list(session.scalars(q.order_by(User.username)))


def watched_campaigns(session: Session, user: User, agent_ids: list[int]) -> list[Campaign]:
    """Campaigns on the wallboard: for a supervisor those its agents work on."""
    q = select(Campaign).where(Campaign.state.in_(WATCHED))
    if user.role is Role.SUPERVISOR:
        q = q.where(Campaign.id.in_(select(campaign_agents.c.campaign_id)
                                    .where(campaign_agents.c.user_id.in_(agent_ids or [-1]))))
    return list(session.scalars(q.order_by(Campaign.code)))
