"""The autosave fast path on SQLite: the accepted save of `service.save_answer` in one short write
transaction on a plain sqlite3 connection, outside the ORM (app/take/fastsave.py has the rules).

Each worker thread keeps one connection to the file. `BEGIN IMMEDIATE` takes the database's write
lock before anything is read, so the checks and the writes are serialised with a concurrent submit
or sweep exactly as the general path's locked attempt is (SQLite has one writer at a time). The
same checks as on PostgreSQL — live link, address under the guessing limit, open written round
within deadline + grace, newer revision — and the same writes — the answer (compare-and-set) and
its revision row — commit together, with `synchronous=FULL` like the app's engine, before the
response is sent. Anything else rolls back and returns None for the general path to decide.

Timestamps are compared as SQLAlchemy stores them on SQLite: naive UTC text of fixed width
(`YYYY-MM-DD HH:MM:SS.ffffff`), whose order is the order of time."""

from __future__ import annotations

import sqlite3
import threading
from datetime import datetime, timezone

from app.take.access import BUCKET as TOKEN_BUCKET
from app.take.access import UNKNOWN_TOKEN_LIMIT

_CHECK = """
SELECT a.id, a.deadline FROM interview AS i JOIN round_attempt AS a ON a.interview_id = i.id
WHERE i.token_hash = ? AND i.token_revoked_at IS NULL AND i.token_expires_at > ?
  AND a.round_key = ? AND a.kind = 'written' AND a.submitted_at IS NULL AND a.deadline >= ?
  AND (SELECT count(*) FROM rate_limit_hit AS h WHERE h.bucket = ? AND h.key = ? AND h.at > ?) < ?
"""
_UPDATE = ("UPDATE answer SET text = ?, revision = ?, saved_at = ? "
           "WHERE attempt_id = ? AND question_id = ? AND revision < ? RETURNING id")
_KEEP = "INSERT INTO answer_revision (answer_id, revision, text, saved_at) VALUES (?, ?, ?, ?)"

_local = threading.local()


def stamp(moment: datetime) -> str:
    """A time as the app's SQLite columns hold it."""
    return moment.astimezone(timezone.utc).replace(tzinfo=None).isoformat(" ", "microseconds")


def _first(cursor: sqlite3.Cursor) -> tuple | None:
    rows = cursor.fetchall()
    return rows[0] if rows else None


def _connection(path: str) -> sqlite3.Connection:
    conn: sqlite3.Connection | None = getattr(_local, "conn", None)
    if conn is None or _local.path != path:
        conn = sqlite3.connect(path, timeout=30, isolation_level=None)  # transactions are explicit
        for pragma in ("foreign_keys=ON", "secure_delete=ON", "synchronous=FULL", "busy_timeout=30000"):
            conn.execute(f"PRAGMA {pragma}")
        _local.conn, _local.path = conn, path
    return conn


def try_save(path: str, hashed_token: str, round_key: str, question_id: str, *, answer_text: str,
             revision: int, address: str, now: datetime, earliest_deadline: datetime,
             since: datetime) -> datetime | None:
    """Run in a worker thread: accept the save and return the round's deadline, or None."""
    conn = _connection(path)
    conn.execute("BEGIN IMMEDIATE")
    try:
        # Every statement is read to its end (fetchall): a half-read one would hold the COMMIT back.
        found = _first(conn.execute(_CHECK, (hashed_token, stamp(now), round_key, stamp(earliest_deadline),
                                             TOKEN_BUCKET, address, stamp(since), UNKNOWN_TOKEN_LIMIT)))
        saved = found and _first(conn.execute(_UPDATE, (answer_text, revision, stamp(now), found[0], question_id,
                                                        revision)))
        if not saved:
            conn.execute("ROLLBACK")
            return None
        conn.execute(_KEEP, (saved[0], revision, answer_text, stamp(now)))
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return datetime.fromisoformat(found[1]).replace(tzinfo=timezone.utc)
