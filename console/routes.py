"""Blueprints of the console package, found by the app's route discovery."""
from console.api import bp as api_bp
from console.nav import nav_items
from console.views import bp as pages_bp


@pages_bp.app_context_processor
def _navigation():
    from flask_login import current_user

    return {"nav_items": nav_items(current_user)}


blueprints = [api_bp, pages_bp]
