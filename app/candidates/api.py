"""JSON API for candidates (DESIGN: Public JSON API): create one, and page through them."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query

from app.candidates import listing as candidate_listing
from app.deps import Manager, SessionDep
from app.interviews import listing, service
from app.interviews.schemas import CandidateIn, CandidatePageOut, CreatedOut
from app.schemas import CSRF_403, NO_NUL, errors

# Tagged with the interviews, as they were first documented: clients generated from the document keep their modules.
router = APIRouter(prefix="/api/v1", tags=["interviews"])


@router.post("/candidates", status_code=201, response_model=CreatedOut, responses=errors(401, (403, CSRF_403), 422))
def create_candidate(body: CandidateIn, session: SessionDep, user: Manager) -> dict[str, Any]:
    """A new candidate."""
    candidate = service.create_candidate(session, name=body.name, email=body.email, actor=user)
    return {"id": candidate.id}


@router.get("/candidates", response_model=CandidatePageOut, responses=errors(401, (403, "for hiring managers and admins"), 422))
def list_candidates(session: SessionDep, user: Manager, q: str = Query("", max_length=200, pattern=NO_NUL),
                    cursor: str = Query("", max_length=300, pattern=NO_NUL),
                    limit: int = Query(listing.DEFAULT_LIMIT, ge=1, le=listing.MAX_LIMIT)) -> dict[str, Any]:
    """Candidates, newest first, whose name or email contains `q` (any case); `{items, next_cursor}`."""
    found, next_cursor = candidate_listing.page_candidates(session, q=q, cursor=cursor, limit=limit)
    items = [{"id": c.id, "name": c.name, "email": c.email, "created_at": c.created_at.isoformat()} for c in found]
    return {"items": items, "next_cursor": next_cursor}
