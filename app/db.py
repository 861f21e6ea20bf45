"""Engine and sessions: one session and one transaction per request, committed before the
response is sent so that anything acknowledged is stored."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from fastapi import Request
from sqlalchemy import Engine, create_engine, event
from sqlmodel import Session as ModelSession

from app import changes
from app.settings import get_settings


class Session(ModelSession):
    """A session whose commit hands the changes it recorded to their handlers (app/changes.py)."""

    def commit(self) -> None:
        super().commit()
        changes.committed(self)

    def rollback(self) -> None:
        super().rollback()
        changes.discard(self)


def normalise_url(url: str) -> str:
    """Accept plain `postgresql://` URLs and point them at psycopg 3."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


POOL_SIZE = 10
MAX_OVERFLOW = 20
POOL_CAPACITY = POOL_SIZE + MAX_OVERFLOW
"""Connections one process may hold; app/middleware.py admits fewer requests than this at once."""


def make_engine(url: str) -> Engine:
    """An engine for SQLite (WAL, foreign keys, busy timeout) or PostgreSQL (pooled)."""
    url = normalise_url(url)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30},
                               pool_size=POOL_SIZE, max_overflow=MAX_OVERFLOW)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(url, pool_size=POOL_SIZE, max_overflow=MAX_OVERFLOW, pool_pre_ping=True)


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    # Let SQLAlchemy own transactions (the driver's implicit BEGIN breaks savepoints).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    # Deleted and overwritten content is zeroed in the file, from the first connection on, so an
    # erased candidate leaves no copy in free pages (app/privacy/erasure.py).
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


READ_ONLY = {"calibrate_read_only": True}
"""Execution option of sessions that only read: on SQLite they begin DEFERRED, without the write lock."""


def _sqlite_begin(connection) -> None:  # type: ignore[no-untyped-def]
    # A writer takes the write lock up front (IMMEDIATE): no "database is locked" when a reader
    # upgrades. Readers begin DEFERRED and run beside the writer under WAL.
    if connection.get_execution_options().get("calibrate_read_only"):
        connection.exec_driver_sql("BEGIN")
    else:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


@lru_cache
def get_engine() -> Engine:
    """The process-wide engine for `DATABASE_URL`."""
    return make_engine(get_settings().database_url)


@lru_cache
def get_read_engine() -> Engine:
    """The same engine and pool, for transactions that only read."""
    return get_engine().execution_options(**READ_ONLY)


def sqlite_path(url: str) -> Path | None:
    """The file behind a SQLite URL, or None for other databases and in-memory SQLite."""
    url = normalise_url(url)
    if not url.startswith("sqlite:///") or url.endswith(":memory:"):
        return None
    return Path(url[len("sqlite:///"):])


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CANDIDATE_PATHS = ("/take/", "/api/v1/take/")
"""A candidate's page writes even when read: it closes rounds past their deadline and counts guesses."""


def request_only_reads(method: str, path: str) -> bool:
    """Whether a request's transaction only reads (and may begin without the write lock)."""
    return method in SAFE_METHODS and not path.startswith(CANDIDATE_PATHS)


def get_session(request: Request) -> Iterator[Session]:
    """Request-scoped session: commit when the handler succeeds, roll back when it raises."""
    engine = get_read_engine() if request_only_reads(request.method, request.url.path) else get_engine()
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            # The error page renders after this session is closed and still reads what the request
            # loaded (the signed-in user); detached first, those rows are not expired by the rollback.
            session.expunge_all()
            session.rollback()
            raise


@contextmanager
def session_scope(engine: Engine | None = None) -> Iterator[Session]:
    """A (writing) transaction for the CLI and background jobs, committed on success."""
    with Session(engine or get_engine(), expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise

