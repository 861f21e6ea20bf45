"""Who may read a job spec: managers and admins all, interviewers those of their interviews."""

from __future__ import annotations

from sqlmodel import Session, select

from app.errors import NotFound
from app.models import Interview, JobSpec, Scorecard, User

MANAGERS = ("admin", "hiring_manager")


def can_read_spec(session: Session, user: User, spec: JobSpec) -> bool:
    """True for managers, and for interviewers assigned to an interview on this spec."""
    if user.role in MANAGERS:
        return True
    query = (select(Scorecard.id).join(Interview, Interview.id == Scorecard.interview_id)
             .where(Interview.spec_id == spec.id, Scorecard.interviewer_id == user.id).limit(1))
    return session.exec(query).first() is not None


def ensure_can_read(session: Session, user: User, spec: JobSpec) -> None:
    """NotFound (not Forbidden) for specs the caller may not read, so slugs do not leak."""
    if not can_read_spec(session, user, spec):
        raise NotFound(f"no job spec '{spec.slug}'")


def readable_specs(session: Session, user: User) -> list[JobSpec]:
    """The specs the caller may read, by slug."""
    query = select(JobSpec).order_by(JobSpec.slug)
    if user.role not in MANAGERS:
        query = (query.join(Interview, Interview.spec_id == JobSpec.id)
                 .join(Scorecard, Scorecard.interview_id == Interview.id)
                 .where(Scorecard.interviewer_id == user.id).distinct())
    return list(session.exec(query).all())
