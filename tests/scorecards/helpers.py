"""Interviews with assigned interviewers and candidate answers, for scorecard tests."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlmodel import Session, select

from app.interviews.service import interview_content, round_questions
from app.models import Answer, Interview, RoundAttempt, Scorecard, User, utcnow
from app.specs import service as specs
from tests.factories import make_interview, make_user

SPEC = "senior-backend-payments"  # round_01 written (all five competencies), round_02 behavioral


def interview_for(session: Session, *, interviewers: dict[str, list[User]], spec_slug: str = SPEC) -> Interview:
    """An interview with these interviewers per round (committed to the test's savepoint)."""
    emails = {key: [u.email for u in users] for key, users in interviewers.items()}
    interview = make_interview(session, spec_slug=spec_slug, interviewers=emails).interview
    session.commit()  # a savepoint: requests that fail roll back to here, not past the setup
    return interview


def card_of(session: Session, interview: Interview, user: User, round_key: str = "round_01") -> Scorecard:
    """The user's scorecard for a round of the interview."""
    return session.exec(select(Scorecard).where(Scorecard.interview_id == interview.id,
                                                Scorecard.round_key == round_key,
                                                Scorecard.interviewer_id == user.id)).one()


def answer_round(session: Session, interview: Interview, round_key: str = "round_01", *,
                 submitted: bool = True, text: str = "I would use an idempotency key per payment.") -> RoundAttempt:
    """The candidate's attempt at a round, with an answer to every question."""
    content = interview_content(session, interview)
    questions = [q.to_dict() for q in round_questions(interview, content, round_key)]
    now = utcnow()
    attempt = RoundAttempt(interview_id=interview.id, round_key=round_key, started_at=now - timedelta(minutes=40),
                           deadline=now + timedelta(minutes=5), submitted_at=now if submitted else None,
                           closed_by="candidate" if submitted else None, questions=questions)
    session.add(attempt)
    session.flush()
    for i, q in enumerate(questions):
        session.add(Answer(attempt_id=attempt.id, question_id=q["id"], text=f"{text} ({i + 1})", revision=1))
    session.commit()
    return attempt


def spec_with(session: Session, slug: str, **changes: Any) -> str:
    """A copy of the payments spec under a new slug with top-level changes; returns the slug."""
    content = dict(specs.get_version(session, specs.get_spec(session, SPEC)).content)
    content.update(slug=slug, **changes)
    specs.save_content(session, content=specs.prepare(session, content), source="api", actor=None)
    return slug


def interviewers(session: Session, n: int = 2) -> list[User]:
    """n interviewer accounts."""
    return [make_user(session, role="interviewer") for _ in range(n)]


FULL = {"financial_systems_design": 3, "distributed_systems_reliability": 4, "postgres_schema_design": None,
        "production_ownership": 2, "fastapi_kafka_systems": 3}
