"""The variables a script may use: built-ins (agent, campaign, masked phone)
and the lead's imported columns (`Lead.fields` keys).  Built-ins win over an
imported column of the same name, so an import cannot spoof the agent's name.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

BUILTIN_VARIABLES = ("agent_name", "campaign_name", "client_name", "lead_name", "phone_masked")
# Leads looked at per import batch when collecting a campaign's column names:
# rows of one batch share their columns, so a few rows are enough.
LEADS_PER_BATCH = 20


def mask_phone(number: str | None) -> str:
    """Show the start and the last four digits: +86138****5678."""
    if not number:
        return ""
    digits = number.strip()
    if len(digits) <= 7:
        return digits[:-2] + "**" if len(digits) > 2 else "**"
    return digits[: len(digits) - 8] + "****" + digits[-4:]


def lead_values(lead, agent, campaign) -> dict:
    """Variable name → value for rendering a script for this lead and agent."""
    values: dict = {}
    fields = getattr(lead, "fields", None) or {}
    if isinstance(fields, dict):
        values.update({str(k): v for k, v in fields.items()})
    values.update(
        {
            "agent_name": (agent.display_name or agent.username) if agent is not None else None,
            "campaign_name": campaign.name if campaign is not None else None,
            "client_name": campaign.client_name if campaign is not None else None,
            "lead_name": getattr(lead, "name", None),
            "phone_masked": mask_phone(getattr(lead, "phone_e164", None)) or None,
        }
    )
    return values


def campaign_field_names(session: Session, campaign_id: int | None) -> set[str]:
    """Column names present in the campaign's leads (a few leads per import batch)."""
    from campaigns.models import Lead

    if campaign_id is None:
        return set()
    batches = session.scalars(select(Lead.batch_id).where(Lead.campaign_id == campaign_id).distinct()).all()
    names: set[str] = set()
    for batch_id in batches:
        batch_filter = Lead.batch_id.is_(None) if batch_id is None else Lead.batch_id == batch_id
        rows = session.scalars(
            select(Lead.fields)
            .where(Lead.campaign_id == campaign_id, batch_filter)
            .order_by(Lead.id)
            .limit(LEADS_PER_BATCH)
        ).all()
        for fields in rows:
            if isinstance(fields, dict):
                names.update(str(k) for k in fields)
    return names


def unknown_variables(used: list[str], field_names: set[str]) -> list[str]:
    """Variables a content uses that neither a built-in nor a lead column provides."""
    return [name for name in used if name not in BUILTIN_VARIABLES and name not in field_names]
