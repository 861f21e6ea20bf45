"""JSON API for scorecards (DESIGN: Public JSON API): list what the caller may see, draft, submit,
amend. Someone else's scorecard is 404, so ids do not leak."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from app.deps import CurrentUser, SessionDep
from app.errors import NotFound
from app.models import Interview
from app.scorecards import service
from app.scorecards.rounds import round_view
from app.schemas import CSRF_403, errors
from app.scorecards.schemas import ScorecardAmendedOut, ScorecardAmendment, ScorecardDraft, ScorecardOut

router = APIRouter(prefix="/api/v1", tags=["scorecards"])
NO_CARD = (404, "no such scorecard, or not the caller's")
WRITE_ERRORS = errors(401, (403, CSRF_403), NO_CARD, (409, "the scorecard is already submitted: amend it instead"),
                      (422, "invalid values, or (submit) an incomplete scorecard: errors per competency"))


def _changes(view, body: ScorecardDraft) -> service.Changes:  # type: ignore[no-untyped-def]
    return service.validate_changes(view, ratings=body.ratings, notes=body.notes, must_haves=body.must_haves,
                                    recommendation=body.recommendation,
                                    set_recommendation="recommendation" in body.model_fields_set)


@router.get("/interviews/{interview_id}/scorecards", response_model=list[ScorecardOut],
            responses=errors(401, (404, "no such interview, or not one the caller may see")))
def list_scorecards(interview_id: str, session: SessionDep, user: CurrentUser) -> list[dict[str, Any]]:
    """The interview's scorecards the caller may see: blind until the caller has submitted their own."""
    interview = session.get(Interview, interview_id)
    if interview is None:
        raise NotFound(f"no interview '{interview_id}'")
    return [service.card_body(session, card) for card in service.visible_cards(session, interview, user)]


@router.get("/scorecards/{scorecard_id}", response_model=ScorecardOut,
            responses=errors(401, (404, "no such scorecard, or not one the caller may see")))
def get_scorecard(scorecard_id: str, session: SessionDep, user: CurrentUser) -> dict[str, Any]:
    """One scorecard: the caller's own, or one visible to them."""
    return service.card_body(session, service.readable_card(session, scorecard_id, user))


@router.put("/scorecards/{scorecard_id}", response_model=ScorecardOut, responses=WRITE_ERRORS)
def save_draft(scorecard_id: str, body: ScorecardDraft, session: SessionDep, user: CurrentUser) -> dict[str, Any]:
    """Save draft values of the caller's own scorecard (409 once it is submitted)."""
    card = service.own_scorecard(session, scorecard_id, user)
    service.ensure_draft(card)
    changes = _changes(round_view(session, card), body)
    service.save_draft(session, card=card, changes=changes)
    return service.card_body(session, card)


@router.post("/scorecards/{scorecard_id}/submit", response_model=ScorecardOut, responses=WRITE_ERRORS)
def submit(scorecard_id: str, session: SessionDep, user: CurrentUser) -> dict[str, Any]:
    """Submit the caller's draft (422 with errors per competency when incomplete, 409 when submitted)."""
    card = service.own_scorecard(session, scorecard_id, user)
    service.submit(session, card=card, actor=user)
    return service.card_body(session, card)


@router.post("/scorecards/{scorecard_id}/amend", response_model=ScorecardAmendedOut, responses=errors(
    401, (403, CSRF_403), NO_CARD, (409, "the scorecard is a draft: save or submit it instead"),
    (422, "no reason, no change, or the amended scorecard would be incomplete")))
def amend(scorecard_id: str, body: ScorecardAmendment, session: SessionDep, user: CurrentUser) -> dict[str, Any]:
    """Amend the caller's submitted scorecard with a reason; the changes are audited."""
    card = service.own_scorecard(session, scorecard_id, user)
    view = round_view(session, card)
    changes = service.amend(session, card=card, actor=user, changes=_changes(view, body), reason=body.reason,
                            view=view)
    return {**service.card_body(session, card), "changes": changes}
