"""`calibrate demo`: realistic data with disagreement, no-evidence ratings, knockouts and unfinished interviews."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from app.dashboard import scores
from app.dashboard.service import spec_dashboard
from app.db import make_engine, session_scope
from app.demo import CANDIDATES, DEMO_DOMAIN, load_demo
from app.models import Answer, Candidate, Interview, JobSpec, Rating, Scorecard, User


def test_demo_loads_realistic_data_once(session: Session) -> None:
    lines = list(load_demo(session))
    assert len(lines) >= CANDIDATES
    demo = select(Candidate.id).where(Candidate.email.endswith(f"@{DEMO_DOMAIN}"))
    assert len(session.exec(demo).all()) == CANDIDATES
    interviews = session.exec(select(Interview).where(Interview.candidate_id.in_(demo))).all()
    assert sum(i.completed_at is None for i in interviews) >= 2  # some unfinished
    assert sum(i.completed_at is not None for i in interviews) >= 25
    raters = session.exec(select(func.count(func.distinct(Scorecard.interviewer_id)))
                          .where(Scorecard.status == "submitted")).one()
    assert raters >= 3
    assert session.exec(select(func.count()).select_from(Rating).where(Rating.value.is_(None))).one() > 0
    assert session.exec(select(func.count()).select_from(Answer)).one() > 0
    knocked, leniency = 0, {}
    for spec in session.exec(select(JobSpec)).all():
        evidence = scores.load_evidence(session, spec)
        knocked += sum(scores.score_of(ev).knocked_out for ev in evidence)
        leniency.update(scores.leniency_for(evidence))
    assert knocked >= 1
    lenient = session.exec(select(User.email).where(User.email.startswith("priya.lenient"))).one()
    severe = session.exec(select(User.email).where(User.email.startswith("marcus.severe"))).one()
    assert leniency[lenient]["leniency"] > 0 > leniency[severe]["leniency"]
    payments = session.exec(select(JobSpec).where(JobSpec.slug == "senior-backend-payments")).one()
    live = spec_dashboard(session, payments)
    assert live["completed"] > 0 and live["avg_score"] is not None
    assert all(c["n"] > 0 for c in live["competencies"])
    assert list(load_demo(session)) == ["demo data is already loaded; nothing to do"]


def test_demo_names_are_unique_and_answers_are_written_per_question(session: Session) -> None:
    list(load_demo(session))
    names = session.exec(select(Candidate.name).where(Candidate.email.endswith(f"@{DEMO_DOMAIN}"))).all()
    assert len(set(names)) == len(names) == CANDIDATES
    texts = session.exec(select(Answer.question_id, Answer.text)).all()
    by_question: dict[str, set[str]] = {}
    for question_id, text in texts:
        by_question.setdefault(question_id, set()).add(text)
    assert len({text for _, text in texts}) > len(texts) * 0.8  # hardly any answer is repeated verbatim
    shared = set.intersection(*(by_question[q] for q in list(by_question)[:2])) if len(by_question) > 1 else set()
    assert shared == set()  # two questions never get the same text


def test_demo_interviews_adds_completed_interviews_through_the_change_path(session: Session) -> None:
    from contextlib import contextmanager

    from app.dashboard import aggregates
    from app.demo_bulk import BULK_DOMAIN, add_completed_interviews
    from app.jobs.models import Job
    from app.models import InterviewStat
    from tests.dashboard.reference import dashboard_from_ratings

    @contextmanager
    def sessions():  # type: ignore[no-untyped-def]
        yield session
        session.flush()

    spec = session.exec(select(JobSpec).where(JobSpec.slug == "senior-backend-payments")).one()
    before = spec_dashboard(session, spec)["interviews"]
    lines = list(add_completed_interviews(sessions, count=25, seed=3, writers=1))  # one shared session
    assert lines[-1] == "25/25 completed interviews added to senior-backend-payments"
    bulk = select(Interview.id).join(Candidate, Candidate.id == Interview.candidate_id).where(
        Candidate.email.endswith(f"@{BULK_DOMAIN}"))
    ids = session.exec(bulk).all()
    assert len(ids) == 25
    live = spec_dashboard(session, spec)
    assert live["interviews"] == before + 25
    fresh = dashboard_from_ratings(session, spec)
    assert (live["interviews"], live["completed"]) == (fresh["interviews"], fresh["completed"])
    assert abs(live["avg_score"] - fresh["avg_score"]) < 1e-6  # the running totals moved with the rows
    rows = session.exec(select(InterviewStat).where(InterviewStat.interview_id.in_(ids))).all()
    assert len(rows) == 25 and all(r.completed and r.cards_submitted >= 4 for r in rows)
    assert sum(r.overall is not None for r in rows) == 25
    assert session.exec(select(Job).where(Job.kind == aggregates.KIND_NAME, Job.key == spec.id,
                                          Job.done_at.is_(None))).first() is not None


@pytest.fixture
def scratch_engine(tmp_path):  # type: ignore[no-untyped-def]
    """A migrated database of its own (a SQLite file, or a Postgres schema) with the shipped specs:
    the bulk load commits batches from several sessions at once, which the test session cannot hold."""
    from bench.main import prepare_database
    from tests.conftest import IS_POSTGRES, TEST_DATABASE_URL, migrate_and_load

    url, drop = prepare_database(TEST_DATABASE_URL, tmp_path)
    engine = make_engine(url)
    migrate_and_load(engine)
    yield engine, IS_POSTGRES
    engine.dispose()
    drop()


def test_demo_interviews_with_parallel_writers_commit_every_batch_through_the_change_path(
        scratch_engine, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from app import demo_bulk
    from app.models import InterviewStat
    from tests.dashboard.reference import dashboard_from_ratings

    engine, postgres = scratch_engine
    threads: set[str] = set()
    write = demo_bulk.Batch.write

    def watched(batch, session):  # type: ignore[no-untyped-def]
        threads.add(threading.current_thread().name)
        write(batch, session)

    monkeypatch.setattr(demo_bulk.Batch, "write", watched)
    lines = list(demo_bulk.add_completed_interviews(lambda: session_scope(engine), count=40, seed=5,
                                                    batch_size=7))  # several batches, two at a time on PostgreSQL
    assert len(threads) == (2 if postgres else 1)  # the default: two writers on PostgreSQL, SQLite has one
    assert lines == [f"{n}/40 completed interviews added to senior-backend-payments" for n in (7, 14, 21, 28, 35, 40)]
    with session_scope(engine) as session:
        spec = session.exec(select(JobSpec).where(JobSpec.slug == "senior-backend-payments")).one()
        ids = session.exec(select(Interview.id).where(Interview.spec_id == spec.id)).all()
        assert len(ids) == 40
        rows = session.exec(select(InterviewStat).where(InterviewStat.spec_id == spec.id)).all()
        assert len(rows) == 40 and all(r.completed and r.overall is not None for r in rows)
        cards = session.exec(select(Scorecard).where(Scorecard.interview_id.in_(ids))).all()
        assert all(c.status == "submitted" and c.submitted_at.tzinfo is not None for c in cards)
        live, fresh = spec_dashboard(session, spec), dashboard_from_ratings(session, spec)
        assert (live["interviews"], live["completed"]) == (fresh["interviews"], fresh["completed"]) == (40, 40)
        assert abs(live["avg_score"] - fresh["avg_score"]) < 1e-6  # the totals of every batch, none lost
