"""Append to the audit log.  Call inside the transaction that makes the change,
so the change and its record commit together."""
from __future__ import annotations

from sqlalchemy.orm import Session

from core.clock import utcnow
from core.models import AuditLog, User


def record(
    session: Session,
    actor: User | int | None,
    action: str,
    object_type: str,
    object_id: object = None,
    reason: str | None = None,
    details: dict | None = None,
) -> AuditLog:
    actor_id = actor.id if isinstance(actor, User) else actor
    remote = None
    try:
        from flask import has_request_context, request

        if has_request_context():
            remote = request.remote_addr
    except ImportError:  # pragma: no cover - flask is always installed
        pass
    row = AuditLog(
        at=utcnow(),
        actor_id=actor_id,
        action=action,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        reason=reason,
        details=details or {},
        remote_addr=remote,
    )
    session.add(row)
    return row
