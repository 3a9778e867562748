"""Imports every model module so Base.metadata holds the whole schema
(Alembic, tests and create_app import this one module)."""
import campaigns.models  # noqa: F401
import core.models  # noqa: F401
import dialer.models  # noqa: F401
import recordings.models  # noqa: F401
import reports.models  # noqa: F401
import scripts_mgmt.models  # noqa: F401
from core.db import Base

metadata = Base.metadata
