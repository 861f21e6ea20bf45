"""The autosave fast path on PostgreSQL: the common case of `service.save_answer` in one statement,
sent from the event loop on a psycopg pool of its own.

A candidate's browser saves every pause in typing, so this is the busiest write in Calibrate. The
general path (`service.save_answer`) loads the interview, the attempt and its answers through the
ORM, in a worker thread, and runs six statements. When everything is in order — a live link, an
address under the token-guessing limit, a started written round still accepting saves, a newer
revision — the same checks and writes fit in one statement with data-modifying CTEs:

- the link must match, not be revoked and not be expired;
- the caller's address must be under `access.UNKNOWN_TOKEN_LIMIT` guesses in the window;
- the attempt must be open and `now <= deadline + grace`, and is locked (`FOR UPDATE`) exactly as
  the general path locks it, so a concurrent submit or sweep is serialised the same way;
- the answer's revision moves forward only (compare-and-set), and the revision row is written.

It returns a row only when the save was accepted. Anything else — a stale revision, a late save, a
closed or unstarted round, a behavioral round (answered in order), a bad link, an unknown question
— returns nothing, and the caller takes the general path, which decides the exact answer (409 with
the stored text, 404, 410, 429) and closes overdue rounds. So the fast path accepts a subset of
what the general path accepts, never more. Attempts record their round's kind when they start;
those that do not (started before it was kept) always take the general path.

The pool's connections are in autocommit mode, so the statement is its own transaction: one round
trip, committed (and, with PostgreSQL's default `synchronous_commit`, on disk) before the response
is sent. It is prepared on each connection the first time it runs there. The pool does not ping a
connection before lending it; a statement that fails on a broken connection is retried once after
the pool has dropped its broken connections, and if that fails too the general path (whose pool
does ping) takes the save.

On SQLite the same checks and writes run in one `BEGIN IMMEDIATE` transaction on a plain sqlite3
connection of the worker thread (app/take/fastsave_sqlite.py)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any

import orjson
import psycopg
from fastapi import Request, Response
from fastapi.routing import APIRoute
from psycopg_pool import AsyncConnectionPool
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from app.auth.security import token_hash
from app.auth.service import SIGNIN_WINDOW
from app.db import normalise_url, sqlite_path
from app.metrics import AUTOSAVES
from app.middleware import quiet
from app.models import utcnow
from app.settings import get_settings
from app import clock
from app.take import fastsave_sqlite
from app.take.access import BUCKET as TOKEN_BUCKET
from app.take.access import UNKNOWN_TOKEN_LIMIT, client_address
from app.take.schemas import AnswerSave
from app.take.service import grace, seconds_until

log = logging.getLogger("calibrate.take")

ACCEPTED = AUTOSAVES.labels(outcome="accepted")
APPLICATION_NAME = "calibrate-autosave"  # the pool's connections, as pg_stat_activity shows them
POOL_MIN, POOL_MAX = 4, 32
"""Connections per process. Each save holds one for a single round trip; a request that finds none
free waits in the pool, which costs more CPU than a connection, so the pool grows with the saves in
flight, up to 32 (and shrinks back when idle). Processes × 32, plus the ORM pools, must stay within
PostgreSQL's `max_connections` (default 100) at peak."""

# The answer is found through its unique (attempt_id, question_id) index whatever the table's
# statistics say (a join with the `attempt` CTE lets the planner pick a sequential scan).
SAVE_SQL = """
WITH link AS (
    SELECT i.id FROM interview AS i
    WHERE i.token_hash = %(token_hash)s AND i.token_revoked_at IS NULL AND i.token_expires_at > %(now)s
      AND (SELECT count(*) FROM rate_limit_hit AS h
           WHERE h.bucket = %(bucket)s AND h.key = %(address)s AND h.at > %(since)s) < %(limit)s
), attempt AS (
    SELECT a.id, a.deadline FROM round_attempt AS a JOIN link ON a.interview_id = link.id
    WHERE a.round_key = %(round_key)s AND a.kind = 'written' AND a.submitted_at IS NULL
      AND a.deadline >= %(earliest_deadline)s
    FOR UPDATE OF a
), saved AS (
    UPDATE answer SET text = %(text)s, revision = %(revision)s::integer, saved_at = %(now)s
    WHERE answer.attempt_id = (SELECT id FROM attempt) AND answer.question_id = %(question_id)s
      AND answer.revision < %(revision)s::integer
    RETURNING answer.id, (SELECT deadline FROM attempt) AS deadline
), kept AS (
    INSERT INTO answer_revision (answer_id, revision, text, saved_at)
    SELECT saved.id, %(revision)s::integer, %(text)s, %(now)s FROM saved
)
SELECT deadline FROM saved
"""

_pool: AsyncConnectionPool | None = None
_sqlite_file: str | None = None


def libpq_url(database_url: str) -> str | None:
    """The libpq form of a PostgreSQL `DATABASE_URL`, or None for other databases."""
    url = normalise_url(database_url)
    if not url.startswith("postgresql+psycopg://"):
        return None
    return "postgresql://" + url[len("postgresql+psycopg://"):]


