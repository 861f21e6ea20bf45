"""Several workers (app instances) on PostgreSQL: `FOR UPDATE SKIP LOCKED` hands each due job to
exactly one of them."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import delete
from sqlmodel import Session, col

from app.jobs import queue
from app.jobs.models import Job
from app.jobs.registry import JobKind, Registry
from app.jobs.worker import JobRun, Worker
from app.models import utcnow
from tests.conftest import IS_POSTGRES

pytestmark = pytest.mark.skipif(not IS_POSTGRES, reason="SKIP LOCKED claims need PostgreSQL")
KIND = "test.concurrent"


def test_concurrent_workers_run_each_job_exactly_once(engine):
    from app.db import session_scope

    with Session(engine) as session:
        ids = [queue.enqueue(session, KIND, {"n": n}, run_after=utcnow() - timedelta(seconds=1)).id for n in range(40)]
        session.commit()
    ran: list[int] = []
    lock = threading.Lock()

    def handler(job: JobRun) -> None:
        with lock:
            ran.append(job.payload["n"])

    registry = Registry().add_all([JobKind(KIND, handler)])
    workers = [Worker(registry, lambda: session_scope(engine)) for _ in range(4)]
    threads = [threading.Thread(target=lambda w=w: w.run_once(limit=40)) for w in workers]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert sorted(ran) == list(range(40))
        with Session(engine) as session:
            done = [session.get(Job, i) for i in ids]
            assert all(job is not None and job.done_at is not None and job.attempts == 1 for job in done)
    finally:
        with Session(engine) as session:
            session.execute(delete(Job).where(col(Job.kind) == KIND))
            session.commit()
