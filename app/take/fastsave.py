"""The autosave fast path on PostgreSQL: the common case of `service.save_answer` in one statement.

A candidate's browser saves every pause in typing, so this is the busiest write in Calibrate. The
general path (`service.save_answer`) loads the interview, the attempt and its answers through the
ORM and runs six statements. When everything is in order — a live link, an address under the
token-guessing limit, a started written round still accepting saves, a newer revision — the same
checks and writes fit in one statement with data-modifying CTEs, run on the request's own session
(so it commits with the request, like every other write):

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
those that do not (started before it was kept) always take the general path."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import text
from sqlmodel import Session

from app.auth.security import token_hash
from app.auth.service import SIGNIN_WINDOW
from app.models import utcnow
from app.take.access import BUCKET as TOKEN_BUCKET
from app.take.access import UNKNOWN_TOKEN_LIMIT
from app.take.service import grace

_SAVE = text("""
WITH link AS (
    SELECT i.id FROM interview AS i
    WHERE i.token_hash = :token_hash AND i.token_revoked_at IS NULL AND i.token_expires_at > :now
      AND (SELECT count(*) FROM rate_limit_hit AS h
           WHERE h.bucket = :bucket AND h.key = :address AND h.at > :since) < :limit
), attempt AS (
    SELECT a.id, a.deadline FROM round_attempt AS a JOIN link ON a.interview_id = link.id
    WHERE a.round_key = :round_key AND a.kind = 'written' AND a.submitted_at IS NULL
      AND a.deadline >= :earliest_deadline
    FOR UPDATE OF a
), saved AS (
    UPDATE answer SET text = :text, revision = :revision, saved_at = :now
    FROM attempt
    WHERE answer.attempt_id = attempt.id AND answer.question_id = :question_id AND answer.revision < :revision
    RETURNING answer.id, attempt.deadline
), kept AS (
    INSERT INTO answer_revision (answer_id, revision, text, saved_at)
    SELECT saved.id, :revision, :text, :now FROM saved
)
SELECT deadline FROM saved
""")


def try_save(session: Session, token: str, round_key: str, question_id: str, *, answer_text: str, revision: int,
             address: str, now: datetime) -> datetime | None:
    """Accept the save in one statement and return the round's deadline, or return None for the
    general path to decide."""
    if session.get_bind().dialect.name != "postgresql":
        return None
    return session.connection().execute(_SAVE, {
        "token_hash": token_hash(token), "now": now, "bucket": TOKEN_BUCKET, "address": address,
        "since": utcnow() - SIGNIN_WINDOW, "limit": UNKNOWN_TOKEN_LIMIT, "round_key": round_key,
        "earliest_deadline": now - grace(), "question_id": question_id, "text": answer_text, "revision": revision,
    }).scalar()
