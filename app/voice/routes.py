"""The voice round's pages: the consent form of the landing page, and the round itself, where
Cal speaks each prompt and the candidate answers aloud (static/js/voice.js)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlmodel import Session

from app.deps import Public, SessionDep
from app.errors import Invalid
from app import clock
from app.take import service as take
from app.take.access import TakeInterview
from app.voice import consent, speech
from app.web import PostedForm, redirect, render

router = APIRouter(prefix="/take/{token}", dependencies=[Public])
NO_STORE = {"Cache-Control": "no-store"}


@router.post("/rounds/{key}/consent")
def consent_form(token: str, key: str, request: Request, interview: TakeInterview, session: SessionDep,
                 form: PostedForm) -> Response:
    """The landing page's two buttons: record my answers aloud, or let me type them."""
    choice = str(form.get("choice") or "")
    if choice not in consent.CHOICES:
        raise Invalid("Choose to answer aloud or to type your answers.")
    consent.give(session, interview, key, choice=choice, now=clock.now())
    if (ai_choice := form.get("ai_choice")) is not None:  # asked when a model is configured
        take.start_with_ai_choice(session, interview, key, choice=str(ai_choice), now=clock.now())
    return redirect(request, f"/take/{token}/rounds/{key}")


def _prompt_state(state: dict[str, Any], qid: str) -> str:
    voice = state["voice"]
    if qid in voice["finished"]:
        return "finished"
    if qid in voice["typed"]:
        return "typed"
    return "partial" if voice["next_seq"].get(qid) else "pending"


def current_prompt(state: dict[str, Any]) -> int:
    """The prompt to resume at: the first neither answered aloud nor typed."""
    for index, question in enumerate(state["questions"]):
        prompt = _prompt_state(state, question["id"])
        typed_text = state["answers"].get(question["id"], {}).get("text", "").strip()
        if prompt in ("pending", "partial") or (prompt == "typed" and not typed_text):
            return index
    return max(0, len(state["questions"]) - 1)


def voice_round_page(request: Request, session: Session, *, token: str, state: dict[str, Any]) -> Response:
    """The voice round, or the typed round when the candidate chose the typed alternative."""
    chosen = state["voice"]["consent"]
    if chosen is not None and chosen["choice"] == "text":
        from app.take.routes import _current_prompt

        return render(request, "take/round.html", {"token": token, "state": state, "current": _current_prompt(state)},
                      headers=NO_STORE)
    base = f"/api/v1/take/{token}/rounds/{state['key']}"
    prompts = [{**q, "state": _prompt_state(state, q["id"]), "next_seq": state["voice"]["next_seq"].get(q["id"], 0),
                "speech_url": f"{base}/prompts/{q['id']}/speech" if speech.clip_for(session, q["text"]) else "",
                "answer": state["answers"].get(q["id"], {})} for q in state["questions"]]
    intro = speech.intro_text(state)
    return render(request, "voice/round.html", {
        "token": token, "state": state, "prompts": prompts, "current": current_prompt(state),
        "needs_consent": chosen is None, "intro": intro, "notice_version": consent.NOTICE_VERSION,
        "intro_url": f"{base}/speech/intro" if speech.clip_for(session, intro) else ""}, headers=NO_STORE)
