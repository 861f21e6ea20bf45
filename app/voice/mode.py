"""The voice round as a mode of the candidate's rounds (app/take/modes.py), installed by app/wiring.py:
its state carries the consent and each prompt's recording, a prompt answered aloud counts as
answered, and its page is Cal's."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import Response
from sqlmodel import Session

from app.models import RoundAttempt
from app.specs.content import Round
from app.voice import routes, service, state


class VoiceMode:
    """The `voice` round mode."""

    name = "voice"

    def annotate(self, session: Session, rnd: Round, attempt: RoundAttempt | None, round_state: dict[str, Any]) -> None:
        """The consent and each prompt's recording (DESIGN: `answers[qid].audio`)."""
        state.annotate(session, attempt, round_state)

    def answered_otherwise(self, session: Session, attempt: RoundAttempt) -> set[str]:
        """The prompts answered aloud (their transcripts may still be on the way)."""
        return service.spoken_answers(session, attempt)

    def page(self, request: Request, session: Session, *, token: str, state: dict[str, Any]) -> Response:
        """Cal's round page, or the typed round when the candidate chose to type."""
        return routes.voice_round_page(request, session, token=token, state=state)