@asynccontextmanager
async def serving(database_url: str | None = None, *, enabled: bool = True) -> AsyncIterator[None]:
    """Lifespan: open the fast path's pool on PostgreSQL (`DATABASE_URL` unless given; nothing on
    other databases or when not enabled), close it on shutdown."""
    global _pool, _sqlite_file
    url = database_url or get_settings().database_url
    conninfo = libpq_url(url) if enabled else None
    if conninfo is None:
        file = sqlite_path(url) if enabled else None
        _sqlite_file = str(file) if file else None  # SQLite: the same save on a plain sqlite3 connection
        try:
            yield
        finally:
            _sqlite_file = None
        return
    pool = AsyncConnectionPool(conninfo, min_size=POOL_MIN, max_size=POOL_MAX, open=False, name="autosave",
                               kwargs={"autocommit": True, "prepare_threshold": 0,
                                       "application_name": APPLICATION_NAME})
    await pool.open()
    _pool = pool
    try:
        yield
    finally:
        if _pool is pool:
            _pool = None
        await pool.close()


async def _execute(pool: AsyncConnectionPool, params: dict) -> datetime | None:
    conn = await pool.getconn()  # what `pool.connection()` does, less its context-manager layers
    try:
        cursor = await conn.execute(SAVE_SQL, params)
        row = await cursor.fetchone()
    finally:
        await pool.putconn(conn)  # a broken connection is discarded here
    return row[0] if row else None


async def try_save(token: str, round_key: str, question_id: str, *, answer_text: str, revision: int,
                   address: str, now: datetime) -> datetime | None:
    """Accept the save in one statement and return the round's deadline, or return None for the
    general path to decide (also when the app is not serving: no pool, no SQLite file)."""
    pool = _pool
    if pool is None:
        return await _sqlite_save(token, round_key, question_id, answer_text=answer_text, revision=revision,
                                  address=address, now=now)
    params = {"token_hash": token_hash(token), "now": now, "bucket": TOKEN_BUCKET, "address": address,
              "since": utcnow() - SIGNIN_WINDOW, "limit": UNKNOWN_TOKEN_LIMIT, "round_key": round_key,
              "earliest_deadline": now - grace(), "question_id": question_id, "text": answer_text,
              "revision": revision}
    try:
        return await _execute(pool, params)
    except psycopg.OperationalError:
        await pool.check()  # drop the broken connections (a database restart breaks them all)
    try:
        return await _execute(pool, params)
    except psycopg.OperationalError:
        log.warning("autosave fast path failed twice; the general path takes the save", exc_info=True)
        return None


async def _sqlite_save(token: str, round_key: str, question_id: str, *, answer_text: str, revision: int,
                       address: str, now: datetime) -> datetime | None:
    if _sqlite_file is None:
        return None
    return await run_in_threadpool(fastsave_sqlite.try_save, _sqlite_file, token_hash(token), round_key, question_id,
                                   answer_text=answer_text, revision=revision, address=address, now=now,
                                   earliest_deadline=now - grace(), since=utcnow() - SIGNIN_WINDOW)


Handler = Callable[[Request], Coroutine[Any, Any, Response]]


class AutosaveRoute(APIRoute):
    """The autosave route: an accepted save is made here, from the event loop, before FastAPI solves
    the route's dependencies; anything else goes to the route's own FastAPI handler, the general
    path (validation, the exact refusal, the ORM in a worker thread).

    Skipping the dependencies is exact: the route's are the `Public` marker and the app's CSRF check,
    which exempts the candidate API (the secret link is the credential), and the general path's
    session, which the fast path does not use. tests/take/test_fastsave.py fails if one is added."""

    def get_route_handler(self) -> Handler:
        general = super().get_route_handler()

        async def handler(request: Request) -> Response:
            return await fast_save(request) or await general(request)

        return handler


def _is_json(request: Request) -> bool:
    for name, value in request.scope["headers"]:
        if name == b"content-type":
            return value.split(b";", 1)[0].strip().lower() == b"application/json"
    return False


async def fast_save(request: Request) -> Response | None:
    """The accepted save's response, or None for the general path to answer."""
    if (_pool is None and _sqlite_file is None) or not _is_json(request):
        return None
    try:
        body = AnswerSave.model_validate_json(await request.body())
    except ValidationError:
        return None  # the general path answers 422 in the API's error format
    params, now = request.path_params, clock.now()
    deadline = await try_save(params["token"], params["key"], params["question_id"], answer_text=body.text,
                              revision=body.revision, address=client_address(request), now=now)
    if deadline is None:
        return None
    ACCEPTED.inc()
    quiet(request.scope)  # counted in the metrics: an accepted autosave writes no access-log line
    return Response(orjson.dumps({"revision": body.revision, "saved_at": now.isoformat(),
                                  "seconds_left": seconds_until(deadline, now)}), media_type="application/json")
