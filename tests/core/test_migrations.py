"""The migrations build exactly the models' schema."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

import core.all_models as models
from core.db import make_engine


def test_autogenerate_finds_no_difference(_schema):
    engine = make_engine(_schema)
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(ctx, models.metadata)
    engine.dispose()
    assert diff == []
