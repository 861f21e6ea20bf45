"""Migrations upgrade, downgrade and upgrade again on the test database's engine kind; the
audit log refuses changes in the database itself."""

import uuid

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import DatabaseError

from app.db import Session, make_engine
from app.migrate import downgrade, upgrade
from tests.conftest import IS_POSTGRES, TEST_DATABASE_URL, load_shipped
from tests.dashboard.helpers import scored_interview

TABLES = {"user_account", "api_token", "web_session", "job_spec", "job_spec_version", "question", "candidate",
          "interview", "round_attempt", "answer", "answer_revision", "scorecard", "rating", "must_have_check",
          "audit_event", "rate_limit_hit"}


@pytest.fixture
def scratch(tmp_path):
    """A connection to an empty database (a fresh SQLite file, or a fresh Postgres schema)."""
    if not IS_POSTGRES:
        engine = make_engine(f"sqlite:///{tmp_path / 'scratch.db'}")
        with engine.connect() as conn:
            yield conn
        engine.dispose()
        return
    engine = make_engine(TEST_DATABASE_URL)
    schema = f"mig_{uuid.uuid4().hex[:8]}"
    with engine.connect() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
        conn.execute(text(f"SET search_path TO {schema}"))
        conn.commit()
        try:
            yield conn
        finally:
            conn.rollback()
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
            conn.commit()
    engine.dispose()


def table_names(conn):
    return set(inspect(conn).get_table_names()) - {"alembic_version"}


def test_migrations_upgrade_downgrade_upgrade(scratch):
    upgrade(connection=scratch)
    scratch.commit()
    assert TABLES <= table_names(scratch)
    downgrade(connection=scratch)
    scratch.commit()
    assert table_names(scratch) == set()
    upgrade(connection=scratch)
    scratch.commit()
    assert TABLES <= table_names(scratch)


def test_audit_log_is_append_only_in_the_database(scratch):
    upgrade(connection=scratch)
    scratch.commit()
    scratch.execute(text("INSERT INTO audit_event (at, actor, action, object_type, object_id, detail) "
                         "VALUES (CURRENT_TIMESTAMP, 'x', 'a', 't', '1', '{}')"))
    scratch.commit()
    with pytest.raises(DatabaseError, match="append-only"):
        scratch.execute(text("UPDATE audit_event SET actor = 'y'"))
    scratch.rollback()
    with pytest.raises(DatabaseError, match="append-only"):
        scratch.execute(text("DELETE FROM audit_event"))
    scratch.rollback()


def test_a_database_with_specs_upgrades_from_before_the_stored_aggregates(scratch):
    # 0007 and 0010 compute from existing rows with the current code: it must not read tables or
    # columns of later revisions while an older database passes through them.
    upgrade(connection=scratch, revision="0006")
    scratch.execute(text("INSERT INTO job_spec (id, slug, current_version, created_at, updated_at) "
                         "VALUES ('spec-1', 'old-spec', 0, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"))
    scratch.commit()
    upgrade(connection=scratch)
    scratch.commit()
    stored = scratch.execute(text("SELECT spec_id, interviews, model_agreement FROM spec_aggregate")).all()
    assert [(row[0], row[1]) for row in stored] == [("spec-1", 0)]
    assert stored[0][2] in ({}, "{}")
    downgrade(connection=scratch, revision="0009")
    scratch.commit()
    assert "model_agreement" not in {c["name"] for c in inspect(scratch).get_columns("spec_aggregate")}


def test_upgrading_past_0011_brings_stored_overalls_to_nine_decimal_places(scratch):
    # Ratings of 1 and 2 on these two competencies make 12.5, which the code before 0011 stored as
    # 12.499999999999998 (0.3 * 12.5 + 0.25 * 12.5, over 0.55).
    upgrade(connection=scratch)
    scratch.commit()
    pair = ("financial_systems_design", "distributed_systems_reliability")
    with Session(bind=scratch) as session:
        load_shipped(session)
        scored_interview(session, [{"ratings": dict.fromkeys(pair, 1)}, {"ratings": dict.fromkeys(pair, 2)}])
        session.commit()
    assert scratch.execute(text("SELECT overall, rank_key FROM interview_stat")).one() == (12.5, 12.5)
    scratch.execute(text("UPDATE interview_stat SET overall = 12.499999999999998, rank_key = 12.499999999999998"))
    scratch.execute(text("UPDATE spec_stat SET overall_sum = 12.499999999999998 WHERE overall_n = 1"))
    scratch.execute(text("UPDATE alembic_version SET version_num = '0010'"))
    scratch.commit()
    upgrade(connection=scratch)
    scratch.commit()
    assert scratch.execute(text("SELECT overall, rank_key FROM interview_stat")).one() == (12.5, 12.5)
    assert scratch.execute(text("SELECT overall_sum FROM spec_stat WHERE overall_n = 1")).scalar_one() == 12.5
