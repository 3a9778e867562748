"""Eligibility dry-run for a campaign: how many leads each rule excludes now,
so a manager sees why the hopper is empty.  Streams the leads in chunks."""
from __future__ import annotations

from collections import Counter
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from campaigns.models import Campaign, Lead
from dialer.eligibility import dry_run
from dialer.refill import candidate_zones, gate_inputs, lead_view
from dialer.rules import DncView, History

CHUNK = 2000


def campaign_dry_run(session: Session, campaign: Campaign, now: datetime, centre_tz: str,
                     caller_id_available: bool | None = None) -> dict:
    from campaigns.callerids.service import campaign_candidates
    from campaigns.callerids.rotation import usable

    if caller_id_available is None:
        caller_id_available = any(usable(c, now) for c in campaign_candidates(session, campaign.id, now, centre_tz))
    totals: Counter = Counter({"ELIGIBLE": 0, "TOTAL": 0})
    last_id = 0
    while True:
        leads = list(session.scalars(select(Lead).where(Lead.campaign_id == campaign.id, Lead.id > last_id)
                                     .order_by(Lead.id).limit(CHUNK)))
        if not leads:
            break
        last_id = leads[-1].id
        rules, dnc, hist = gate_inputs(session, campaign, leads, now, centre_tz)
        if not caller_id_available:
            from dataclasses import replace

            rules = replace(rules, caller_id_available=False)
        views = [lead_view(lead, () if lead.timezone else candidate_zones(lead.phone_e164)) for lead in leads]
        totals.update(dry_run(views, rules, lambda v: dnc.get(v.phone_e164, DncView()),
                              lambda v: hist.get(v.phone_e164, History()), now))
    reasons = {k: v for k, v in totals.items() if k not in ("ELIGIBLE", "TOTAL")}
    return {"campaign_id": campaign.id, "at": now.isoformat(), "total": totals["TOTAL"],
            "eligible": totals["ELIGIBLE"], "excluded_by": dict(sorted(reasons.items(), key=lambda kv: -kv[1]))}
