"""stored aggregates and list indexes for pages that stay fast at scale (issue: scale)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05

`interview_stat` becomes each interview's ranking row (score, status, coverage, knock-out, adjusted
score, recommendations, scorecards, sort keys) with an index per sort; `spec_aggregate` keeps the
aggregates recomputed in the background (reliability, leniency, distribution) with `computed_at`;
indexes for the interviews and candidates lists. The rows are filled from the existing data; the
aggregates (and the adjusted scores) are computed by 0010, as the current code reads tables of
later revisions.
"""
from __future__ import annotations

import sqlalchemy as sa
import sqlmodel  # noqa: F401
from alembic import op
from sqlalchemy.dialects import postgresql

import app.db_types

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')
STAT_INDEXES = {
    'ix_interview_stat_rank': ['spec_id', 'rank_key', 'interview_id'],
    'ix_interview_stat_adjusted': ['spec_id', 'adjusted_key', 'interview_id'],
    'ix_interview_stat_coverage': ['spec_id', 'coverage', 'interview_id'],
    'ix_interview_stat_created': ['spec_id', 'created_at', 'interview_id'],
}
LIST_INDEXES = (
    ('interview', 'ix_interview_created', ['created_at', 'id']),
    ('interview', 'ix_interview_spec_created', ['spec_id', 'created_at', 'id']),
    ('candidate', 'ix_candidate_created', ['created_at', 'id']),
    ('scorecard', 'ix_scorecard_interviewer_interview', ['interviewer_id', 'interview_id']),
)


def upgrade() -> None:
    with op.batch_alter_table('interview_stat', schema=None) as batch_op:
        batch_op.add_column(sa.Column('spec_version_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
        batch_op.add_column(sa.Column('created_at', app.db_types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False,
                                      server_default='provisional'))
        batch_op.add_column(sa.Column('coverage', sa.Float(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('knocked_out', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('adjusted', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('recommendations', JSON, nullable=False, server_default='{}'))
        batch_op.add_column(sa.Column('cards_submitted', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('cards_assigned', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('rank_key', sa.Float(), nullable=False, server_default='-2000'))
        batch_op.add_column(sa.Column('adjusted_key', sa.Float(), nullable=False, server_default='-1'))
        for name, columns in STAT_INDEXES.items():
            batch_op.create_index(name, columns, unique=False)
    op.create_table('spec_aggregate',
    sa.Column('spec_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('computed_at', app.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('seconds', sa.Float(), nullable=False),
    sa.Column('interviews', sa.Integer(), nullable=False),
    sa.Column('reliability', JSON, nullable=False),
    sa.Column('leniency', JSON, nullable=False),
    sa.Column('distribution', JSON, nullable=False),
    sa.ForeignKeyConstraint(['spec_id'], ['job_spec.id'], ),
    sa.PrimaryKeyConstraint('spec_id')
    )
    for table, name, columns in LIST_INDEXES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(name, columns, unique=False)

    from app.dashboard import stats
    stats.rebuild(op.get_bind())


def downgrade() -> None:
    for table, name, _ in LIST_INDEXES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(name)
    op.drop_table('spec_aggregate')
    with op.batch_alter_table('interview_stat', schema=None) as batch_op:
        for name in STAT_INDEXES:
            batch_op.drop_index(name)
        for column in ('adjusted_key', 'rank_key', 'cards_assigned', 'cards_submitted', 'recommendations',
                       'adjusted', 'knocked_out', 'coverage', 'status', 'created_at', 'spec_version_id'):
            batch_op.drop_column(column)
