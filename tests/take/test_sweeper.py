"""The sweeper closes overdue rounds on its own, stamped at the deadline (injected clock, no sleeps)."""

from __future__ import annotations

from sqlmodel import Session, select

from app.models import Interview, RoundAttempt
from app.take import service
from app.take.sweeper import sweep_once
from tests.factories import make_interview
from tests.take.helpers import timed_spec


def test_sweeper_closes_overdue_round_at_its_deadline(committed_engine, clock):
    with Session(committed_engine, expire_on_commit=False) as session:
        interview = make_interview(session, spec_slug=timed_spec(session, minutes=0.1)).interview
        attempt = service.start_round(session, interview, "written", now=clock())
        session.commit()
    clock.advance(6 + service.grace().total_seconds())
    assert sweep_once(committed_engine) == 0  # still inside the grace period
    clock.advance(1)
    assert sweep_once(committed_engine) >= 1
    assert sweep_once(committed_engine) == 0
    with Session(committed_engine) as session:
        closed = session.get(RoundAttempt, attempt.id)
        assert closed.submitted_at == attempt.deadline and closed.closed_by == "timer"
        assert session.get(Interview, interview.id).completed_at is None  # the other round is still open


def test_sweep_leaves_running_rounds_alone(session, clock):
    interview = make_interview(session, spec_slug=timed_spec(session, minutes=0.1)).interview
    service.start_round(session, interview, "written", now=clock())
    assert service.sweep(session, now=clock.advance(5)) == 0
    attempt = session.exec(select(RoundAttempt).where(RoundAttempt.interview_id == interview.id)).one()
    assert attempt.submitted_at is None


def test_sweeper_loop_survives_a_failed_pass_and_stops_when_cancelled(monkeypatch):
    import asyncio

    from app.take import sweeper

    passes: list[str] = []

    def flaky_pass() -> int:
        passes.append("pass")
        if len(passes) == 1:
            raise RuntimeError("database restarting")
        return 1

    async def no_wait(_: float) -> None:
        if len(passes) >= 3:
            raise asyncio.CancelledError

    monkeypatch.setattr(sweeper, "sweep_once", flaky_pass)
    monkeypatch.setattr(sweeper.asyncio, "sleep", no_wait)

    async def run() -> None:
        try:
            await sweeper.run_forever()
        except asyncio.CancelledError:
            pass

    from tests import aio

    aio.run(run())
    assert passes == ["pass", "pass", "pass"]
