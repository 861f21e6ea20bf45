"""staff links and the mail outbox

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04

`mail_message` (app/mail/): every rendered message with its delivery state; `staff_link`
(app/staff/): the hashed one-time links of staff invitations and password resets.
"""
from __future__ import annotations

import sqlalchemy as sa
import sqlmodel  # noqa: F401
from alembic import op

import app.db_types

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    _create_mail()
    _create_staff_links()


def _create_mail() -> None:
    op.create_table('mail_message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('template', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('to_addr', sqlmodel.sql.sqltypes.AutoString(length=320), nullable=False),
    sa.Column('to_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('subject', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('text_body', sa.Text(), nullable=False),
    sa.Column('html_body', sa.Text(), nullable=False),
    sa.Column('holds_secret', sa.Boolean(), nullable=False),
    sa.Column('message_id', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('smtp_response', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.Column('created_at', app.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('sent_at', app.db_types.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('key')
    )
    with op.batch_alter_table('mail_message', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mail_message_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_mail_message_template'), ['template'], unique=False)
        batch_op.create_index(batch_op.f('ix_mail_message_to_addr'), ['to_addr'], unique=False)


def _create_staff_links() -> None:
    op.create_table('staff_link',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('user_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('purpose', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('token_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('expires_at', app.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('used_at', app.db_types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_by_id', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('created_at', app.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token_hash')
    )
    with op.batch_alter_table('staff_link', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_link_user_id'), ['user_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('staff_link', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_link_user_id'))
    op.drop_table('staff_link')
    with op.batch_alter_table('mail_message', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mail_message_to_addr'))
        batch_op.drop_index(batch_op.f('ix_mail_message_template'))
        batch_op.drop_index(batch_op.f('ix_mail_message_status'))
    op.drop_table('mail_message')
