"""dashboard running totals

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21

Tables behind constant-time dashboards (app/dashboard/stats.py), filled from the existing rows.
"""
from __future__ import annotations

import sqlalchemy as sa
import sqlmodel  # noqa: F401
from alembic import op
from sqlalchemy.dialects import postgresql

import app.db_types  # noqa: F401

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('interview_stat',
    sa.Column('interview_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('spec_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('completed', sa.Boolean(), nullable=False),
    sa.Column('overall', sa.Float(), nullable=True),
    sa.Column('scores', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.ForeignKeyConstraint(['interview_id'], ['interview.id'], ),
    sa.ForeignKeyConstraint(['spec_id'], ['job_spec.id'], ),
    sa.PrimaryKeyConstraint('interview_id')
    )
    with op.batch_alter_table('interview_stat', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_interview_stat_spec_id'), ['spec_id'], unique=False)

    op.create_table('spec_stat',
    sa.Column('spec_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('interviews', sa.Integer(), nullable=False),
    sa.Column('completed', sa.Integer(), nullable=False),
    sa.Column('overall_sum', sa.Float(), nullable=False),
    sa.Column('overall_n', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['spec_id'], ['job_spec.id'], ),
    sa.PrimaryKeyConstraint('spec_id')
    )
    op.create_table('spec_competency_stat',
    sa.Column('spec_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('competency_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('score_sum', sa.Float(), nullable=False),
    sa.Column('n', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['spec_id'], ['job_spec.id'], ),
    sa.PrimaryKeyConstraint('spec_id', 'competency_id')
    )

    from app.dashboard import stats
    stats.rebuild(op.get_bind())


def downgrade() -> None:
    op.drop_table('spec_competency_stat')
    op.drop_table('spec_stat')
    with op.batch_alter_table('interview_stat', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_interview_stat_spec_id'))
    op.drop_table('interview_stat')
