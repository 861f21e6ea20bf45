"""Build scored interviews directly in the database for dashboard and score tests."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from app import changes
from app.changes import ChangeKind
from app.models import Interview, MustHaveCheck, Rating, Scorecard, User, utcnow
from tests.factories import make_interview, make_user

SPEC = "senior-backend-payments"


def add_scorecard(session: Session, interview: Interview, *, interviewer: User | None = None,
                  round_key: str = "round_01", ratings: dict[str, int | None] | None = None,
                  must_haves: dict[str, str] | None = None, submitted: bool = True,
                  recommendation: str | None = None, notes: dict[str, str] | None = None) -> Scorecard:
    """A scorecard with ratings and must-have checks (submitted unless told otherwise)."""
    interviewer = interviewer or make_user(session, role="interviewer")
    card = Scorecard(interview_id=interview.id, round_key=round_key, interviewer_id=interviewer.id,
                     status="submitted" if submitted else "draft", recommendation=recommendation,
                     submitted_at=utcnow() if submitted else None)
    session.add(card)
    session.flush()
    for cid, value in (ratings or {}).items():
        session.add(Rating(scorecard_id=card.id, competency_id=cid, value=value, note=(notes or {}).get(cid, "")))
    for mid, status in (must_haves or {}).items():
        session.add(MustHaveCheck(scorecard_id=card.id, must_have_id=mid, status=status))
    if submitted:
        changes.record(session, ChangeKind.SCORECARD_SUBMITTED, spec_id=interview.spec_id, interview_id=interview.id)
    session.flush()
    return card


def run_aggregates(session: Session, spec_slug: str = SPEC) -> None:
    """What the background job does once a spec's scorecards settle: recompute its stored aggregates
    (the job itself is tested in tests/dashboard/test_aggregates_job.py)."""
    from app.dashboard import aggregates
    from app.specs.service import get_spec

    aggregates.recompute(session.connection(), get_spec(session, spec_slug).id)
    session.flush()


def scored_interview(session: Session, cards: list[dict[str, Any]], *, completed: bool = True,
                     spec_slug: str = SPEC) -> Interview:
    """An interview with the given scorecards (kwargs of add_scorecard), completed or not."""
    interview = make_interview(session, spec_slug=spec_slug).interview
    for card in cards:
        add_scorecard(session, interview, **card)
    interview.completed_at = utcnow() if completed else None
    session.add(interview)
    if completed:
        changes.record(session, ChangeKind.INTERVIEW_COMPLETED, spec_id=interview.spec_id, interview_id=interview.id)
    session.flush()
    return interview
