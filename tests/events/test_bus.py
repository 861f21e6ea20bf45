"""Events are published by the rows that change, delivered only after commit."""

from __future__ import annotations

import asyncio

import pytest
from sqlmodel import Session

from app.events import Event, broker, publish
from app.models import RoundAttempt, Scorecard, utcnow
from app.specs.service import get_spec
from tests import aio
from tests.conftest import IS_POSTGRES
from tests.dashboard.helpers import SPEC, add_scorecard
from tests.factories import make_interview, make_user

pytestmark = pytest.mark.skipif(IS_POSTGRES, reason="on Postgres events travel by NOTIFY (tests/events/test_postgres.py)")


@pytest.fixture(autouse=True)
def open_broker():  # type: ignore[no-untyped-def]
    """The broker as a running server has it (an app shut down earlier in this process closed it)."""
    broker.reopen()
    yield


def collect(action) -> list[Event]:  # type: ignore[no-untyped-def]
    """Run `action` while subscribed; return what was delivered."""
    async def run() -> list[Event]:
        async with broker.subscribe() as queue:
            await asyncio.to_thread(action)
            await asyncio.sleep(0.05)
            items = []
            while not queue.empty():
                items.append(queue.get_nowait())
            return items
    return aio.run(run())


def test_publish_delivers_after_commit_only(session: Session) -> None:
    spec = get_spec(session, SPEC)
    assert collect(lambda: publish(session, spec.id, "weights_changed")) == []
    assert collect(session.commit) == [Event(spec.id, "weights_changed")]


def test_publish_rolled_back_is_never_delivered(session: Session) -> None:
    spec = get_spec(session, SPEC)

    def publish_and_roll_back() -> None:
        publish(session, spec.id, "weights_changed")
        session.rollback()
        session.commit()

    assert collect(publish_and_roll_back) == []


def test_watch_scorecard_submitted_publishes_for_its_spec(session: Session) -> None:
    interview = make_interview(session).interview
    card = add_scorecard(session, interview, submitted=False, ratings={"financial_systems_design": 3})
    session.commit()

    def submit() -> None:
        card.status, card.submitted_at = "submitted", utcnow()
        session.add(card)
        session.commit()

    assert Event(interview.spec_id, "scorecard_submitted") in collect(submit)


def test_watch_amending_a_submitted_scorecard_publishes_amended(session: Session) -> None:
    interview = make_interview(session).interview
    card = add_scorecard(session, interview, ratings={"financial_systems_design": 3})
    session.commit()

    def amend() -> None:
        card.recommendation = "yes"
        session.add(card)
        session.commit()

    assert collect(amend) == [Event(interview.spec_id, "scorecard_amended")]


def test_watch_draft_edits_publish_nothing(session: Session) -> None:
    interview = make_interview(session).interview
    card = add_scorecard(session, interview, submitted=False)
    session.commit()

    def edit() -> None:
        card.recommendation = "no"
        session.add(card)
        session.commit()

    assert collect(edit) == []


def test_watch_round_submitted_and_interview_created(session: Session) -> None:
    make_user(session)
    created = collect(lambda: (make_interview(session), session.commit()))
    assert [e.kind for e in created] == ["interview_created"]
    interview = make_interview(session).interview
    attempt = RoundAttempt(interview_id=interview.id, round_key="round_01", started_at=utcnow(), deadline=utcnow())
    session.add(attempt)
    session.commit()

    def submit_round() -> None:
        attempt.submitted_at = utcnow()
        session.add(attempt)
        session.commit()

    assert collect(submit_round) == [Event(interview.spec_id, "round_submitted")]
    assert Scorecard  # the models the watcher looks at
