"""What the scorecard page shows of AI suggestions: the "Compare with AI" panel beside the human
ratings, and the quoted passages marked in the candidate's answers."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from app import policy
from app.ai.evidence import highlight
from app.models import Scorecard, User
from app.consent.ai import ai_allowed
from app.scorecards.rounds import RoundView
from app.settings import get_settings
from app.suggestions import service


def _rows(view: RoundView, values: dict[str, Any], result: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for c in view.covered:
        human = values["ratings"].get(c.id, "unrated")
        suggestion = result["suggestions"].get(c.id)
        gap = suggestion["rating"] - human if suggestion and isinstance(human, int) else None
        rows.append({"competency": c, "human": human, "suggestion": suggestion, "gap": gap})
    return rows


def _marks(view: RoundView, result: dict[str, Any]) -> dict[str, list[tuple[str, bool]]]:
    passages: dict[str, list[str]] = {}
    for suggestion in result["suggestions"].values():
        for evidence in suggestion["evidence"]:
            passages.setdefault(evidence["question_id"], []).append(evidence["quote"])
    return {qid: highlight(view.answers[qid].text, quotes) for qid, quotes in passages.items() if qid in view.answers}


class AiPanel:
    """The scorecard page's "Compare with AI" part (app/scorecards/parts.py), installed by app/wiring.py."""

    name = "ai"

    def context(self, session: Session, card: Scorecard, user: User, *, view: RoundView, values: dict[str, Any],
                result: Any = None) -> dict[str, Any]:
        """The panel's context (below)."""
        return panel(session, card, user, view=view, values=values, result=result)


def panel(session: Session, card: Scorecard, user: User, *, view: RoundView, values: dict[str, Any],
          result: dict[str, Any] | None = None) -> dict[str, Any]:
    """The panel's context: shown to the card's interviewer once submitted, with the given result
    or the newest stored one."""
    if not policy.can_see_suggestions(user, card):
        return {"visible": False, "marks": {}}
    if result is None and (stored := service.latest_set(session, card.id)) is not None:
        result = service.set_body(session, stored, view.content.competency_ids)
    enabled = get_settings().ai_enabled
    allowed = enabled and ai_allowed(session, card.interview_id, card.round_key)
    return {"visible": True, "enabled": enabled, "allowed": allowed, "result": result,
            "off_notice": service.AI_OFF if not enabled else service.NO_CONSENT,
            "rows": _rows(view, values, result) if result else [], "marks": _marks(view, result) if result else {}}
