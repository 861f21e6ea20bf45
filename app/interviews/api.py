"""JSON API for candidates and interviews (DESIGN: Public JSON API)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from app.deps import Manager, SessionDep, Staff
from app.interviews import service
from app.interviews.detail import interview_detail
from app.interviews.schemas import CandidateIn, InterviewIn
from app.take import clock

router = APIRouter(prefix="/api/v1", tags=["interviews"])


def candidate_url(request: Request, token: str) -> str:
    """The absolute invite link for a token."""
    return f"{str(request.base_url).rstrip('/')}/take/{token}"


@router.post("/candidates", status_code=201)
def create_candidate(body: CandidateIn, session: SessionDep, user: Manager) -> dict[str, Any]:
    """A new candidate."""
    candidate = service.create_candidate(session, name=body.name, email=body.email, actor=user)
    return {"id": candidate.id}


@router.post("/interviews", status_code=201)
def create_interview(body: InterviewIn, request: Request, session: SessionDep, user: Manager) -> dict[str, Any]:
    """An interview on the spec's current version; the candidate link is returned once."""
    created = service.create_interview(session, candidate_id=body.candidate_id, spec_slug=body.job_spec,
                                       interviewers=body.interviewers, time_factor=body.time_factor, actor=user)
    version = interview_detail(session, created.interview, now=clock.now())["version"]
    return {"id": created.interview.id, "version": version, "candidate_url": candidate_url(request, created.token)}


@router.get("/interviews/{interview_id}")
def get_interview(interview_id: str, session: SessionDep, user: Staff) -> dict[str, Any]:
    """Status, rounds and assignments (interviewers: only interviews they are assigned to)."""
    interview = service.get_interview(session, interview_id)
    service.ensure_can_view(session, interview, user)
    return interview_detail(session, interview, now=clock.now())
