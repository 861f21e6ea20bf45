"""The outbox operations: enqueue in the caller's transaction, claim due jobs safely across
processes (`FOR UPDATE SKIP LOCKED` on PostgreSQL; SQLite's single writer serialises claims),
and finish or fail a claimed job."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import case, func, or_, update
from sqlmodel import Session, col, select

from app.jobs.models import Job
from app.jobs.registry import JobKind
from app.models import utcnow

MAX_ERROR_CHARS = 4000


@dataclass(frozen=True)
class Claim:
    """A job this worker holds until `locked_until`; `lease` proves the claim is still its own."""

    id: int
    kind: str
    payload: dict[str, Any]
    attempts: int
    lease: str
    locked_until: datetime


def enqueue(session: Session, kind: str, payload: dict[str, Any], *, key: str | None = None,
            run_after: datetime | None = None) -> Job:
    """Queue a job in the caller's transaction; with a `key`, a pending job of that kind and key
    is returned instead of queueing a second one."""
    if key is not None:
        existing = pending(session, kind, key)
        if existing is not None:
            return existing
    job = Job(kind=kind, key=key, payload=payload, run_after=run_after or utcnow())
    session.add(job)
    session.flush()
    return job


def pending(session: Session, kind: str, key: str) -> Job | None:
    """The job of this kind and key that is not finished yet (done or given up), if any."""
    return session.exec(select(Job).where(Job.kind == kind, Job.key == key, col(Job.done_at).is_(None),
                                          col(Job.failed_at).is_(None))).first()


def latest(session: Session, kind: str, key: str) -> Job | None:
    """The newest job of this kind and key, finished or not."""
    return session.exec(select(Job).where(Job.kind == kind, Job.key == key).order_by(col(Job.id).desc())).first()


def claim(session: Session, kinds: dict[str, JobKind], *, now: datetime, limit: int = 1) -> list[Claim]:
    """Lock up to `limit` due jobs of the given kinds for this worker (the caller commits)."""
    query = (select(Job).where(col(Job.done_at).is_(None), col(Job.failed_at).is_(None), Job.run_after <= now,
                               col(Job.kind).in_(list(kinds)),
                               or_(col(Job.locked_until).is_(None), col(Job.locked_until) < now))
             .order_by(col(Job.run_after), col(Job.id)).limit(limit).with_for_update(skip_locked=True))
    claims = []
    for job in session.exec(query).all():
        job.attempts += 1
        job.lease = secrets.token_hex(8)
        job.locked_until = now + timedelta(seconds=kinds[job.kind].lease_seconds)
        session.add(job)
        claims.append(Claim(job.id, job.kind, dict(job.payload), job.attempts, job.lease, job.locked_until))  # type: ignore[arg-type]
    session.flush()
    return claims


def complete(session: Session, claim: Claim, *, now: datetime) -> bool:
    """Mark the claimed job done; False when the claim was lost (its lease expired and another
    worker took the job), and then the caller must roll back what it did."""
    result = session.execute(update(Job).where(col(Job.id) == claim.id, col(Job.lease) == claim.lease,
                                               col(Job.done_at).is_(None))
                             .values(done_at=now, locked_until=None, last_error=None))
    return result.rowcount == 1  # type: ignore[attr-defined]


def fail(session: Session, claim: Claim, kind: JobKind | None, *, error: str, now: datetime) -> Job | None:
    """Record a failed attempt: retry after the kind's backoff, or give up after its last attempt."""
    job = session.get(Job, claim.id, with_for_update=True)
    if job is None or job.lease != claim.lease or job.done_at is not None:
        return None
    job.last_error = error[:MAX_ERROR_CHARS]
    job.locked_until = None
    job.lease = None
    if kind is None or job.attempts >= kind.max_attempts:
        job.failed_at = now
    else:
        job.run_after = now + kind.backoff(job.attempts)
    session.add(job)
    session.flush()
    return job


def retry_failed(session: Session, *, now: datetime | None = None) -> int:
    """Give every job that was given up a fresh set of attempts (`calibrate worker --retry-failed`)."""
    result = session.execute(update(Job).where(col(Job.failed_at).is_not(None), col(Job.done_at).is_(None))
                             .values(failed_at=None, attempts=0, run_after=now or utcnow()))
    return result.rowcount  # type: ignore[attr-defined]


def counts(session: Session) -> dict[str, int]:
    """How many jobs are pending, done and given up (for the CLI's summary)."""
    done = func.count(Job.done_at)
    failed = func.sum(case((col(Job.failed_at).is_not(None) & col(Job.done_at).is_(None), 1), else_=0))
    total, n_done, n_failed = session.execute(select(func.count(), done, failed).select_from(Job)).one()
    return {"pending": total - n_done - (n_failed or 0), "done": n_done, "failed": n_failed or 0}
