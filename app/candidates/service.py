"""Finding and editing candidates (the paged search is app/candidates/listing.py)."""

from __future__ import annotations

from sqlmodel import Session

from app import audit
from app.auth.service import normalise_email
from app.errors import Invalid, NotFound
from app.people import person_errors
from app.models import Candidate, User


def get_candidate(session: Session, candidate_id: str) -> Candidate:
    """The candidate with this id, or NotFound."""
    candidate = session.get(Candidate, candidate_id) if "\x00" not in candidate_id else None
    if candidate is None:
        raise NotFound(f"no candidate '{candidate_id}'")
    return candidate


def update_candidate(session: Session, candidate: Candidate, *, name: str, email: str, actor: User) -> None:
    """A corrected name or email (new invitations go to the new address)."""
    if errors := person_errors(name, email):
        raise Invalid("invalid candidate", errors=errors)
    candidate.name, candidate.email = name.strip(), normalise_email(email)
    session.add(candidate)
    session.flush()
    audit.record(session, actor=actor, action="candidate.update", object_type="candidate", object_id=candidate.id)
