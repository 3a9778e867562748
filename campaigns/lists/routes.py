"""Blueprints and CLI commands of the call-list import feature (discovered by core.app)."""
from campaigns.lists.api import bp as api_bp
from campaigns.lists.cli import lists_group
from campaigns.lists.views import bp as pages_bp

blueprints = [api_bp, pages_bp]
cli_commands = [lists_group]
