"""The scorecard page's "Compare with AI" button (htmx: the panel and the marked answers swap in)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.deps import CurrentUser, SessionDep
from app.scorecards.routes import page_context
from app.suggestions.api import compare
from app.suggestions import views
from app.suggestions.service import card_for_suggestions
from app.web import is_htmx, render

router = APIRouter()


@router.post("/scorecards/{scorecard_id}/suggest")
def compare_with_ai(scorecard_id: str, request: Request, session: SessionDep, user: CurrentUser) -> Response:
    """Ask the model about the caller's submitted scorecard; show its checked suggestions beside
    the ratings and mark the quotes in the answers (the whole page without htmx)."""
    result = compare(session, scorecard_id=scorecard_id, user=user)
    card = card_for_suggestions(session, scorecard_id, user)
    context = {**page_context(session, card, user, results={views.AiPanel.name: result}), "oob": is_htmx(request)}
    return render(request, "scorecards/page.html", context, blocks=["ai_compare", "answers"])
