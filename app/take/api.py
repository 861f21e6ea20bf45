"""The candidate's JSON API (DESIGN: /api/v1/take/{token}/…). The secret link is the credential,
so these routes are Public and CSRF-exempt; each reaches only the token's own interview."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from app.deps import Public, SessionDep
from app.errors import Conflict
from app.interviews.service import interview_content
from app.metrics import AUTOSAVES
from app.take import clock, fastsave, service
from app.take.access import TakeInterview, client_address, interview_for_token
from app.take.schemas import AnswerSave, AnswerSaved, RoundStarted

router = APIRouter(prefix="/api/v1/take/{token}", tags=["candidate"], dependencies=[Public])


@router.get("")
def take_overview(interview: TakeInterview, session: SessionDep) -> dict[str, Any]:
    """The candidate's rounds and their state."""
    content = interview_content(session, interview)
    rounds = service.overview(session, interview, now=clock.now())
    return {"title": content["title"], "time_factor": interview.time_factor,
            "grace_seconds": service.grace().total_seconds(),
            "rounds": [{k: r[k] for k in ("key", "name", "kind", "duration_seconds", "question_count", "status",
                                          "deadline", "submitted_at", "closed_by")} for r in rounds]}


@router.post("/rounds/{key}/start")
def start_round(key: str, interview: TakeInterview, session: SessionDep) -> RoundStarted:
    """Start the round (idempotent: a second start returns the same deadline)."""
    now = clock.now()
    attempt = service.start_round(session, interview, key, now=now)
    return RoundStarted(deadline=attempt.deadline.isoformat(), seconds_left=service.seconds_left(attempt, now),
                        questions=attempt.questions)


@router.get("/rounds/{key}")
def get_round(key: str, interview: TakeInterview, session: SessionDep) -> dict[str, Any]:
    """The round's status, deadline, questions and saved answers with their revisions."""
    return service.round_state(session, interview, key, now=clock.now())


@router.put("/rounds/{key}/answers/{question_id}", response_model=AnswerSaved,
            responses={409: {"description": "stale revision, late save or closed round; the stored revision and text"}})
def save_answer(token: str, key: str, question_id: str, body: AnswerSave, request: Request,
                session: SessionDep) -> Response | AnswerSaved:
    """Autosave one answer; a revision not newer than the stored one, or a save too late, gets 409."""
    now = clock.now()
    address = client_address(request)
    # The busiest write: the common case in one statement on PostgreSQL (app/take/fastsave.py).
    deadline = fastsave.try_save(session, token, key, question_id, answer_text=body.text, revision=body.revision,
                                 address=address, now=now)
    if deadline is not None:
        AUTOSAVES.labels(outcome="accepted").inc()
        return AnswerSaved(revision=body.revision, saved_at=now.isoformat(),
                           seconds_left=service.seconds_until(deadline, now))
    interview = interview_for_token(session, token, address=address)
    try:
        answer, attempt = service.save_answer(session, interview, key, question_id, text=body.text,
                                              revision=body.revision, now=now)
    except Conflict as exc:
        AUTOSAVES.labels(outcome={"stale": "stale", "closed": "late"}.get(exc.extra.get("reason"), "refused")).inc()
        # Answered without raising so that a round closed on this access stays closed.
        attempt = service.get_attempt(session, interview, key)
        left = service.seconds_left(attempt, now) if attempt else None
        return JSONResponse({**exc.body(), "seconds_left": left}, status_code=409)
    AUTOSAVES.labels(outcome="accepted").inc()
    return AnswerSaved(revision=answer.revision, saved_at=answer.saved_at.isoformat(),
                       seconds_left=service.seconds_left(attempt, now))


@router.post("/rounds/{key}/submit")
def submit_round(key: str, interview: TakeInterview, session: SessionDep) -> dict[str, Any]:
    """Submit the round (idempotent); answers are read-only afterwards."""
    attempt = service.submit_round(session, interview, key, now=clock.now())
    assert attempt.submitted_at is not None
    return {"status": "submitted", "submitted_at": attempt.submitted_at.isoformat(), "closed_by": attempt.closed_by}
