"""Do-not-call list management: add or remove one number, bulk import (a
named registry file or into the global / a campaign's list), search, export.

Every change is audited in its own transaction.  After the transaction
commits, `announce_added` takes the numbers out of every hopper (or the
campaign's) at once and tells the other processes on `events:dnc`.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

from campaigns.lists.i18n import Message as _l
from sqlalchemy import func, insert, or_, select

from campaigns.lists.mapping import suggest
from campaigns.lists.normalise import Normalised, Normaliser
from campaigns.lists.rejects import safe_cell
from campaigns.lists.sources import SourceError, inspect, rows
from campaigns.models import Campaign, DncEntry
from core import audit
from core.clock import utcnow

log = logging.getLogger(__name__)
INSERT_CHUNK = 5000


class DncProblem(Exception):
    def __init__(self, status: int, message, field: str = "_schema"):
        super().__init__(str(message))
        self.status, self.message, self.field = status, message, field


@dataclass
class Scope:
    value: str  # "global" or the campaign id as text (the column's convention)
    campaign_id: int | None
    region: str


def scope_for(session, scope: str, campaign_id: int | None) -> Scope:
    if scope == "global":
        return Scope("global", None, "CN" if campaign_id is None else _region(session, campaign_id))
    if campaign_id is None:
        raise DncProblem(422, _l("A campaign DNC entry needs a campaign."), "campaign_id")
    return Scope(str(campaign_id), campaign_id, _region(session, campaign_id))


def _region(session, campaign_id: int) -> str:
    campaign = session.get(Campaign, campaign_id)
    if campaign is None:
        raise DncProblem(404, _l("Campaign not found."), "campaign_id")
    return campaign.default_region or "CN"


def normalise(raw: str, region: str) -> str:
    res = Normaliser(region).normalise((raw or "").strip())
    if not isinstance(res, Normalised):
        raise DncProblem(422, _l("%(raw)s is not a valid phone number.", raw=raw), "phone")
    return res.e164


def add(session, phone: str, scope: Scope, reason: str | None, user_id, source: str = "manual") -> DncEntry:
    e164 = normalise(phone, scope.region)
    existing = session.scalar(select(DncEntry).where(DncEntry.phone_e164 == e164, DncEntry.scope == scope.value))
    if existing is not None:
        raise DncProblem(409, _l("%(phone)s is already on this do-not-call list.", phone=e164), "phone")
    entry = DncEntry(phone_e164=e164, scope=scope.value, campaign_id=scope.campaign_id, source=source,
                     reason=reason, created_by=user_id)
    session.add(entry)
    session.flush()
    audit.record(session, user_id, "dnc.add", "dnc_entry", entry.id, reason,
                 {"phone": e164, "scope": scope.value, "source": source})
    return entry


def remove(session, entry: DncEntry, reason: str, user_id) -> dict:
    gone = {"phone": entry.phone_e164, "scope": entry.scope, "campaign_id": entry.campaign_id,
            "source": entry.source, "registry_name": entry.registry_name}
    audit.record(session, user_id, "dnc.remove", "dnc_entry", entry.id, reason, gone)
    session.delete(entry)
    return gone


def search(session, q: str | None = None, scope: str | None = None, campaign_id: int | None = None,
           registry_name: str | None = None, limit: int = 50, offset: int = 0) -> tuple[list[DncEntry], int]:
    stmt = select(DncEntry)
    if q:
        digits = "".join(ch for ch in q if ch.isdigit())
        conditions = [DncEntry.reason.ilike(f"%{q}%")]
        if digits:
            conditions.append(DncEntry.phone_e164.like(f"%{digits}%"))
        stmt = stmt.where(or_(*conditions))
    if scope == "global":
        stmt = stmt.where(DncEntry.scope == "global")
    elif scope == "campaign" or campaign_id is not None:
        stmt = stmt.where(DncEntry.scope != "global")
        if campaign_id is not None:
            stmt = stmt.where(DncEntry.campaign_id == campaign_id)
    if registry_name:
        stmt = stmt.where(DncEntry.registry_name == registry_name)
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    entries = session.scalars(stmt.order_by(DncEntry.id.desc()).limit(limit).offset(offset)).all()
    return list(entries), total


def check_file(path: str, filename: str, encoding: str | None = None):
    """The file's layout, or DncProblem when it is not a readable table
    (empty, binary, a broken or locked XLSX...): checked before queueing."""
    try:
        return inspect(path, filename, encoding=encoding)
    except SourceError as exc:
        raise DncProblem(422, exc.message, "file") from None


def bulk_import(session, path: str, filename: str, scope: Scope, user_id, registry_name: str | None = None,
                reason: str | None = None, encoding: str | None = None) -> dict:
    """Add every valid number of a CSV/TXT/XLSX file; numbers already listed
    in this scope are counted, not duplicated.  Returns the counts and the
    numbers added (for `announce_added`)."""
    info = check_file(path, filename, encoding)
    normaliser = Normaliser(scope.region)
    looks = lambda v: isinstance(normaliser.normalise(v or ""), Normalised)  # noqa: E731
    sample = [c for _, c in rows(path, info, limit=20) if c is not None]
    phone_cols = suggest(info.header, sample, looks)["phone"]
    column = info.header.index(phone_cols[0]) if phone_cols else 0
    existing = {p for (p,) in session.execute(select(DncEntry.phone_e164).where(DncEntry.scope == scope.value))}
    source = "registry" if registry_name else "import"
    now = utcnow()
    added: list[str] = []
    invalid = already = total = 0
    pending: list[dict] = []
    try:
        for _, cells in rows(path, info):
            total += 1
            raw = cells[column] if cells is not None and column < len(cells) else ""
            res = normaliser.normalise(raw)
            if not isinstance(res, Normalised):
                invalid += 1
                continue
            if res.e164 in existing:
                already += 1
                continue
            existing.add(res.e164)
            added.append(res.e164)
            pending.append({"phone_e164": res.e164, "scope": scope.value, "campaign_id": scope.campaign_id,
                            "source": source, "registry_name": registry_name, "reason": reason,
                            "created_by": user_id, "created_at": now})
            if len(pending) >= INSERT_CHUNK:
                session.execute(insert(DncEntry), pending)
                pending = []
    except UnicodeDecodeError:
        raise DncProblem(422, _l("The file is not valid %(enc)s text. Choose another encoding.",
                                 enc=info.encoding), "encoding") from None
    if pending:
        session.execute(insert(DncEntry), pending)
    summary = {"rows": total, "added": len(added), "already_listed": already, "invalid": invalid,
               "scope": scope.value, "registry_name": registry_name}
    audit.record(session, user_id, "dnc.bulk_import", "dnc_list", scope.value, reason,
                 {**summary, "filename": filename})
    summary["numbers"] = added
    return summary


def export_rows(session, scope: str | None = None, campaign_id: int | None = None, registry_name: str | None = None):
    yield ["phone_e164", "scope", "campaign_id", "source", "registry_name", "reason", "created_at"]
    stmt = select(DncEntry.phone_e164, DncEntry.scope, DncEntry.campaign_id, DncEntry.source, DncEntry.registry_name,
                  DncEntry.reason, DncEntry.created_at).order_by(DncEntry.id)
    if scope == "global":
        stmt = stmt.where(DncEntry.scope == "global")
    elif scope == "campaign" or campaign_id is not None:
        stmt = stmt.where(DncEntry.scope != "global")
        if campaign_id is not None:
            stmt = stmt.where(DncEntry.campaign_id == campaign_id)
    if registry_name:
        stmt = stmt.where(DncEntry.registry_name == registry_name)
    for row in session.execute(stmt.execution_options(yield_per=5000)):
        # numbers are validated E.164; the free text could carry a spreadsheet formula
        yield [row[0], row[1], "" if row[2] is None else str(row[2]), row[3], safe_cell(row[4]),
               safe_cell(row[5]), row[6].isoformat() if row[6] else ""]


def announce_added(client, numbers: list[str], campaign_id: int | None, details: dict) -> int:
    """After commit: take the numbers out of the hoppers (all campaigns' for a
    global entry) and publish the change.  Returns how many queued leads left."""
    from core.events import DNC_EVENTS, publish

    removed = purge_from_hoppers(client, numbers, campaign_id)
    publish(client, DNC_EVENTS, {"type": "added", "numbers": numbers[:1000], "count": len(numbers),
                                 "campaign_id": campaign_id, "removed_from_hoppers": removed, "at": utcnow(),
                                 **details})
    return removed


def announce_removed(client, gone: dict) -> None:
    from core.events import DNC_EVENTS, publish

    publish(client, DNC_EVENTS, {"type": "removed", **gone, "at": utcnow()})


def purge_from_hoppers(client, numbers: list[str], campaign_id: int | None) -> int:
    try:
        from dialer.hopper import purge_number  # the dialer's module; imported late on purpose
    except ImportError:  # pragma: no cover - only before the dialer ships its hopper
        log.warning("dialer.hopper not available: %d DNC numbers not purged from hoppers", len(numbers))
        return 0
    if len(numbers) <= 50:
        return sum(purge_number(client, phone, campaign_id) for phone in numbers)
    # A registry file can add many thousands of numbers: find the ones actually
    # queued by reading each hopper's number table once (layout documented in
    # dialer/hopper.py), then purge only those.
    wanted = set(numbers)
    campaigns = [campaign_id] if campaign_id is not None else [
        c.decode() if isinstance(c, bytes) else c for c in client.smembers("hoppers")]
    removed = 0
    for cid in campaigns:
        queued = {v.decode() if isinstance(v, bytes) else v for v in client.hvals(f"hopper:{cid}:phone")}
        for phone in queued & wanted:
            removed += purge_number(client, phone, int(cid))
    return removed
