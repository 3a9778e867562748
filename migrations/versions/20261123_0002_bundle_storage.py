"""delivery bundles remember the store they were put in

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 19:00:00
"""
import os
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0002'
down_revision: Union[str, None] = '0001'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    # Bundles built so far went to the store configured at the time; the one
    # configured now is the best guess (a switch made them unreachable anyway).
    existing = os.environ.get("ARCHIVE_STORAGE") or "local"
    with op.batch_alter_table('delivery_bundles') as batch:
        batch.add_column(sa.Column('storage', sa.String(length=8), nullable=False, server_default=existing))
    with op.batch_alter_table('delivery_bundles') as batch:
        batch.alter_column('storage', server_default=None)


def downgrade() -> None:
    with op.batch_alter_table('delivery_bundles') as batch:
        batch.drop_column('storage')
