"""Who is asking: session cookie for pages, bearer token for the API; role checks."""
from __future__ import annotations

from functools import wraps

from flask import abort, request
from flask_login import LoginManager, current_user

from core.clock import utcnow
from core.db import db
from core.models import Role, User

login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.session_protection = "strong"


@login_manager.user_loader
def _load_user(user_id: str) -> User | None:
    if not user_id.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    return user if user is not None and user.active else None


@login_manager.request_loader
def _load_from_token(req) -> User | None:
    header = req.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        return None
    from core.auth.tokens import user_for_token

    user = user_for_token(db.session, header[7:].strip(), utcnow())
    if user is not None:
        req.environ["dialer.token_auth"] = True
        db.session.commit()  # keep last_used_at
    return user


def token_authenticated() -> bool:
    return bool(request.environ.get("dialer.token_auth"))


def roles_required(*roles: Role):
    """Allow authenticated users with one of `roles` (admin always passes).

    With no roles given, any authenticated user passes.  Every view and API
    endpoint is wrapped by this; a test enumerates the routes to prove it.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if roles and not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        wrapper.required_roles = roles  # read by the route-enumeration test
        return wrapper

    return decorator


def public(view):
    """Marks a view that answers without authentication (login, health)."""
    view.public = True
    return view


__all__ = ["current_user", "login_manager", "public", "roles_required", "token_authenticated"]
