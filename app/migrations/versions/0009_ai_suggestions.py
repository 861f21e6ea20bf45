"""AI scorecard suggestions and question analysis

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05

The tables of app/suggestions/: `ai_suggestion_set` (one model answer to an interviewer's
"Compare with AI", with model, prompt hash, time and what the server dropped) and
`ai_suggestion` (its checked suggestions, one per competency). Question analysis reads existing
tables only.
"""
from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op
from sqlalchemy.dialects import postgresql

import app.db_types

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def _json() -> sa.types.TypeEngine:
    return sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')


def upgrade() -> None:
    op.create_table('ai_suggestion_set',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('scorecard_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('requested_by_id', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('model', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('prompt_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('notice', sa.Text(), nullable=True),
    sa.Column('dropped', _json(), nullable=False),
    sa.Column('created_at', app.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['scorecard_id'], ['scorecard.id'], ),
    sa.ForeignKeyConstraint(['requested_by_id'], ['user_account.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('ai_suggestion_set', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ai_suggestion_set_scorecard_id'), ['scorecard_id'], unique=False)
    op.create_table('ai_suggestion',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('set_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('competency_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('rating', sa.Integer(), nullable=False),
    sa.Column('rationale', sa.Text(), nullable=False),
    sa.Column('quotes', _json(), nullable=False),
    sa.ForeignKeyConstraint(['set_id'], ['ai_suggestion_set.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('set_id', 'competency_id'),
    sa.CheckConstraint('rating BETWEEN 1 AND 5', name='ck_ai_suggestion_rating'),
    )
    with op.batch_alter_table('ai_suggestion', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ai_suggestion_set_id'), ['set_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('ai_suggestion', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ai_suggestion_set_id'))
    op.drop_table('ai_suggestion')
    with op.batch_alter_table('ai_suggestion_set', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ai_suggestion_set_scorecard_id'))
    op.drop_table('ai_suggestion_set')
