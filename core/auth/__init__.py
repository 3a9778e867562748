"""Authentication (web sessions, API tokens) and role checks."""
from core.auth.access import current_user, login_manager, roles_required

__all__ = ["current_user", "login_manager", "roles_required"]
