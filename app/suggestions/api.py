"""JSON API (DESIGN): `POST /api/v1/scorecards/{id}/suggest` → the model's checked suggestions."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from sqlmodel import Session

from app.deps import CurrentUser, SessionDep
from app.models import User
from app.schemas import errors
from app.settings import get_settings
from app.suggestions import service
from app.suggestions.schemas import SuggestionsOut

router = APIRouter(prefix="/api/v1", tags=["scorecards"])


def compare(session: Session, *, scorecard_id: str, user: User) -> dict[str, Any]:
    """Ask the model about the caller's submitted scorecard, check and store its answer."""
    settings = get_settings()
    card = service.card_for_suggestions(session, scorecard_id, user)
    pending = service.prepare(session, card=card, settings=settings)
    if pending.stored is not None:
        return service.set_body(session, pending.stored, pending.order)
    if pending.notice is not None:
        return service.empty_body(pending.notice)
    # Nothing is written yet. End the reading transaction before the model is asked (it may take
    # the LLM timeout, twice), so that no connection or lock is held meanwhile: on SQLite a
    # writer's transaction holds the write lock every candidate's autosave needs. What follows is
    # one writing transaction, committed with the request as usual.
    session.commit()
    outcome = service.ask_model(settings, pending)
    if isinstance(outcome, str):
        return service.empty_body(outcome)
    card = service.card_for_suggestions(session, scorecard_id, user)  # still theirs and submitted
    stored = service.store(session, card=card, user=user, settings=settings, pending=pending, checked=outcome)
    return service.set_body(session, stored, pending.order)


@router.post("/scorecards/{scorecard_id}/suggest", response_model=SuggestionsOut, responses=errors(
    401, (403, "not the caller's own scorecard, not submitted yet, or a cookie-authenticated write "
               "without its CSRF token"),
    (404, "no such scorecard, or not one the caller may see")))
def suggest(scorecard_id: str, session: SessionDep, user: CurrentUser) -> dict[str, Any]:
    """The model's rating, rationale and verbatim quotes per competency, beside the caller's own
    submitted ratings (never changing them). Every quote is checked against the stored answers;
    unknown competencies, ratings outside 1–5 and suggestions left without a quote are dropped.
    Without a model: `source_used: "none"` and a notice."""
    return compare(session, scorecard_id=scorecard_id, user=user)
