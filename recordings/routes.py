"""Blueprints and CLI commands of the recordings package, found by the app's discovery."""
from recordings.api import bp as api_bp
from recordings.cli import group as recordings_cli
from recordings.views import bp as pages_bp

blueprints = [api_bp, pages_bp]
cli_commands = [recordings_cli]
