"""Scorecard pages: the interviewer's list, and one scorecard with answers, rubric, anchored
scales, must-haves, recommendation, amendments and (once allowed) the other interviewers' cards."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlmodel import Session, select

from app import policy
from app.deps import CurrentUser, SessionDep
from app.errors import Invalid
from app.interviews.service import panel as interview_panel
from app.models import Candidate, Scorecard, User, utcnow
from app.scorecards import service
from app.scorecards import parts
from app.scorecards.anchors import scale
from app.scorecards.rounds import RoundView, round_view, waiting_label, waiting_since
from app.voice import views as voice_views
from app.web import PostedForm, redirect, render

router = APIRouter()
RECOMMENDATIONS = [("strong_no", "Strong no"), ("no", "No"), ("yes", "Yes"), ("strong_yes", "Strong yes")]
MUST_HAVE_CHOICES = [("met", "Met"), ("not_met", "Not met"), ("not_assessed", "Not assessed")]


def _my_rows(session: Session, user: User) -> list[dict[str, Any]]:
    cards = session.exec(select(Scorecard).where(Scorecard.interviewer_id == user.id)).all()
    rows, now = [], utcnow()
    for card in cards:
        view = round_view(session, card)
        candidate = session.get(Candidate, view.interview.candidate_id)
        since = waiting_since(card, view.attempt)
        rows.append({"card": card, "candidate": candidate.name if candidate else "", "spec": view.content.title,
                     "round": view.round.name, "since": since,
                     "waiting": waiting_label((now - since).total_seconds()),
                     "candidate_done": view.is_live or bool(view.attempt and view.attempt.submitted_at)})
    rows.sort(key=lambda r: (r["card"].status == "submitted", r["since"]))
    return rows


@router.get("/my/scorecards")
def my_scorecards(request: Request, session: SessionDep, user: CurrentUser) -> Response:
    """The signed-in interviewer's assigned scorecards, drafts first, longest waiting first."""
    return render(request, "scorecards/mine.html", {"rows": _my_rows(session, user)})


def _error_map(errors: list[dict[str, Any]]) -> dict[str, str]:
    # ["body", "ratings", "coding"] and ["ratings", "coding"] both land on "ratings.coding".
    found = {}
    for err in errors:
        loc = [str(p) for p in err.get("loc", []) if p != "body"]
        found.setdefault(".".join(loc) or "form", err["msg"])
    return found


def page_context(session: Session, card: Scorecard, user: User, *, values: dict[str, Any] | None = None,
                 errors: list[dict[str, Any]] | None = None, reason: str = "",
                 results: dict[str, Any] | None = None) -> dict[str, Any]:
    """Everything the scorecard page shows, with the installed parts (app/scorecards/parts.py; `results`
    by part name: what this request produced for one, such as a fresh "Compare with AI" answer)."""
    view = round_view(session, card)
    candidate = session.get(Candidate, view.interview.candidate_id)
    panel = interview_panel(session, view.interview)
    others = [c for c in policy.visible_scorecards(user, panel)
              if c.id != card.id and c.interviewer_id != card.interviewer_id]
    level = view.content.level.value
    values = values or service.card_values(session, card)
    return {
        "card": card, "view": view, "candidate": candidate, "is_owner": policy.can_edit_scorecard(user, card),
        "show_answers": policy.can_see_answers(user, card.round_key, panel),
        "spoken": voice_views.for_attempt(session, view.interview, view.attempt),  # recordings of a voice round
        "submitted": card.status == "submitted", "card_interviewer": _email(session, card.interviewer_id),
        "values": values,
        "scales": {c.id: scale(c, level) for c in view.covered},
        "others": [service.card_body(session, c) for c in others],
        "history": service.history(session, card), "errors": _error_map(errors or []),
        "recommendations": RECOMMENDATIONS, "must_have_choices": MUST_HAVE_CHOICES, "reason": reason,
        **parts.contexts(session, card, user, view=view, values=values, results=results or {}),
    }


