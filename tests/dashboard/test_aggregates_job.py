"""The background recompute of a spec's aggregates: scheduled from the change path, debounced to one
waiting job per spec, spaced by its own cost, run by the worker through the job outbox; and the
shared fragment render of the dashboard streams, coalesced to one per spec and interval."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import Connection, delete
from sqlmodel import Session, select

from app.dashboard import aggregates
from app.events.bus import CLOSED, Event, broker
from app.events.fragments import Channel, FragmentHub
from app.jobs import queue
from app.jobs.models import Job
from app.jobs.worker import JobRun
from app.models import SpecAggregate, utcnow
from app.specs.service import get_spec
from tests import aio
from tests.dashboard.helpers import SPEC, add_scorecard, scored_interview
from tests.factories import make_user


@pytest.fixture(autouse=True)
def _no_waiting_jobs(session: Session) -> None:
    """Start without the jobs that tests committing for real may have left (rolled back afterwards)."""
    session.execute(delete(Job).where(Job.kind == aggregates.KIND_NAME))


def _waiting(session: Session, spec_id: str) -> list[Job]:
    return list(session.exec(select(Job).where(Job.kind == aggregates.KIND_NAME, Job.key == spec_id,
                                               Job.done_at.is_(None))).all())


def test_changes_schedule_one_debounced_recompute_per_spec(session: Session) -> None:
    spec = get_spec(session, SPEC)
    before = utcnow()
    interview = scored_interview(session, [{"ratings": {"financial_systems_design": 4}}])
    session.commit()  # a request's transaction ends
    (job,) = _waiting(session, spec.id)
    assert job.run_after >= before + timedelta(seconds=aggregates.DEBOUNCE_SECONDS)
    add_scorecard(session, interview, ratings={"financial_systems_design": 2})
    session.commit()  # another transaction, while the first job still waits: it joins it
    assert [j.id for j in _waiting(session, spec.id)] == [job.id]


def test_a_change_during_a_recompute_schedules_the_next_spaced_by_its_cost(session: Session) -> None:
    spec = get_spec(session, SPEC)
    interview = scored_interview(session, [{"ratings": {"financial_systems_design": 4}}])
    (job,) = _waiting(session, spec.id)
    (claim,) = queue.claim(session, {aggregates.KIND_NAME: aggregates.KIND}, now=job.run_after)
    session.add(SpecAggregate(spec_id=spec.id, computed_at=utcnow(), seconds=30.0))
    session.flush()
    session.commit()
    add_scorecard(session, interview, ratings={"financial_systems_design": 1})
    waiting = [j for j in _waiting(session, spec.id) if j.id != claim.id]
    assert len(waiting) == 1  # the running job read before this change: another one follows
    assert waiting[0].run_after >= utcnow() + timedelta(seconds=30.0 * aggregates.SPACING - 5)


def test_the_worker_runs_the_recompute_and_stores_computed_at(session: Session) -> None:
    spec = get_spec(session, SPEC)
    lenient, severe = make_user(session, role="interviewer"), make_user(session, role="interviewer")
    for base in (2, 3, 4):
        scored_interview(session, [{"interviewer": lenient, "ratings": {"financial_systems_design": base + 1}},
                                   {"interviewer": severe, "ratings": {"financial_systems_design": base}}])
    (job,) = _waiting(session, spec.id)
    (claim,) = queue.claim(session, {aggregates.KIND_NAME: aggregates.KIND}, now=job.run_after)

    @contextmanager
    def sessions() -> Iterator[Session]:
        yield session
        session.flush()

    @contextmanager
    def read() -> Iterator[Connection]:
        yield session.connection()

    aggregates.run_job(JobRun(claim, sessions), read=read)
    stored = aggregates.stored(session, spec.id)
    assert stored is not None and stored.computed_at is not None
    assert stored.leniency[lenient.email]["leniency"] == pytest.approx(1.0)
    assert stored.reliability["financial_systems_design"]["targets"] >= 3
    assert session.get(Job, claim.id).done_at is not None


def test_streams_of_a_spec_share_one_render_coalesced_per_interval() -> None:
    renders: list[int] = []

    def render() -> list[tuple[str, str]]:
        renders.append(1)
        return [("live", f"render {len(renders)}"), ("reliability", "the same every time")]

    async def scenario() -> tuple[list, list, int]:
        hub = FragmentHub(interval=0.3)
        async with hub.subscribe("spec-a", "dashboard", render) as one, \
                hub.subscribe("spec-a", "dashboard", render) as two, \
                hub.subscribe("spec-b", "dashboard", render) as other:
            await asyncio.sleep(0.05)  # the channels subscribe to the broker
            for _ in range(20):  # a burst of scorecards on spec-a
                broker.deliver(Event("spec-a", "scorecard.submitted"))
                await asyncio.sleep(0.01)
            await asyncio.sleep(0.8)
            first = [one.get_nowait()]
            second = [two.get_nowait()]
            assert other.empty()
            broker.deliver(CLOSED)  # shutdown reaches every stream
            await asyncio.sleep(0.05)
            closed = [one.get_nowait(), two.get_nowait(), other.get_nowait()]
            assert closed == [CLOSED, CLOSED, CLOSED]
            return first, second, len(hub.channels)

    was_closed = broker.closed  # an app that stopped earlier in this process closed the broker
    broker.reopen()
    try:
        first, second, channels = aio.run(scenario())
    finally:
        broker.closed = was_closed
    assert first == second  # the same bytes for both streams
    assert 1 <= len(renders) <= 3  # 20 events, at most one render per 0.3 s
    assert channels == 2
    if len(renders) > 1:  # the latest render sent only what moved since the one before
        assert first == [f"event: live\ndata: render {len(renders)}\n\n".encode()]


def test_a_render_sends_only_the_fragments_that_moved() -> None:
    channel = Channel("spec", list, 1.0)
    assert channel.changed([("live", "1"), ("ranking", "a\nb")]) == b"event: live\ndata: 1\n\nevent: ranking\ndata: a\ndata: b\n\n"
    assert channel.changed([("live", "2"), ("ranking", "a\nb")]) == b"event: live\ndata: 2\n\n"
    assert channel.changed([("live", "2"), ("ranking", "a\nb")]) == b""
