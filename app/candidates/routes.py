"""Candidate pages: `/candidates` (search) and `/candidates/{id}` (their interviews, editing)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.candidates import listing as candidate_listing
from app.candidates import service
from app.deps import Manager, SessionDep
from app.errors import Invalid
from app.interviews import listing
from app.interviews.service import interview_status
from app.models import Candidate
from app.web import PostedForm, redirect, render

router = APIRouter()


@router.get("/candidates")
def candidates_page(request: Request, session: SessionDep, user: Manager, q: str = "", cursor: str = "") -> Response:
    """Search candidates by name or email, newest first, a page at a time."""
    found, next_cursor = candidate_listing.page_candidates(session, q=q, cursor=cursor[:300])
    return render(request, "candidates/list.html", {"candidates": found, "q": q[:200], "next_cursor": next_cursor,
                                                    "first_page": not cursor}, block="results")


def _detail(request: Request, session: SessionDep, candidate: Candidate, *, values: dict[str, str] | None = None,
            errors: list[dict[str, Any]] | None = None, status_code: int = 200) -> Response:
    rows, _ = listing.page_interviews(session, listing.InterviewFilter(candidate_id=candidate.id),
                                      limit=listing.MAX_LIMIT)
    interviews = [(interview, version, interview_status(session, interview)) for interview, _, version in rows]
    return render(request, "candidates/page.html", {
        "candidate": candidate, "interviews": interviews, "errors": errors or [],
        "values": values or {"name": candidate.name, "email": candidate.email},
        "saved": request.query_params.get("saved") == "1", "erased": request.query_params.get("erased") == "1"},
        status_code=status_code)


@router.get("/candidates/{candidate_id}")
def candidate_page(candidate_id: str, request: Request, session: SessionDep, user: Manager) -> Response:
    """One candidate: their interviews with statuses, and their name and email to correct."""
    return _detail(request, session, service.get_candidate(session, candidate_id))


@router.post("/candidates/{candidate_id}")
def edit_candidate(candidate_id: str, request: Request, session: SessionDep, user: Manager, form: PostedForm) -> Response:
    """Correct the candidate's name or email."""
    candidate = service.get_candidate(session, candidate_id)
    values = {"name": str(form.get("name", "")), "email": str(form.get("email", ""))}
    try:
        with session.begin_nested():
            service.update_candidate(session, candidate, name=values["name"], email=values["email"], actor=user)
    except Invalid as exc:
        session.refresh(candidate)
        return _detail(request, session, candidate, values=values, errors=exc.errors, status_code=422)
    return redirect(request, f"/candidates/{candidate.id}?saved=1")
