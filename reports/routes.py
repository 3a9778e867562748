"""Blueprints of the reports package, found by the app's route discovery."""
from reports.api import bp as api_bp
from reports.views import bp as pages_bp

blueprints = [api_bp, pages_bp]
