"""consent, self-identification and erasure of candidate data

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05

* `candidate.erased_at`: when the person was erased (app/privacy/erasure.py).
* `self_identification`: voluntary answers, in a table of their own.
* `audit_event.redacted_at`, and the append-only triggers of 0001 replaced by ones that accept
  exactly one kind of UPDATE: the redaction of an entry's personal data.

How the audit log stays append-only (the database enforces it, whatever the application does):
DELETE is refused as before; an UPDATE is refused unless it is a redaction, that is all of
- the row was never redacted (`OLD.redacted_at IS NULL`) and now is (`NEW.redacted_at IS NOT NULL`):
  a row is redacted at most once, and a redaction cannot be undone or rewritten;
- `id`, `at`, `actor_id`, `actor`, `action`, `object_type` and `object_id` are unchanged: who did
  what to which object, and when, stays exactly as written;
- the new `detail` is a JSON object whose `redacted` member is `true`, so every redacted entry says
  so itself (app/privacy/erasure.py keeps the non-personal facts, such as ratings, beside it).
Any other UPDATE raises "audit_event is append-only", as every UPDATE did before.
"""
from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

import app.db_types

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

APPEND_ONLY_MESSAGE = "audit_event is append-only"
_SAME = ("NEW.id = OLD.id AND NEW.at = OLD.at AND NEW.actor_id IS {same} OLD.actor_id AND NEW.actor = OLD.actor "
         "AND NEW.action = OLD.action AND NEW.object_type = OLD.object_type AND NEW.object_id = OLD.object_id")
SQLITE_REDACTION = ("OLD.redacted_at IS NULL AND NEW.redacted_at IS NOT NULL AND " + _SAME.format(same="")
                    + " AND json_valid(NEW.detail) AND json_extract(NEW.detail, '$.redacted') IS 1")
POSTGRES_REDACTION = ("OLD.redacted_at IS NULL AND NEW.redacted_at IS NOT NULL AND "
                      + _SAME.format(same="NOT DISTINCT FROM")
                      + " AND jsonb_typeof(NEW.detail) = 'object' AND NEW.detail -> 'redacted' = 'true'::jsonb")


def upgrade() -> None:
    with op.batch_alter_table('candidate', schema=None) as batch_op:
        batch_op.add_column(sa.Column('erased_at', app.db_types.UTCDateTime(timezone=True), nullable=True))
    op.create_table('self_identification',
    sa.Column('candidate_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('sex', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('race_ethnicity', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('updated_at', app.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['candidate_id'], ['candidate.id'], ),
    sa.PrimaryKeyConstraint('candidate_id')
    )
    _drop_append_only()
    # A plain ADD COLUMN (no batch copy of the table, whose triggers are gone only for this moment).
    op.add_column('audit_event', sa.Column('redacted_at', app.db_types.UTCDateTime(timezone=True), nullable=True))
    _create_append_only(POSTGRES_REDACTION, SQLITE_REDACTION)


def _drop_append_only() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_change ON audit_event")
        op.execute("DROP FUNCTION IF EXISTS audit_event_append_only()")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_delete")


def _create_append_only(postgres_allowed: str | None, sqlite_allowed: str | None) -> None:
    """The triggers of 0001, with one allowed UPDATE when `*_allowed` is given."""
    if op.get_bind().dialect.name == "postgresql":
        allow = f"IF TG_OP = 'UPDATE' AND {postgres_allowed} THEN RETURN NEW; END IF; " if postgres_allowed else ""
        op.execute(
            "CREATE FUNCTION audit_event_append_only() RETURNS trigger AS $$ "
            f"BEGIN {allow}RAISE EXCEPTION '{APPEND_ONLY_MESSAGE}'; END; $$ LANGUAGE plpgsql"
        )
        op.execute(
            "CREATE TRIGGER audit_event_no_change BEFORE UPDATE OR DELETE ON audit_event "
            "FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()"
        )
        return
    when = f" WHEN NOT ({sqlite_allowed})" if sqlite_allowed else ""
    op.execute(f"CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event{when} "
               f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END")
    op.execute("CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event "
               f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END")


def downgrade() -> None:
    _drop_append_only()
    op.drop_column('audit_event', 'redacted_at')
    _create_append_only(None, None)
    op.drop_table('self_identification')
    with op.batch_alter_table('candidate', schema=None) as batch_op:
        batch_op.drop_column('erased_at')
