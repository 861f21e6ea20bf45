"""Fixtures for the candidate side: a fake clock in place of the server's."""

from __future__ import annotations

import pytest

from tests.take.helpers import FakeClock


@pytest.fixture
def clock(monkeypatch) -> FakeClock:  # type: ignore[no-untyped-def]
    """The server's clock, frozen until the test advances it."""
    fake = FakeClock()
    monkeypatch.setattr("app.clock.now", fake)
    return fake


@pytest.fixture(scope="module")
def committed_engine(tmp_path_factory):  # type: ignore[no-untyped-def]
    """A migrated database of its own whose transactions really commit (for threads and the sweeper):
    a temporary SQLite file, or a sibling `<name>_committed` database when testing on PostgreSQL."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from app.db import make_engine
    from app.migrate import upgrade
    from tests.conftest import IS_POSTGRES, TEST_DATABASE_URL, reset_database

    if IS_POSTGRES:
        url = make_url(TEST_DATABASE_URL)
        name = f"{url.database}_committed"
        admin = create_engine(url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            if not conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first():
                conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        engine = make_engine(url.set(database=name).render_as_string(hide_password=False))
        reset_database(engine)
    else:
        engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('committed') / 'take.db'}")
    with engine.begin() as conn:
        upgrade(connection=conn)
    yield engine
    engine.dispose()
