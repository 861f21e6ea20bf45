"""The outbox: enqueue in the caller's transaction, claims with leases, completion, exponential
backoff and giving up, and the worker that runs handlers by kind."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone

import pytest
from sqlmodel import Session, select

from app.jobs import queue
from app.jobs.models import Job
from app.jobs.registry import JobKind, Registry
from app.jobs.worker import JobRun, Worker

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)


def _kinds(handler=lambda job: None, **options) -> dict[str, JobKind]:  # type: ignore[no-untyped-def]
    return {"test.kind": JobKind("test.kind", handler, **options)}


def test_enqueue_writes_in_the_callers_transaction_and_a_key_keeps_one_pending_job(session: Session):
    with session.begin_nested() as nested:
        queue.enqueue(session, "test.kind", {"n": 1})
        nested.rollback()
    assert session.exec(select(Job).where(Job.kind == "test.kind")).all() == []
    first = queue.enqueue(session, "test.kind", {"n": 1}, key="k")
    assert queue.enqueue(session, "test.kind", {"n": 2}, key="k").id == first.id
    assert queue.enqueue(session, "test.kind", {"n": 3}, key="other").id != first.id


def test_a_claim_holds_the_job_until_its_lease_runs_out(session: Session):
    job = queue.enqueue(session, "test.kind", {"n": 1}, run_after=NOW)
    kinds = _kinds(lease_seconds=60)
    assert queue.claim(session, kinds, now=NOW - timedelta(seconds=1)) == []  # not due yet
    (claim,) = queue.claim(session, kinds, now=NOW)
    assert (claim.id, claim.attempts, claim.payload) == (job.id, 1, {"n": 1})
    assert queue.claim(session, kinds, now=NOW + timedelta(seconds=59)) == []  # held
    (again,) = queue.claim(session, kinds, now=NOW + timedelta(seconds=61))  # the holder died
    assert again.attempts == 2 and again.lease != claim.lease
    assert not queue.complete(session, claim, now=NOW)  # the first holder lost its claim
    assert queue.complete(session, again, now=NOW)
    assert queue.claim(session, kinds, now=NOW + timedelta(days=1)) == []


def test_failures_back_off_exponentially_then_the_job_is_given_up_and_can_be_retried(session: Session):
    kinds = _kinds(max_attempts=3, backoff_seconds=10)
    job = queue.enqueue(session, "test.kind", {}, run_after=NOW)
    now, waits = NOW, []
    for _ in range(3):
        (claim,) = queue.claim(session, kinds, now=now)
        failed = queue.fail(session, claim, kinds["test.kind"], error="boom", now=now)
        assert failed is not None and failed.last_error == "boom"
        if failed.failed_at is None:
            waits.append((failed.run_after - now).total_seconds())
            now = failed.run_after
    assert waits == [10, 20]
    session.refresh(job)
    assert job.failed_at is not None and job.attempts == 3
    assert queue.claim(session, kinds, now=now + timedelta(days=1)) == []
    assert queue.counts(session)["failed"] >= 1
    assert queue.retry_failed(session, now=now) >= 1
    session.refresh(job)
    assert job.failed_at is None and job.attempts == 0


@contextmanager
def _savepoints(session: Session) -> Iterator[Session]:
    with session.begin_nested():
        yield session


def test_the_worker_runs_handlers_by_kind_and_retries_a_failing_one(session: Session):
    seen: list[dict] = []
    calls = {"n": 0}

    def flaky(job: JobRun) -> None:
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("first try fails")
        seen.append(job.payload)

    registry = Registry().add_all([JobKind("test.flaky", flaky, backoff_seconds=30)])
    clock = {"now": NOW}
    worker = Worker(registry, lambda: _savepoints(session), clock=lambda: clock["now"])
    job = queue.enqueue(session, "test.flaky", {"n": 7}, run_after=NOW)
    queue.enqueue(session, "unregistered.kind", {}, run_after=NOW)  # another process's kind: left alone
    assert worker.run_once() == 1 and seen == []
    session.refresh(job)
    assert job.attempts == 1 and "first try fails" in job.last_error and job.done_at is None
    assert worker.run_once() == 0  # backing off
    clock["now"] = NOW + timedelta(seconds=31)
    assert worker.run_once() == 1 and seen == [{"n": 7}]
    session.refresh(job)
    assert job.done_at == clock["now"] and job.last_error is None


def test_a_handler_finishes_its_job_in_its_own_last_transaction(session: Session):
    def handler(job: JobRun) -> None:
        with job.transaction() as tx:
            queue.enqueue(tx, "test.result", {"from": job.payload["n"]})
            job.finish(tx)

    worker = Worker(Registry().add_all([JobKind("test.kind", handler)]), lambda: _savepoints(session),
                    clock=lambda: NOW)
    job = queue.enqueue(session, "test.kind", {"n": 1}, run_after=NOW)
    assert worker.run_once() == 1
    session.refresh(job)
    assert job.done_at == NOW
    assert session.exec(select(Job).where(Job.kind == "test.result")).one().payload == {"from": 1}


def test_a_kind_is_registered_once():
    registry = Registry().add_all([JobKind("test.kind", lambda job: None)])
    with pytest.raises(ValueError, match="twice"):
        registry.add(JobKind("test.kind", lambda job: None))
