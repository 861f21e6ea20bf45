"""The bare minimum to compare against: one FastAPI endpoint doing one INSERT … ON CONFLICT
through a psycopg pool (PostgreSQL) or one sqlite3 connection per request (SQLite)."""

from __future__ import annotations

import os
import sqlite3
from contextlib import asynccontextmanager

from fastapi import FastAPI
from pydantic import BaseModel

URL = os.environ["BENCH_DATABASE_URL"]
SQL = ("INSERT INTO bare_answer (id, text, revision) VALUES ({p}, {p}, {p}) "
       "ON CONFLICT (id) DO UPDATE SET text = excluded.text, revision = excluded.revision "
       "WHERE bare_answer.revision < excluded.revision")


class Save(BaseModel):
    text: str
    revision: int


def _postgres_app() -> FastAPI:
    from psycopg_pool import AsyncConnectionPool

    pool = AsyncConnectionPool(URL.replace("postgresql+psycopg://", "postgresql://"), min_size=4, max_size=20, open=False)

    @asynccontextmanager
    async def lifespan(_: FastAPI):  # type: ignore[no-untyped-def]
        await pool.open()
        async with pool.connection() as conn:
            await conn.execute("CREATE TABLE IF NOT EXISTS bare_answer (id text PRIMARY KEY, text text, revision int)")
        yield
        await pool.close()

    app = FastAPI(lifespan=lifespan)

    @app.put("/bare/{answer_id}")
    async def save(answer_id: str, body: Save) -> dict:
        async with pool.connection() as conn:
            await conn.execute(SQL.format(p="%s"), (answer_id, body.text, body.revision))
        return {"revision": body.revision}

    return app


def _sqlite_app() -> FastAPI:
    path = URL.split("sqlite:///", 1)[1]
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("CREATE TABLE IF NOT EXISTS bare_answer (id text PRIMARY KEY, text text, revision int)")
    app = FastAPI()

    @app.put("/bare/{answer_id}")
    def save(answer_id: str, body: Save) -> dict:
        with sqlite3.connect(path, timeout=30) as conn:
            conn.execute(SQL.format(p="?"), (answer_id, body.text, body.revision))
        return {"revision": body.revision}

    return app


app = _postgres_app() if URL.startswith("postgres") else _sqlite_app()
