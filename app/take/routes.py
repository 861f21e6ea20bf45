"""The candidate's pages: the landing page of the secret link and one page per timed round."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from app.deps import Public, SessionDep
from app.errors import Conflict
from app.interviews.service import interview_content
from app.models import Candidate, Interview
from app.consent import ai as ai_consent
from app.consent import self_id
from app.settings import get_settings
from app import clock
from app.take import modes, service
from app.take.access import TakeInterview
from app.web import PostedForm, redirect, render

router = APIRouter(prefix="/take/{token}", dependencies=[Public])

NO_STORE = {"Cache-Control": "no-store"}


@router.get("")
def landing(token: str, request: Request, interview: TakeInterview, session: SessionDep) -> Response:
    """What the rounds are, what is timed, how saving works, what is stored; start buttons."""
    content = interview_content(session, interview)
    candidate = session.get(Candidate, interview.candidate_id)
    rounds = [r | {"duration_label": duration_label(r["duration_seconds"])}
              for r in service.overview(session, interview, now=clock.now())]
    settings = get_settings()
    return render(request, "take/landing.html", {
        "token": token, "title": content.title, "candidate": candidate, "rounds": rounds,
        "time_factor": interview.time_factor, "grace_seconds": int(settings.grace_seconds),
        "ai_enabled": settings.ai_enabled, "ai_notice_version": ai_consent.NOTICE_VERSION,
        **self_id_context(session, interview, request)}, headers=NO_STORE)


def self_id_context(session: Session, interview: Interview, request: Request) -> dict[str, object]:
    """The landing page's voluntary self-identification form: the candidate's answers and the choices."""
    return {"self_id": self_id.self_identification(session, interview.candidate_id), "self_id_choices": self_id.choices(),
            "self_id_saved": request.query_params.get("self_id") == "saved"}


@router.post("/rounds/{key}/start")
def start(token: str, key: str, request: Request, interview: TakeInterview, session: SessionDep,
          form: PostedForm) -> Response:
    """Start the round (only when the candidate presses Start) and open it; with a model configured,
    the button pressed says whether AI suggestions may read this round's answers (app/consent/ai.py)."""
    if (choice := form.get("ai_choice")) is not None:
        service.start_with_ai_choice(session, interview, key, choice=str(choice), now=clock.now())
    else:
        service.start_round(session, interview, key, now=clock.now())
    return redirect(request, f"/take/{token}/rounds/{key}")


@router.get("/rounds/{key}")
def round_page(token: str, key: str, request: Request, interview: TakeInterview, session: SessionDep) -> Response:
    """The round: questions with autosaving answers and the server's countdown; read-only once closed."""
    state = service.round_state(session, interview, key, now=clock.now())
    if state["status"] == "not_started":
        return RedirectResponse(f"/take/{token}", status_code=303)
    if (mode := modes.named(state["mode"])) is not None:
        return mode.page(request, session, token=token, state=state)  # a voice round: app/voice/mode.py
    return render(request, "take/round.html", {"token": token, "state": state,
                                               "current": _current_prompt(state)}, headers=NO_STORE)


@router.post("/rounds/{key}/submit")
def submit(token: str, key: str, request: Request, interview: TakeInterview, session: SessionDep) -> Response:
    """Submit the round from its page (idempotent)."""
    try:
        service.submit_round(session, interview, key, now=clock.now())
    except Conflict:
        return RedirectResponse(f"/take/{token}", status_code=303)
    return redirect(request, f"/take/{token}/rounds/{key}")


def _current_prompt(state: dict) -> int:
    # Behavioral rounds show prompts in order: the first one without a saved answer.
    for index, question in enumerate(state["questions"]):
        if not state["answers"].get(question["id"], {}).get("text", "").strip():
            return index
    return max(0, len(state["questions"]) - 1)


def duration_label(seconds: float) -> str:
    """A round's length for people: "45 minutes", "1 hour 30 minutes", "9 seconds"."""
    total = round(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [(hours, "hour"), (minutes, "minute"), (secs, "second")]
    return " ".join(f"{n} {unit}{'s' * (n != 1)}" for n, unit in parts if n) or "0 seconds"
