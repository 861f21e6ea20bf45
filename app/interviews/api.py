"""JSON API for interviews (DESIGN: Public JSON API); candidates are in app/candidates/api.py."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Query, Request
from sqlmodel import select

from app import policy
from app.schemas import NO_NUL
from app.deps import Manager, SessionDep, Staff
from app.interviews import listing, service
from app.interviews.detail import interview_detail
from app.interviews.schemas import InterviewCreatedOut, InterviewIn, InterviewOut, InterviewPageOut
from app.models import JobSpec
from app.schemas import CSRF_403, errors
from app import clock

router = APIRouter(prefix="/api/v1", tags=["interviews"])


def candidate_url(request: Request, token: str) -> str:
    """The absolute invite link for a token."""
    return f"{str(request.base_url).rstrip('/')}/take/{token}"


@router.get("/interviews", response_model=InterviewPageOut, responses=errors(401, (403, "for hiring managers and admins"), 422))
def list_interviews(session: SessionDep, user: Manager, job_spec: str = Query("", max_length=120, pattern=NO_NUL),
                    status: Literal["invited", "started", "completed"] | None = None,
                    interviewer: str = Query("", max_length=64, pattern=NO_NUL, description="a staff member's id"),
                    q: str = Query("", max_length=200, pattern=NO_NUL, description="part of the candidate's name or email"),
                    sort: Literal["newest", "oldest"] = "newest", cursor: str = Query("", max_length=300, pattern=NO_NUL),
                    limit: int = Query(listing.DEFAULT_LIMIT, ge=1, le=listing.MAX_LIMIT)) -> dict[str, Any]:
    """Interviews, newest (or oldest) first, filtered by spec, status and interviewer and searched by the
    candidate's name or email; `{items, next_cursor}`."""
    wanted = listing.InterviewFilter(spec_slug=job_spec, status=status or "", interviewer_id=interviewer, q=q,
                                     oldest_first=sort == "oldest")
    rows, next_cursor = listing.page_interviews(session, wanted, cursor=cursor, limit=limit)
    slugs = dict(session.exec(select(JobSpec.id, JobSpec.slug)).all())
    items = [{"id": i.id, "status": service.interview_status(session, i),
              "candidate": {"id": c.id, "name": c.name, "email": c.email}, "job_spec": slugs.get(i.spec_id, ""),
              "version": v.label, "created_at": i.created_at.isoformat(),
              "completed_at": i.completed_at.isoformat() if i.completed_at else None} for i, c, v in rows]
    return {"items": items, "next_cursor": next_cursor}


@router.post("/interviews", status_code=201, response_model=InterviewCreatedOut,
             responses=errors(401, (403, CSRF_403), (404, "no such candidate or job spec"), 422))
def create_interview(body: InterviewIn, request: Request, session: SessionDep, user: Manager) -> dict[str, Any]:
    """An interview on the spec's current version; the candidate link is returned once."""
    created = service.create_interview(session, candidate_id=body.candidate_id, spec_slug=body.job_spec,
                                       interviewers=body.interviewers, time_factor=body.time_factor, actor=user)
    version = interview_detail(session, created.interview, now=clock.now())["version"]
    return {"id": created.interview.id, "version": version, "candidate_url": candidate_url(request, created.token)}


@router.get("/interviews/{interview_id}", response_model=InterviewOut,
            responses=errors(401, (404, "no such interview, or not one the caller is assigned to")))
def get_interview(interview_id: str, session: SessionDep, user: Staff) -> dict[str, Any]:
    """Status, rounds and assignments (interviewers: only interviews they are assigned to)."""
    interview = service.get_interview(session, interview_id)
    panel = service.ensure_can_view(session, interview, user)
    return interview_detail(session, interview, now=clock.now(),
                            shown=lambda card: policy.can_see_assignment(user, card, panel))
