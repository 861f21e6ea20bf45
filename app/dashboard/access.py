"""Who may see scores: managers and admins always; interviewers only the interviews they are on,
once their own scorecard there is submitted."""

from __future__ import annotations

from sqlmodel import Session, select

from app.errors import Forbidden, NotFound
from app.models import Interview, JobSpec, Scorecard, User

MANAGERS = ("admin", "hiring_manager")


def interview_for_score(session: Session, user: User, interview_id: str) -> Interview:
    """The interview whose score the caller may read (NotFound hides others' interviews)."""
    interview = session.get(Interview, interview_id)
    if interview is None:
        raise NotFound(f"no interview '{interview_id}'")
    if user.role in MANAGERS:
        return interview
    cards = session.exec(select(Scorecard.status).where(Scorecard.interview_id == interview.id,
                                                        Scorecard.interviewer_id == user.id)).all()
    if not cards:
        raise NotFound(f"no interview '{interview_id}'")
    if not any(status == "submitted" for status in cards):
        raise Forbidden("submit your own scorecard first: scores are shown after you submit")
    return interview


def spec_of(session: Session, interview: Interview) -> JobSpec:
    """The job spec of an interview."""
    spec = session.get(JobSpec, interview.spec_id)
    assert spec is not None
    return spec
