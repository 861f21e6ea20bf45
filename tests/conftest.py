"""Test harness: a real database (SQLite by default, PostgreSQL when TEST_DATABASE_URL is set),
migrated once per run, and each test inside a transaction that is rolled back afterwards."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

_TMP = Path(tempfile.mkdtemp(prefix="calibrate-tests-"))
TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{_TMP / 'test.db'}"
os.environ["DATABASE_URL"] = TEST_DATABASE_URL
os.environ["CALIBRATE_SECRET_KEY"] = "test-secret-key-not-for-production"
os.environ["CALIBRATE_MEDIA_DIR"] = str(_TMP / "media")  # recorded audio never lands in the work tree
os.environ.pop("OPENAI_API_KEY", None)
os.environ.pop("OPENAI_BASE_URL", None)

from sqlalchemy import Engine, text  # noqa: E402

from app import wiring  # noqa: E402
from app.db import Session, make_engine  # noqa: E402
from app.settings import get_settings  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
wiring.install()  # the change handlers, as create_app and the CLI install them, for every test
IS_POSTGRES = TEST_DATABASE_URL.startswith("postgres")


def reset_database(engine: Engine) -> None:
    """Drop everything so that migrations start from an empty database."""
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))


def pytest_configure(config: pytest.Config) -> None:
    """Start from an empty database before anything is collected: a run that stopped half-way, or
    one made from another checkout with newer migrations, must not decide how this one goes."""
    eng = make_engine(TEST_DATABASE_URL)
    try:
        reset_database(eng)
    finally:
        eng.dispose()


def load_shipped(session: Session) -> None:
    """Load the question bank and the shipped specs into a migrated database (not committed)."""
    from app.bank.loader import load_bank, sync_bank
    from app.specs.service import load_files

    bank = load_bank(ROOT / "question_bank")
    sync_bank(session, bank)
    load_files(session, [ROOT / "job_specs"], known_tags=set(bank.tags))


def migrate_and_load(eng: Engine) -> None:
    """Migrate an empty database and load the question bank and the shipped specs."""
    from app.migrate import upgrade

    with eng.begin() as conn:
        upgrade(connection=conn)
    with Session(eng) as session:
        load_shipped(session)
        session.commit()


@pytest.fixture(scope="session")
def engine() -> Iterator[Engine]:
    """The migrated test database, with the question bank and shipped specs loaded."""
    get_settings.cache_clear()
    eng = make_engine(TEST_DATABASE_URL)
    reset_database(eng)
    migrate_and_load(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session whose every commit is a savepoint inside one transaction rolled back at the end."""
    connection = engine.connect()
    outer = connection.begin()
    db = Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    try:
        yield db
    finally:
        db.close()
        outer.rollback()
        connection.close()


@pytest.fixture
def app(session: Session):  # type: ignore[no-untyped-def]
    """The application, its requests sharing the test's session."""
    from app.db import get_session
    from app.main import create_app

    application = create_app(migrate_on_start=False)

    def test_session() -> Iterator[Session]:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise

    application.dependency_overrides[get_session] = test_session
    return application


@pytest.fixture
def client(app):  # type: ignore[no-untyped-def]
    """An HTTP client for the app (no network)."""
    from fastapi.testclient import TestClient

    with TestClient(app, base_url="http://testserver") as test_client:
        yield test_client


class _Recorder:
    """A change handler that keeps what it is told (in the transaction, and once committed)."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str]] = []
        self.committed: list[tuple[str, str]] = []

    def in_transaction(self, session, change) -> None:  # type: ignore[no-untyped-def]
        self.seen.append((change.spec_id, change.kind.value))

    def after_commit(self, session, changes) -> None:  # type: ignore[no-untyped-def]
        self.committed += [(c.spec_id, c.kind.value) for c in changes]


@pytest.fixture
def recorded_changes() -> Iterator[_Recorder]:
    """The changes recorded during the test, beside the real handlers."""
    from app import changes

    recorder = _Recorder()
    changes.install((*wiring.change_handlers(), recorder))
    try:
        yield recorder
    finally:
        wiring.install()
