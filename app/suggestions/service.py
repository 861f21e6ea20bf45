"""AI suggestions on a submitted scorecard (DESIGN: AI assistance for interviewers).

The flow is split so that no database transaction is open while the model thinks:
`prepare` reads the card and its round and builds the prompt (or finds the answer stored for the
same model and prompt, or says why there is nothing to ask); `ask_model` talks to the model and
checks its answer without touching the database; `store` writes the checked suggestions beside
the human ratings. The human ratings are never read into the prompt (the model is an independent
rater) and never written here."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col, select

from app import changes, policy
from app.ai.client import GenerationFailed
from app.ai.evidence import instructions_in
from app.ai.suggest import (
    Checked,
    CompetencyBrief,
    Prompt,
    QuestionBrief,
    SuggestionRequest,
    ask,
    check_suggestions,
    prompt_for,
)
from app.changes import ChangeKind
from app.errors import Forbidden
from app.consent.ai import ai_allowed
from app.models import Interview, Scorecard, User
from app.scorecards.anchors import scale
from app.scorecards.rounds import RoundView, round_view
from app.scorecards.service import readable_card
from app.settings import Settings
from app.suggestions.models import AiSuggestion, AiSuggestionSet

log = logging.getLogger("calibrate.suggestions")
AI_OFF = "AI is off: set OPENAI_API_KEY (and OPENAI_BASE_URL for another OpenAI-compatible server) to compare with AI"
NO_ANSWERS = "This round has no written or transcribed answers to draw evidence from"
NO_CONSENT = ("No model may read this round: the candidate did not agree to AI assistance for it (they chose "
              "people only, or no model was configured when they started it)")
NOT_YOURS = "only the scorecard's own interviewer may compare it with AI"
NOT_YET = "submit your scorecard first: AI suggestions come after your own judgement"


@dataclass
class Pending:
    """A request ready for the model, an answer already stored for the same prompt, or a notice
    saying why there is nothing to ask."""

    card_id: str
    prompt: Prompt | None = None
    request: SuggestionRequest | None = None
    stored: AiSuggestionSet | None = None
    notice: str | None = None
    order: tuple[str, ...] = ()  # the spec's competency ids, the order suggestions are shown in


def card_for_suggestions(session: Session, scorecard_id: str, user: User) -> Scorecard:
    """The caller's own submitted scorecard: 404 when they may not see it, 403 when it is someone
    else's or not submitted yet."""
    card = readable_card(session, scorecard_id, user)
    if not policy.can_ask_for_suggestions(user, card):
        raise Forbidden(NOT_YOURS if not policy.can_edit_scorecard(user, card) else NOT_YET)
    return card


def _competencies(view: RoundView) -> tuple[CompetencyBrief, ...]:
    level = view.content.level.value
    return tuple(CompetencyBrief(c.id, c.name, c.definition,
                                 tuple(f"{a.label}: {a.description}" if a.description else a.label
                                       for a in scale(c, level)))
                 for c in view.covered)


def suggestion_request(view: RoundView) -> SuggestionRequest:
    """What the model is shown: the role, the round's competencies with their anchors, and each
    question with its rubric and the candidate's answer (a spoken answer's text is its transcript)."""
    questions = []
    for q in view.questions:
        answer = view.answers.get(q.id)
        questions.append(QuestionBrief(q.id, q.text, answer.text if answer else "", q.rubric.strong, q.rubric.weak))
    return SuggestionRequest(view.content.title, view.content.level.value, _competencies(view), tuple(questions))


def latest_set(session: Session, card_id: str, *, model: str | None = None,
               prompt_hash: str | None = None) -> AiSuggestionSet | None:
    """The newest stored answer for a scorecard (for one model and prompt, when given)."""
    query = select(AiSuggestionSet).where(AiSuggestionSet.scorecard_id == card_id)
    if model is not None:
        query = query.where(AiSuggestionSet.model == model, AiSuggestionSet.prompt_hash == prompt_hash)
    return session.exec(query.order_by(col(AiSuggestionSet.created_at).desc(), col(AiSuggestionSet.id).desc())).first()


def prepare(session: Session, *, card: Scorecard, settings: Settings) -> Pending:
    """Read what the model needs; reuse the stored answer to the very same prompt (no second call)."""
    if not settings.ai_enabled:
        return Pending(card.id, notice=AI_OFF)
    if not ai_allowed(session, card.interview_id, card.round_key):
        return Pending(card.id, notice=NO_CONSENT)
    view = round_view(session, card)
    request = suggestion_request(view)
    if view.is_live or not request.sources or not request.competencies:
        return Pending(card.id, notice=NO_ANSWERS)
    prompt = prompt_for(settings, request)
    stored = latest_set(session, card.id, model=settings.llm_model, prompt_hash=prompt.hash)
    return Pending(card.id, prompt, request, stored, order=view.content.competency_ids)


def ask_model(settings: Settings, pending: Pending) -> Checked | str:
    """The model's suggestions after the server's checks, or a notice saying why there are none.
    Touches no database: call it with no transaction open."""
    assert pending.prompt is not None and pending.request is not None
    try:
        items = ask(settings, pending.prompt)
    except GenerationFailed as exc:
        return f"AI suggestions failed ({exc.cause}); your ratings stand on their own"
    except Exception as exc:  # a suggestion must never fail the request: say so instead
        log.exception("AI suggestions failed unexpectedly")
        return f"AI suggestions failed (unexpected {type(exc).__name__}); your ratings stand on their own"
    return check_suggestions(items, pending.request)


