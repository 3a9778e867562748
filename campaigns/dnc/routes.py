"""Blueprints of the DNC feature (discovered by core.app)."""
from campaigns.dnc.api import bp as api_bp
from campaigns.dnc.views import bp as pages_bp

blueprints = [api_bp, pages_bp]
