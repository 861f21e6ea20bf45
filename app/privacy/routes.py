"""Pages of candidate data: the erase confirmation (admins), the adverse-impact report (admins),
and on the candidate's link the transparency page and the self-identification form."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.candidates.service import get_candidate
from app.consent import self_id
from app.deps import AdminUser, Public, SessionDep
from app.interviews.service import interview_content
from app.models import User
from app.privacy import erasure, service
from app.scorecards.anchors import GENERIC
from app.specs import service as specs
from app.take.access import TakeInterview
from app.web import PostedForm, redirect, render

router = APIRouter()
CONFIRM_WORD = "ERASE"
NO_STORE = {"Cache-Control": "no-store"}


@router.get("/candidates/{candidate_id}/erase")
def erase_page(candidate_id: str, request: Request, session: SessionDep, user: AdminUser) -> Response:
    """What an erasure removes and keeps, and the confirmation."""
    candidate = get_candidate(session, candidate_id)
    return render(request, "privacy/erase.html", {"candidate": candidate, "word": CONFIRM_WORD, "errors": []})


@router.post("/candidates/{candidate_id}/erase")
def erase_form(candidate_id: str, request: Request, session: SessionDep, user: AdminUser, form: PostedForm) -> Response:
    """Erase once the admin typed the confirmation word; otherwise the page again with the problem."""
    candidate = get_candidate(session, candidate_id)
    if str(form.get("confirm", "")).strip() != CONFIRM_WORD:
        errors = [{"loc": ["body", "confirm"], "msg": f"type {CONFIRM_WORD} to confirm"}]
        return render(request, "privacy/erase.html", {"candidate": candidate, "word": CONFIRM_WORD, "errors": errors},
                      status_code=422)
    erasure.erase_candidate(session, candidate, actor=user)
    return redirect(request, f"/candidates/{candidate.id}?erased=1")


def _bar(rate: float | None) -> int:
    return 0 if rate is None else max(0, min(100, round(rate * 100)))


@router.get("/specs/{slug}/adverse-impact")
def adverse_impact_page(slug: str, request: Request, session: SessionDep, user: AdminUser,
                        threshold: str = "") -> Response:
    """The adverse-impact table per group, with bars of the selection rates."""
    spec = specs.get_spec(session, slug)
    try:
        value = float(threshold) if threshold.strip() else service.DEFAULT_THRESHOLD
    except ValueError:
        value = -1.0
    errors = [] if 0 <= value <= 100 else [{"loc": ["query", "threshold"], "msg": "a score from 0 to 100"}]
    report = service.adverse_impact(session, spec, threshold=value if not errors else service.DEFAULT_THRESHOLD)
    title = specs.get_version(session, spec).title
    return render(request, "privacy/adverse_impact.html", {
        "spec": spec, "title": title, "report": report, "bar": _bar, "errors": errors,
        "threshold_value": threshold if errors else report["threshold"]}, status_code=422 if errors else 200)


def _contact(session: SessionDep, created_by_id: str | None) -> User | None:
    return session.get(User, created_by_id) if created_by_id else None


@router.get("/take/{token}/about", dependencies=[Public])
def transparency_page(token: str, request: Request, interview: TakeInterview, session: SessionDep) -> Response:
    """For the candidate: what is assessed and how, their accommodation, and how to ask for their data."""
    content = interview_content(session, interview)
    voice = [r for r in content.rounds if r.mode == "voice"]
    return render(request, "privacy/about.html", {
        "token": token, "content": content, "anchors": GENERIC, "voice_rounds": voice,
        "time_factor": interview.time_factor, "contact": _contact(session, interview.created_by_id)},
        headers=NO_STORE)


@router.post("/take/{token}/self-id", dependencies=[Public])
def self_id_form(token: str, request: Request, interview: TakeInterview, session: SessionDep,
                 form: PostedForm) -> Response:
    """The landing page's voluntary self-identification form."""
    values: dict[str, Any] = {name: str(form.get(name, "decline")) for name in self_id.DIMENSIONS}
    self_id.set_self_identification(session, interview, **values)  # only a tampered form fails (422)
    return redirect(request, f"/take/{token}?self_id=saved#self-id")
