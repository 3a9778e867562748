"""API tokens: shown once at creation, stored as SHA-256 only."""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.models import ApiToken, User

PREFIX = "dlr_"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(session: Session, user: User, name: str, expires_at: datetime | None = None) -> tuple[ApiToken, str]:
    """Create a token for `user`; returns the row and the clear token (never stored)."""
    clear = PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(user=user, name=name, token_hash=_digest(clear), prefix=clear[:10], expires_at=expires_at)
    session.add(row)
    session.flush()
    return row, clear


def user_for_token(session: Session, clear: str, now: datetime) -> User | None:
    if not clear.startswith(PREFIX) or len(clear) > 200:
        return None
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(clear)))
    if row is None or row.revoked or (row.expires_at is not None and row.expires_at <= now):
        return None
    if not row.user.active:
        return None
    row.last_used_at = now
    return row.user