def _notice(checked: Checked, request: SuggestionRequest) -> str | None:
    parts = []
    if injected := instructions_in(request.sources):
        shown = "; ".join(f"“{text[:80]}”" for text in injected[:2])
        parts.append(f"The answers contain text addressed to an AI ({shown}): it was read as part of the "
                     "answer, never as an instruction, and quoting it is not evidence.")
    if checked.dropped:
        reasons = "; ".join(d["reason"] for d in checked.dropped[:4])
        more = f" and {len(checked.dropped) - 4} more" if len(checked.dropped) > 4 else ""
        parts.append(f"Dropped from the model's answer: {reasons}{more}.")
    if not checked.suggestions:
        parts.append("No suggestion passed the checks.")
    return " ".join(parts) or None


def store(session: Session, *, card: Scorecard, user: User, settings: Settings, pending: Pending,
          checked: Checked) -> AiSuggestionSet:
    """Keep the checked suggestions beside the scorecard, with model, prompt hash and time, and
    record the change of its interview: the spec's stored model agreement is recomputed
    (app/dashboard/aggregates.py)."""
    assert pending.prompt is not None and pending.request is not None
    stored = AiSuggestionSet(scorecard_id=card.id, requested_by_id=user.id, model=settings.llm_model,
                             prompt_hash=pending.prompt.hash, notice=_notice(checked, pending.request),
                             dropped=checked.dropped)
    session.add(stored)
    session.flush()
    for s in checked.suggestions.values():
        session.add(AiSuggestion(set_id=stored.id, competency_id=s.competency_id, rating=s.rating,
                                 rationale=s.rationale,
                                 quotes=[{"text": e.passage, "question_id": e.question_id} for e in s.evidence]))
    session.flush()
    interview = session.get(Interview, card.interview_id)
    assert interview is not None
    changes.record(session, ChangeKind.SUGGESTIONS_STORED, spec_id=interview.spec_id, interview_id=interview.id,
                   round_key=card.round_key, scorecard_id=card.id)
    return stored


def suggestions_of(session: Session, stored: AiSuggestionSet) -> list[AiSuggestion]:
    """A stored set's suggestions."""
    return list(session.exec(select(AiSuggestion).where(AiSuggestion.set_id == stored.id)
                             .order_by(col(AiSuggestion.id))).all())


def set_body(session: Session, stored: AiSuggestionSet, order: tuple[str, ...] = ()) -> dict[str, Any]:
    """A stored answer as the API shows it (`suggestions` in the spec's competency order)."""
    rows = {row.competency_id: row for row in suggestions_of(session, stored)}
    keys = [cid for cid in order if cid in rows] + [cid for cid in rows if cid not in order]
    suggestions = {cid: {"rating": rows[cid].rating, "rationale": rows[cid].rationale,
                         "quotes": [q["text"] for q in rows[cid].quotes],
                         "evidence": [{"quote": q["text"], "question_id": q["question_id"]} for q in rows[cid].quotes]}
                   for cid in keys}
    return {"id": stored.id, "suggestions": suggestions, "source_used": "ai", "notice": stored.notice,
            "model": stored.model, "prompt_hash": stored.prompt_hash,
            "created_at": stored.created_at.isoformat(), "dropped": list(stored.dropped)}


def empty_body(notice: str) -> dict[str, Any]:
    """No suggestions, and why (AI off, no answers, the model failed)."""
    return {"id": None, "suggestions": {}, "source_used": "none", "notice": notice, "model": None,
            "prompt_hash": None, "created_at": None, "dropped": []}


def erase_text(session: Session, *, interview_ids: Sequence[str]) -> int:
    """Remove the candidate's words from these interviews' stored suggestions (quotes, rationales,
    notices, dropped quotes) while the suggested ratings stay, as human ratings do when a candidate
    is erased (app/privacy/erasure.py). Returns the number of suggestion sets cleared."""
    set_ids = _set_ids(session, interview_ids)
    for chunk in _chunks(set_ids):
        session.execute(update(AiSuggestion).where(col(AiSuggestion.set_id).in_(chunk))
                        .values(quotes=[], rationale=""))
        session.execute(update(AiSuggestionSet).where(col(AiSuggestionSet.id).in_(chunk))
                        .values(notice=None, dropped=[]))
    session.flush()
    return len(set_ids)


def export_for(session: Session, *, interview_ids: Sequence[str]) -> list[dict[str, Any]]:
    """Everything stored of these interviews' AI suggestions, for a candidate's data export."""
    found = []
    for chunk in _chunks(_set_ids(session, interview_ids)):
        for stored in session.exec(select(AiSuggestionSet).where(col(AiSuggestionSet.id).in_(chunk))
                                   .order_by(col(AiSuggestionSet.created_at))).all():
            found.append({"scorecard_id": stored.scorecard_id, **set_body(session, stored)})
    return found


def _set_ids(session: Session, interview_ids: Sequence[str]) -> list[str]:
    found: list[str] = []
    for chunk in _chunks(list(interview_ids)):
        found += session.exec(select(AiSuggestionSet.id)
                              .join(Scorecard, col(Scorecard.id) == AiSuggestionSet.scorecard_id)
                              .where(col(Scorecard.interview_id).in_(chunk))).all()
    return found


def _chunks(ids: list[str], size: int = 500) -> list[list[str]]:
    return [ids[i:i + size] for i in range(0, len(ids), size)]
