"""voice rounds and the background-job outbox

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02

The `job` outbox (app/jobs/) that the worker runs, and the tables of voice rounds (app/voice/):
the candidate's consent, each spoken answer with its acknowledged chunks and transcript, and the
stored speech of each prompt.
"""
from __future__ import annotations

import sqlalchemy as sa
import sqlmodel  # noqa: F401
from alembic import op
from sqlalchemy.dialects import postgresql

import app.db_types

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    _create_jobs()
    _create_consent_and_speech()
    _create_voice_answers()


def _create_jobs() -> None:
    op.create_table('job',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('payload', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('run_after', app.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('locked_until', app.db_types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('lease', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('done_at', app.db_types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('failed_at', app.db_types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', app.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('job', schema=None) as batch_op:
        batch_op.create_index('ix_job_kind_key', ['kind', 'key'], unique=False)
        batch_op.create_index('ix_job_pending_run_after', ['run_after'], unique=False, postgresql_where=sa.text('done_at IS NULL AND failed_at IS NULL'), sqlite_where=sa.text('done_at IS NULL AND failed_at IS NULL'))


def _create_consent_and_speech() -> None:
    op.create_table('speech_clip',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('text_sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('model', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('voice', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('content_type', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('path', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('bytes', sa.Integer(), nullable=False),
    sa.Column('created_at', app.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('text_sha256', 'model', 'voice')
    )
    op.create_table('consent',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('interview_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('attempt_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('purpose', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('choice', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('notice_version', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('at', app.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['attempt_id'], ['round_attempt.id'], ),
    sa.ForeignKeyConstraint(['interview_id'], ['interview.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('attempt_id', 'purpose')
    )
    with op.batch_alter_table('consent', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consent_attempt_id'), ['attempt_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_consent_interview_id'), ['interview_id'], unique=False)


def _create_voice_answers() -> None:
    op.create_table('voice_answer',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('answer_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('attempt_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('mode', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('switched_at', app.db_types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('content_type', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('chunks', sa.Integer(), nullable=False),
    sa.Column('bytes', sa.Integer(), nullable=False),
    sa.Column('seconds', sa.Float(), nullable=False),
    sa.Column('parts', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('finalized_at', app.db_types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('engine', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True),
    sa.Column('notice', sa.Text(), nullable=True),
    sa.Column('segments', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('transcript', sa.Text(), nullable=False),
    sa.Column('transcribed_at', app.db_types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', app.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['answer_id'], ['answer.id'], ),
    sa.ForeignKeyConstraint(['attempt_id'], ['round_attempt.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('answer_id')
    )
    with op.batch_alter_table('voice_answer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_voice_answer_attempt_id'), ['attempt_id'], unique=False)

    op.create_table('audio_chunk',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('voice_answer_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('part', sa.Integer(), nullable=False),
    sa.Column('offset', sa.Integer(), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('total_bytes', sa.Integer(), nullable=False),
    sa.Column('received_at', app.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['voice_answer_id'], ['voice_answer.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('voice_answer_id', 'seq')
    )
    with op.batch_alter_table('audio_chunk', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audio_chunk_voice_answer_id'), ['voice_answer_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('audio_chunk', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audio_chunk_voice_answer_id'))

    op.drop_table('audio_chunk')
    with op.batch_alter_table('voice_answer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_voice_answer_attempt_id'))

    op.drop_table('voice_answer')
    with op.batch_alter_table('consent', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consent_interview_id'))
        batch_op.drop_index(batch_op.f('ix_consent_attempt_id'))

    op.drop_table('consent')
    op.drop_table('speech_clip')
    with op.batch_alter_table('job', schema=None) as batch_op:
        batch_op.drop_index('ix_job_pending_run_after', postgresql_where=sa.text('done_at IS NULL AND failed_at IS NULL'), sqlite_where=sa.text('done_at IS NULL AND failed_at IS NULL'))
        batch_op.drop_index('ix_job_kind_key')

    op.drop_table('job')
