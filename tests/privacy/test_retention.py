"""CALIBRATE_RETENTION_DAYS: the worker's sweep erases exactly the candidates whose last activity is
older than the setting, with the same erasure as a request."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update
from sqlmodel import select

from app import wiring
from app.models import Answer, AuditEvent, Candidate, RoundAttempt, Scorecard, utcnow
from app.privacy import erasure
from app.settings import get_settings
from app.take import service as take
from tests.factories import make_candidate, make_interview, make_user


@pytest.fixture
def retention(monkeypatch):
    monkeypatch.setenv("CALIBRATE_RETENTION_DAYS", "30")
    get_settings.cache_clear()
    yield 30
    monkeypatch.delenv("CALIBRATE_RETENTION_DAYS")
    get_settings.cache_clear()


def test_retention_sweep_erases_exactly_the_expired_candidates(session, retention):
    now = utcnow()
    later = now + timedelta(days=40)  # the sweep runs 40 days from now: the cutoff is 10 days from now
    idle = make_candidate(session)  # no interview, created now: expired
    untouched = make_interview(session).interview  # invited now, nothing since: expired
    answered = make_interview(session).interview  # answered 20 days from now: kept
    attempt = take.start_round(session, answered, "round_01", now=now)
    take.save_answer(session, answered, "round_01", attempt.questions[0]["id"], text="kept for now", revision=1, now=now)
    session.execute(update(Answer).where(Answer.attempt_id == attempt.id).values(saved_at=now + timedelta(days=20)))
    rater = make_user(session, role="interviewer")
    scored = make_interview(session, interviewers={"round_01": [rater.email]}).interview  # scored 15 days on: kept
    session.execute(update(Scorecard).where(Scorecard.interview_id == scored.id).values(updated_at=now + timedelta(days=15)))
    submitted = make_interview(session).interview  # a round submitted 5 days on: expired (before the cutoff)
    late = take.start_round(session, submitted, "round_01", now=now)
    session.execute(update(RoundAttempt).where(RoundAttempt.id == late.id).values(submitted_at=now + timedelta(days=5)))
    session.commit()

    expired = {idle.id, untouched.candidate_id, submitted.candidate_id}
    assert {c.id for c in erasure.expired_candidates(session, later, retention, limit=1000)} == expired
    assert erasure.retention_sweep(session, later) == 3
    session.expire_all()
    erased = {c.id for c in session.exec(select(Candidate).where(Candidate.erased_at.is_not(None)))}
    assert erased == expired
    entries = session.exec(select(AuditEvent).where(AuditEvent.action == "candidate.erase")).all()
    assert {e.object_id for e in entries} == expired
    assert {e.actor for e in entries} == {"retention"} and {e.detail["reason"] for e in entries} == {"retention"}
    # Erased candidates are not swept again; the kept ones go once their own time comes.
    assert erasure.retention_sweep(session, later) == 0
    assert {c.id for c in erasure.expired_candidates(session, later + timedelta(days=30), retention)} == {
        answered.candidate_id, scored.candidate_id}

def test_retention_is_off_by_default(session):
    make_candidate(session)
    assert get_settings().retention_days is None
    assert erasure.retention_sweep(session, utcnow() + timedelta(days=10_000)) == 0


def test_the_worker_runs_the_retention_sweep():
    assert erasure.retention_sweep in wiring.job_registry().sweeps
