"""The bare minimum to compare against: one FastAPI endpoint doing one INSERT … ON CONFLICT
through a psycopg pool (PostgreSQL) or one sqlite3 connection per request (SQLite).

The table is made by the bench before the server starts (`create_table`), never by the server:
with several workers, each would run the DDL at once, and on PostgreSQL concurrent
`CREATE TABLE IF NOT EXISTS` can fail in all but one, which then stops the whole server.
Served as `uvicorn --factory bench.bare_app:build`."""

from __future__ import annotations

import os
import sqlite3
from contextlib import asynccontextmanager

from fastapi import FastAPI
from pydantic import BaseModel

DDL = "CREATE TABLE IF NOT EXISTS bare_answer (id text PRIMARY KEY, text text, revision int)"
SQL = ("INSERT INTO bare_answer (id, text, revision) VALUES ({p}, {p}, {p}) "
       "ON CONFLICT (id) DO UPDATE SET text = excluded.text, revision = excluded.revision "
       "WHERE bare_answer.revision < excluded.revision")


class Save(BaseModel):
    text: str
    revision: int


def _libpq_url(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


def _sqlite_path(url: str) -> str:
    return url.split("sqlite:///", 1)[1]


def create_table(url: str) -> None:
    """Make (or empty) the bare table, once, before any server process starts."""
    if url.startswith("postgres"):
        import psycopg

        with psycopg.connect(_libpq_url(url), autocommit=True) as conn:
            conn.execute(DDL)
            conn.execute("TRUNCATE bare_answer")
        return
    with sqlite3.connect(_sqlite_path(url)) as conn:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute(DDL)
        conn.execute("DELETE FROM bare_answer")


def _postgres_app(url: str) -> FastAPI:
    from psycopg_pool import AsyncConnectionPool

    pool = AsyncConnectionPool(_libpq_url(url), min_size=4, max_size=20, open=False)

    @asynccontextmanager
    async def lifespan(_: FastAPI):  # type: ignore[no-untyped-def]
        await pool.open()
        yield
        await pool.close()

    app = FastAPI(lifespan=lifespan)

    @app.put("/bare/{answer_id}")
    async def save(answer_id: str, body: Save) -> dict:
        async with pool.connection() as conn:
            await conn.execute(SQL.format(p="%s"), (answer_id, body.text, body.revision))
        return {"revision": body.revision}

    return app


def _sqlite_app(url: str) -> FastAPI:
    path = _sqlite_path(url)
    app = FastAPI()

    @app.put("/bare/{answer_id}")
    def save(answer_id: str, body: Save) -> dict:
        with sqlite3.connect(path, timeout=30) as conn:
            conn.execute(SQL.format(p="?"), (answer_id, body.text, body.revision))
        return {"revision": body.revision}

    return app


def build() -> FastAPI:
    """The bare app for `BENCH_DATABASE_URL`."""
    url = os.environ["BENCH_DATABASE_URL"]
    return _postgres_app(url) if url.startswith("postgres") else _sqlite_app(url)
