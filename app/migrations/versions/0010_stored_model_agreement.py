"""the model's agreement with the panel, stored with the spec's other aggregates (issue: scale)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06

`spec_aggregate.model_agreement`: per competency the model's agreement with the panel (app/
suggestions/agreement.py), recomputed in the background with the spec's other aggregates and
served as stored instead of computed on every request. The stored aggregates of every spec are
computed here, with this column, from the existing data (0007 created the table and leaves the
computation to this revision, whose schema the current code reads).
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')


def upgrade() -> None:
    with op.batch_alter_table('spec_aggregate', schema=None) as batch_op:
        batch_op.add_column(sa.Column('model_agreement', JSON, nullable=False, server_default='{}'))

    from app.dashboard import aggregates
    aggregates.recompute_all(op.get_bind())


def downgrade() -> None:
    with op.batch_alter_table('spec_aggregate', schema=None) as batch_op:
        batch_op.drop_column('model_agreement')
