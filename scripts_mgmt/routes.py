"""Blueprints of the scripts package, found by the app's route discovery."""

from scripts_mgmt.api import bp as api_bp
from scripts_mgmt.views import bp as pages_bp

blueprints = [api_bp, pages_bp]