def _email(session: Session, user_id: str) -> str:
    person = session.get(User, user_id)
    return person.email if person else ""


@router.get("/scorecards/{scorecard_id}")
def scorecard_page(scorecard_id: str, request: Request, session: SessionDep, user: CurrentUser) -> Response:
    """One scorecard: editable for its interviewer, read-only for others allowed to see it."""
    card = service.readable_card(session, scorecard_id, user)
    return render(request, "scorecards/page.html", page_context(session, card, user))


def _form_changes(form: Any, view: RoundView) -> tuple[dict[str, Any], dict[str, str], dict[str, str], str | None]:
    ratings: dict[str, Any] = {}
    notes: dict[str, str] = {}
    for cid in view.covered_ids:
        raw = form.get(f"rating__{cid}")
        if raw == "none":
            ratings[cid] = None
        elif isinstance(raw, str) and raw.isdigit():
            ratings[cid] = int(raw)
        elif raw:
            ratings[cid] = raw  # validation reports it
        note = form.get(f"note__{cid}")
        if isinstance(note, str):
            notes[cid] = note
    must = {m.id: form.get(f"must__{m.id}") for m in view.content.must_haves}
    recommendation = form.get("recommendation") or None
    return ratings, notes, {k: v for k, v in must.items() if v}, recommendation


def _changes_from_form(form: Any, view: RoundView) -> service.Changes:
    ratings, notes, must, recommendation = _form_changes(form, view)
    return service.validate_changes(view, ratings=ratings, notes=notes, must_haves=must,
                                    recommendation=recommendation, set_recommendation="recommendation" in form)


def _invalid(request: Request, session: Session, card: Scorecard, user: User, exc: Invalid,
             values: dict[str, Any] | None = None, reason: str = "") -> Response:
    ctx = page_context(session, card, user, values=values, errors=exc.errors or [{"loc": ["form"], "msg": exc.message}],
                        reason=reason)
    ctx["form_error"] = exc.message
    return render(request, "scorecards/page.html", ctx, block="scorecard_form", status_code=422)


@router.post("/scorecards/{scorecard_id}")
def save_or_submit(scorecard_id: str, request: Request, session: SessionDep, user: CurrentUser,
                   form: PostedForm) -> Response:
    """The form's Save draft and Submit buttons (a draft is saved even when submission is refused)."""
    card = service.own_scorecard(session, scorecard_id, user)
    service.ensure_draft(card)
    view = round_view(session, card)
    try:
        service.save_draft(session, card=card, changes=_changes_from_form(form, view))
        if form.get("action") == "submit":
            service.submit(session, card=card, actor=user, view=view)
    except Invalid as exc:
        values = _proposed(service.card_values(session, card), form, view)
        return _invalid(request, session, card, user, exc, values=values)
    return redirect(request, f"/scorecards/{card.id}")


@router.post("/scorecards/{scorecard_id}/amend")
def amend(scorecard_id: str, request: Request, session: SessionDep, user: CurrentUser, form: PostedForm) -> Response:
    """The Amend form: the changed values and a reason, recorded in the audit log."""
    card = service.own_scorecard(session, scorecard_id, user)
    view = round_view(session, card)
    reason = str(form.get("reason") or "")
    try:
        changes = _changes_from_form(form, view)
        service.amend(session, card=card, actor=user, changes=changes, reason=reason, view=view)
    except Invalid as exc:
        before = service.card_values(session, card)
        return _invalid(request, session, card, user, exc, values=_proposed(before, form, view), reason=reason)
    return redirect(request, f"/scorecards/{card.id}")


def _proposed(before: dict[str, Any], form: Any, view: RoundView) -> dict[str, Any]:
    ratings, notes, must, recommendation = _form_changes(form, view)
    return {"ratings": {**before["ratings"], **ratings}, "notes": {**before["notes"], **notes},
            "must_haves": {**before["must_haves"], **must}, "recommendation": recommendation}
