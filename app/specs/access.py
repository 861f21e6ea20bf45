"""Which job specs a caller may read (app/policy.py decides; this module loads the facts)."""

from __future__ import annotations

from sqlmodel import Session, select

from app import policy
from app.errors import NotFound
from app.models import Interview, JobSpec, Scorecard, User


def assigned_to_spec(session: Session, user: User, spec: JobSpec) -> bool:
    """True when the user holds a scorecard on an interview of this spec."""
    query = (select(Scorecard.id).join(Interview, Interview.id == Scorecard.interview_id)
             .where(Interview.spec_id == spec.id, Scorecard.interviewer_id == user.id).limit(1))
    return session.exec(query).first() is not None


def ensure_can_read(session: Session, user: User, spec: JobSpec) -> None:
    """NotFound (not Forbidden) for specs the caller may not read, so slugs do not leak."""
    assigned = not policy.is_manager(user) and assigned_to_spec(session, user, spec)
    if not policy.can_read_spec(user, assigned=assigned):
        raise NotFound(f"no job spec '{spec.slug}'")


def readable_specs(session: Session, user: User) -> list[JobSpec]:
    """The specs the caller may read, by slug."""
    query = select(JobSpec).order_by(JobSpec.slug)
    if policy.is_manager(user):
        return list(session.exec(query).all())
    if not policy.can_read_spec(user, assigned=True):
        return []
    return list(session.exec(query.join(Interview, Interview.spec_id == JobSpec.id)
                             .join(Scorecard, Scorecard.interview_id == Interview.id)
                             .where(Scorecard.interviewer_id == user.id).distinct()).all())
