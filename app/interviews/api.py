"""JSON API for candidates and interviews (DESIGN: Public JSON API)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from app import policy
from app.deps import Manager, SessionDep, Staff
from app.interviews import service
from app.interviews.detail import interview_detail
from app.interviews.schemas import CandidateIn, CreatedOut, InterviewCreatedOut, InterviewIn, InterviewOut
from app.schemas import CSRF_403, errors
from app.take import clock

router = APIRouter(prefix="/api/v1", tags=["interviews"])


def candidate_url(request: Request, token: str) -> str:
    """The absolute invite link for a token."""
    return f"{str(request.base_url).rstrip('/')}/take/{token}"


@router.post("/candidates", status_code=201, response_model=CreatedOut, responses=errors(401, (403, CSRF_403), 422))
def create_candidate(body: CandidateIn, session: SessionDep, user: Manager) -> dict[str, Any]:
    """A new candidate."""
    candidate = service.create_candidate(session, name=body.name, email=body.email, actor=user)
    return {"id": candidate.id}


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
