"""The audit log stays append-only in the database after migration 0008: the one UPDATE it accepts
is a redaction (detail marked redacted, redacted_at set once, nothing else changed)."""

from __future__ import annotations

import json

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError
from sqlmodel import SQLModel

import app.consent.models  # noqa: F401
from app.migrate import upgrade
from app.privacy.erasure import redacted_detail
from tests.test_migrations import scratch  # noqa: F401  (the empty-database fixture)

INSERT = ("INSERT INTO audit_event (at, actor, action, object_type, object_id, detail) "
          "VALUES (CURRENT_TIMESTAMP, 'rater@example.test', 'scorecard.submit', 'scorecard', 'c1', :detail)")
REDACT = "UPDATE audit_event SET detail = :detail, redacted_at = CURRENT_TIMESTAMP"


def refused(conn, statement: str, **params) -> bool:  # type: ignore[no-untyped-def]
    try:
        conn.execute(text(statement), params)
    except DatabaseError as exc:
        conn.rollback()
        assert "append-only" in str(exc)
        return True
    conn.commit()
    return False


def test_audit_log_accepts_only_a_redaction(scratch):  # noqa: F811
    upgrade(connection=scratch)
    scratch.commit()
    personal = {"values": {"ratings": {"a": 4}, "notes": {"a": "a note quoting the answer"}}}
    scratch.execute(text(INSERT), {"detail": json.dumps(personal)})
    scratch.commit()
    marked = json.dumps(redacted_detail("scorecard.submit", personal))
    assert refused(scratch, "DELETE FROM audit_event")
    assert refused(scratch, "UPDATE audit_event SET actor = 'someone else'")
    assert refused(scratch, "UPDATE audit_event SET detail = :detail", detail=json.dumps({"values": {}}))
    assert refused(scratch, REDACT, detail=json.dumps({"values": {}}))  # not marked redacted
    assert refused(scratch, REDACT + ", action = 'other'", detail=marked)  # changes what happened
    assert not refused(scratch, REDACT, detail=marked)
    row = scratch.execute(text("SELECT detail, redacted_at, actor, action FROM audit_event")).one()
    detail = row[0] if isinstance(row[0], dict) else json.loads(row[0])
    assert detail == {"values": {"ratings": {"a": 4}}, "redacted": True} and row[1] is not None
    assert tuple(row[2:]) == ("rater@example.test", "scorecard.submit")
    assert refused(scratch, REDACT, detail=marked)  # once only: no rewriting a redacted entry
    assert refused(scratch, "UPDATE audit_event SET redacted_at = NULL")
    assert refused(scratch, "DELETE FROM audit_event")


def test_privacy_tables_match_the_migration(engine):
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    mine = [d for d in diff if any(w in str(d) for w in ("self_identification", "erased_at", "redacted_at"))]
    assert mine == []
