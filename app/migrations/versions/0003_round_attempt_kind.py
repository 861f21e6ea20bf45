"""round attempts keep their kind

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21

An attempt records its round's kind at the start (app/take/fastsave.py saves written rounds in one
statement). Attempts already started keep NULL and take the general autosave path.
"""
from __future__ import annotations

import sqlalchemy as sa
import sqlmodel  # noqa: F401
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('round_attempt', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('round_attempt', schema=None) as batch_op:
        batch_op.drop_column('kind')
