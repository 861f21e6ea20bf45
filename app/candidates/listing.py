"""The candidates list: searched by name or email, newest first, paged by cursor (the last row's
creation time and id, so a page is a range of `ix_candidate_created` however many candidates)."""

from __future__ import annotations

from sqlalchemy import or_, tuple_
from sqlmodel import Session, col, select

from app.interviews.listing import DEFAULT_LIMIT, MAX_LIMIT, contains, decode_cursor, encode_cursor
from app.models import Candidate


def page_candidates(session: Session, *, q: str = "", cursor: str = "", limit: int = DEFAULT_LIMIT
                    ) -> tuple[list[Candidate], str | None]:
    """One page of candidates whose name or email contains `q` (any case), newest first, and the
    cursor of the next page (None at the end)."""
    limit = max(1, min(limit, MAX_LIMIT))
    query = select(Candidate)
    if q := q.strip()[:200]:
        query = query.where(or_(contains(Candidate.name, q), contains(Candidate.email, q)))
    after = decode_cursor(cursor) if cursor else None
    if after is not None:
        query = query.where(tuple_(col(Candidate.created_at), col(Candidate.id)) < after)
    found = list(session.exec(query.order_by(col(Candidate.created_at).desc(), col(Candidate.id).desc())
                              .limit(limit + 1)).all())
    more = len(found) > limit
    found = found[:limit]
    return found, encode_cursor(found[-1]) if more and found else None
