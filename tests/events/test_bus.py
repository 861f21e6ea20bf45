"""Recorded changes reach the broker only once committed; services record what they change."""

from __future__ import annotations

import asyncio

import pytest
from sqlmodel import select

from app import changes
from app.changes import ChangeKind
from app.db import Session
from app.events import Event, broker
from app.models import Scorecard, utcnow
from app.scorecards import service as scorecards
from app.scorecards.rounds import round_view
from app.specs.service import get_spec
from app.take import service as take
from tests import aio
from tests.conftest import IS_POSTGRES
from tests.dashboard.helpers import SPEC
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


def test_a_recorded_change_is_delivered_after_commit_only(session: Session) -> None:
    spec = get_spec(session, SPEC)
    record = lambda: changes.record(session, ChangeKind.SPEC_VERSION_CREATED, spec_id=spec.id)  # noqa: E731
    assert collect(record) == []
    assert collect(session.commit) == [Event(spec.id, "job_spec.version_created")]


def test_a_rolled_back_change_is_never_delivered(session: Session) -> None:
    spec = get_spec(session, SPEC)

    def record_and_roll_back() -> None:
        changes.record(session, ChangeKind.SPEC_VERSION_CREATED, spec_id=spec.id)
        session.rollback()
        session.commit()

    assert collect(record_and_roll_back) == []


def test_repeated_events_of_one_transaction_are_delivered_once(session: Session) -> None:
    spec = get_spec(session, SPEC)

    def twice() -> None:
        for _ in range(2):
            changes.record(session, ChangeKind.SPEC_VERSION_CREATED, spec_id=spec.id)
        session.commit()

    assert collect(twice) == [Event(spec.id, "job_spec.version_created")]


def test_recording_without_handlers_is_refused(session: Session) -> None:
    spec = get_spec(session, SPEC)
    kept = changes.installed()
    changes.install(())
    try:
        with pytest.raises(changes.NoHandlers):
            changes.record(session, ChangeKind.SPEC_VERSION_CREATED, spec_id=spec.id)
    finally:
        changes.install(kept)


def _submitted_card(session: Session):  # type: ignore[no-untyped-def]
    alice = make_user(session, role="interviewer")
    interview = make_interview(session, interviewers={"round_01": [alice.email]}).interview
    session.commit()
    card = session.exec(select(Scorecard).where(Scorecard.interview_id == interview.id)).one()
    view = round_view(session, card)
    ratings = {cid: 3 for cid in view.covered_ids}
    draft = scorecards.validate_changes(view, ratings=ratings, notes={}, must_haves={})
    scorecards.save_draft(session, card=card, changes=draft)
    return alice, interview, card, view


def test_submitting_and_amending_a_scorecard_deliver_their_events(session: Session) -> None:
    alice, interview, card, view = _submitted_card(session)
    assert collect(session.commit) == []  # a draft moves no dashboard

    def submit() -> None:
        scorecards.submit(session, card=card, actor=alice, view=view)
        session.commit()

    assert collect(submit) == [Event(interview.spec_id, "scorecard.submitted")]
    first = view.covered_ids[0]
    amendment = scorecards.validate_changes(view, ratings={first: 4}, notes={}, must_haves={})

    def amend() -> None:
        scorecards.amend(session, card=card, actor=alice, changes=amendment, reason="second look", view=view)
        session.commit()

    assert collect(amend) == [Event(interview.spec_id, "scorecard.amended")]


def test_creating_an_interview_and_submitting_a_round_deliver_their_events(session: Session) -> None:
    created = collect(lambda: (make_interview(session), session.commit()))
    assert [e.kind for e in created] == ["interview.created"]
    interview = make_interview(session).interview
    take.start_round(session, interview, "round_01", now=utcnow())
    session.commit()

    def submit_round() -> None:
        take.submit_round(session, interview, "round_01", now=utcnow())
        session.commit()

    assert collect(submit_round) == [Event(interview.spec_id, "round.submitted")]
