"""Finding and editing candidates."""

from __future__ import annotations

from sqlmodel import Session, col, or_, select

from app import audit
from app.auth.service import normalise_email
from app.errors import Invalid, NotFound
from app.mail.compose import is_address, one_line
from app.models import Candidate, User

PAGE = 50


def search(session: Session, *, q: str = "", offset: int = 0, limit: int = PAGE) -> list[Candidate]:
    """Candidates whose name or email contains `q` (case-insensitive), newest first."""
    query = select(Candidate)
    if q := q.strip()[:200]:
        pattern = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(or_(col(Candidate.name).ilike(pattern, escape="\\"),
                                col(Candidate.email).ilike(pattern.lower(), escape="\\")))
    query = query.order_by(col(Candidate.created_at).desc(), col(Candidate.id).desc()).offset(max(0, offset))
    return list(session.exec(query.limit(limit)).all())


def get_candidate(session: Session, candidate_id: str) -> Candidate:
    """The candidate with this id, or NotFound."""
    candidate = session.get(Candidate, candidate_id) if "\x00" not in candidate_id else None
    if candidate is None:
        raise NotFound(f"no candidate '{candidate_id}'")
    return candidate


def update_candidate(session: Session, candidate: Candidate, *, name: str, email: str, actor: User) -> None:
    """A corrected name or email (new invitations go to the new address)."""
    errors = []
    if not one_line(name) or one_line(name) != name.strip() or len(name) > 200:
        errors.append({"loc": ["body", "name"], "msg": "name is required: one line, at most 200 characters"})
    if not is_address(email.strip()):
        errors.append({"loc": ["body", "email"], "msg": "not an email address"})
    if errors:
        raise Invalid("invalid candidate", errors=errors)
    candidate.name, candidate.email = name.strip(), normalise_email(email)
    session.add(candidate)
    session.flush()
    audit.record(session, actor=actor, action="candidate.update", object_type="candidate", object_id=candidate.id)
