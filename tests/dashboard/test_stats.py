"""The running dashboard totals follow every kind of change, in any order, and roll back with it."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import Session, select

from app import changes
from app.changes import ChangeKind
from app.dashboard import stats
from app.dashboard.service import spec_dashboard
from tests.dashboard.reference import dashboard_from_ratings
from app.models import Interview, Rating, Scorecard, SpecStat, utcnow
from app.specs.service import get_spec
from tests.dashboard.helpers import SPEC, add_scorecard
from tests.factories import make_interview

COMPETENCIES = ("financial_systems_design", "distributed_systems", "api_design")

step = st.one_of(
    st.tuples(st.just("interview"), st.integers(0, 9)),
    st.tuples(st.just("card"), st.integers(0, 9), st.booleans(),
              st.dictionaries(st.sampled_from(COMPETENCIES), st.one_of(st.none(), st.integers(1, 5)), max_size=3)),
    st.tuples(st.just("submit"), st.integers(0, 99)),
    st.tuples(st.just("rate"), st.integers(0, 99), st.one_of(st.none(), st.integers(1, 5))),
    st.tuples(st.just("unrate"), st.integers(0, 99)),
    st.tuples(st.just("complete"), st.integers(0, 9), st.booleans()),
)


def _same(a: dict, b: dict) -> bool:
    def close(x, y) -> bool:  # type: ignore[no-untyped-def]
        return x is None and y is None or (x is not None and y is not None and abs(x - y) < 1e-6)
    return ((a["interviews"], a["completed"]) == (b["interviews"], b["completed"]) and close(a["avg_score"], b["avg_score"])
            and all(x["n"] == y["n"] and close(x["avg_score"], y["avg_score"])
                    for x, y in zip(a["competencies"], b["competencies"])))


def _apply(session: Session, interviews: list[Interview], cards: list[Scorecard], step: tuple) -> None:
    kind = step[0]
    if kind == "interview" or not interviews:
        interviews.append(make_interview(session).interview)
    elif kind == "card":
        _, which, submitted, ratings = step
        cards.append(add_scorecard(session, interviews[which % len(interviews)], ratings=ratings, submitted=submitted))
    elif kind == "complete":
        _, which, done = step
        interview = interviews[which % len(interviews)]
        interview.completed_at = utcnow() if done else None
        session.add(interview)
        _record(session, ChangeKind.INTERVIEW_COMPLETED if done else ChangeKind.INTERVIEW_REOPENED, interview.id)
    elif cards:
        card = cards[step[1] % len(cards)]
        ratings = session.exec(select(Rating).where(Rating.scorecard_id == card.id).order_by(Rating.id)).all()
        if kind == "submit":
            card.status, card.submitted_at = "submitted", utcnow()
            session.add(card)
        elif kind == "rate" and ratings:
            ratings[0].value = step[2]
            session.add(ratings[0])
        elif kind == "unrate" and ratings:
            session.delete(ratings[-1])
        _record(session, ChangeKind.SCORECARD_SUBMITTED if kind == "submit" else ChangeKind.SCORECARD_AMENDED,
                card.interview_id)
    session.flush()


def _record(session: Session, kind: ChangeKind, interview_id: str) -> None:
    """What the service making such a change records."""
    spec_id = session.get(Interview, interview_id).spec_id
    changes.record(session, kind, spec_id=spec_id, interview_id=interview_id)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(step, min_size=1, max_size=12))
def test_totals_equal_the_rows_after_every_step(session: Session, steps) -> None:
    spec = get_spec(session, SPEC)
    nested = session.begin_nested()
    try:
        interviews: list[Interview] = []
        cards: list[Scorecard] = []
        for item in steps:
            _apply(session, interviews, cards, item)
            assert _same(spec_dashboard(session, spec), dashboard_from_ratings(session, spec)), item
    finally:
        nested.rollback()


def test_a_rolled_back_change_leaves_the_totals_as_they_were(session: Session) -> None:
    spec = get_spec(session, SPEC)
    before = spec_dashboard(session, spec)
    nested = session.begin_nested()
    interview = make_interview(session).interview
    add_scorecard(session, interview, ratings={"financial_systems_design": 5})
    interview.completed_at = utcnow()
    session.add(interview)
    _record(session, ChangeKind.INTERVIEW_COMPLETED, interview.id)
    during = spec_dashboard(session, spec)
    assert (during["interviews"], during["completed"]) == (before["interviews"] + 1, before["completed"] + 1)
    nested.rollback()
    assert spec_dashboard(session, spec) == before


def test_rebuild_recomputes_totals_from_the_rows(session: Session) -> None:
    spec = get_spec(session, SPEC)
    interview = make_interview(session).interview
    add_scorecard(session, interview, ratings={"financial_systems_design": 4, "distributed_systems": 2})
    interview.completed_at = utcnow()
    session.add(interview)
    _record(session, ChangeKind.INTERVIEW_COMPLETED, interview.id)
    expected = spec_dashboard(session, spec)
    assert expected["completed"] >= 1 and expected["avg_score"] is not None
    session.connection().execute(SpecStat.__table__.update().values(interviews=0, completed=0, overall_sum=0.0, overall_n=0))
    assert spec_dashboard(session, spec) != expected
    assert stats.rebuild(session.connection()) >= 1
    assert _same(spec_dashboard(session, spec), expected)
