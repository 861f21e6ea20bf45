"""The candidate's JSON API (DESIGN: /api/v1/take/{token}/…). The secret link is the credential,
so these routes are Public and CSRF-exempt; each reaches only the token's own interview."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from pydantic import Field

from app.deps import Public, SessionDep
from app.errors import Conflict
from app.interviews.service import interview_content
from app.metrics import AUTOSAVES
from app.schemas import ErrorOut, errors
from app import clock
from app.take import fastsave, service
from app.take.access import TakeInterview, client_address, interview_for_token
from app.take.schemas import (AnswerSave, AnswerSaved, RoundStarted, RoundStateOut, RoundSubmittedOut,
                              TakeOverviewOut)

router = APIRouter(prefix="/api/v1/take/{token}", tags=["candidate"], dependencies=[Public])
LINK_ERRORS = errors((404, "there is nothing at this address (unknown link)"), 410, 429)
ROUND_ERRORS = errors((404, "unknown link, or no such candidate round"), 410, 429)


class SaveConflictOut(ErrorOut):
    """A save that was not taken, with what is stored (`revision` 0 and no `saved_at`: never saved)."""

    reason: str = Field(description="`stale`, `closed`, `not_started` or `order`")
    revision: int | None = None
    text: str | None = None
    saved_at: str | None = None
    seconds_left: float | None = None


SAVE_RESPONSES = errors(
    (404, "unknown link, or no such candidate round or question"), 410,
    (409, "stale revision, save after deadline + grace, closed or unstarted round, or a behavioral prompt "
          "answered out of order; with the stored revision and text", SaveConflictOut),
    422, 429)


def save_answer(token: str, key: str, question_id: str, body: AnswerSave, request: Request,
                session: SessionDep) -> Response | AnswerSaved:
    """Autosave one answer; a revision not newer than the stored one, or a save too late, gets 409."""
    # The general path. An accepted save on PostgreSQL rarely gets here: `fastsave.AutosaveRoute`
    # makes it first, in one statement from the event loop (app/take/fastsave.py).
    now = clock.now()
    interview = interview_for_token(session, token, address=client_address(request))
    try:
        answer, attempt = service.save_answer(session, interview, key, question_id, text=body.text,
                                              revision=body.revision, now=now)
    except Conflict as exc:
        AUTOSAVES.labels(outcome={"stale": "stale", "closed": "late"}.get(exc.extra.get("reason"), "refused")).inc()
        # Answered without raising so that a round closed on this access stays closed.
        attempt = service.get_attempt(session, interview, key)
        left = service.seconds_left(attempt, now) if attempt else None
        return JSONResponse({**exc.body(), "seconds_left": left}, status_code=409)
    fastsave.ACCEPTED.inc()
    return AnswerSaved(revision=answer.revision, saved_at=answer.saved_at.isoformat(),
                       seconds_left=service.seconds_left(attempt, now))


# First among the candidate routes, which come first in the app: the busiest route is matched first.
router.add_api_route("/rounds/{key}/answers/{question_id}", save_answer, methods=["PUT"], response_model=AnswerSaved,
                     responses=SAVE_RESPONSES, route_class_override=fastsave.AutosaveRoute)


@router.get("", response_model=TakeOverviewOut, responses=LINK_ERRORS)
def take_overview(interview: TakeInterview, session: SessionDep) -> dict[str, Any]:
    """The candidate's rounds and their state."""
    content = interview_content(session, interview)
    rounds = service.overview(session, interview, now=clock.now())
    return {"title": content.title, "time_factor": interview.time_factor,
            "grace_seconds": service.grace().total_seconds(),
            "rounds": [{k: r[k] for k in ("key", "name", "kind", "duration_seconds", "question_count", "status",
                                          "deadline", "submitted_at", "closed_by")} for r in rounds]}


@router.post("/rounds/{key}/start", response_model=RoundStarted, responses=ROUND_ERRORS)
def start_round(key: str, interview: TakeInterview, session: SessionDep) -> RoundStarted:
    """Start the round (idempotent: a second start returns the same deadline)."""
    now = clock.now()
    attempt = service.start_round(session, interview, key, now=now)
    return RoundStarted(deadline=attempt.deadline.isoformat(), seconds_left=service.seconds_left(attempt, now),
                        questions=attempt.questions)


@router.get("/rounds/{key}", response_model=RoundStateOut, responses=ROUND_ERRORS)
def get_round(key: str, interview: TakeInterview, session: SessionDep) -> dict[str, Any]:
    """The round's status, deadline, questions and saved answers with their revisions."""
    return service.round_state(session, interview, key, now=clock.now())


@router.post("/rounds/{key}/submit", response_model=RoundSubmittedOut,
             responses={**ROUND_ERRORS, **errors((409, "the round has not been started"))})
def submit_round(key: str, interview: TakeInterview, session: SessionDep) -> dict[str, Any]:
    """Submit the round (idempotent); answers are read-only afterwards."""
    attempt = service.submit_round(session, interview, key, now=clock.now())
    assert attempt.submitted_at is not None
    return {"status": "submitted", "submitted_at": attempt.submitted_at.isoformat(), "closed_by": attempt.closed_by}
