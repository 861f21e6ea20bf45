"""Consent before a voice round (DESIGN: Candidate data, consent and fairness): the candidate
reads what is recorded, who hears it and that people score it, then agrees or asks for the typed
alternative. The answer is stored with the round's attempt, with the version of the notice."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from app import audit
from app.errors import Invalid
from app.models import Interview, RoundAttempt
from app.take import service as take
from app.voice import speech
from app.consent.models import Consent
from app.voice.service import voice_round

PURPOSE = "voice_recording"
# Bump when the wording of templates/voice/_consent.html changes: a stored consent names what was read.
NOTICE_VERSION = "voice-notice-v1"
CHOICES = ("voice", "text")


def consent_for(session: Session, attempt: RoundAttempt) -> Consent | None:
    """The consent given for this attempt, if any."""
    return session.exec(select(Consent).where(Consent.attempt_id == attempt.id, Consent.purpose == PURPOSE)).first()


def give(session: Session, interview: Interview, key: str, *, choice: str, now: datetime) -> tuple[RoundAttempt, Consent]:
    """Record the candidate's choice and start the round (both idempotent: the first choice stands)."""
    if choice not in CHOICES:
        raise Invalid("choose voice or text", errors=[{"loc": ["body", "choice"], "msg": "voice or text"}])
    rnd = voice_round(session, interview, key)
    attempt = take.start_round(session, interview, key, now=now)
    existing = consent_for(session, attempt)
    if existing is not None:
        return attempt, existing
    consent = Consent(interview_id=interview.id, attempt_id=attempt.id, purpose=PURPOSE, choice=choice,
                      notice_version=NOTICE_VERSION, at=now)
    session.add(consent)
    session.flush()
    audit.record(session, actor=None, actor_label="candidate", action="round.consent", object_type="interview",
                 object_id=interview.id, round=key, choice=choice, notice_version=NOTICE_VERSION)
    if choice == "voice":
        speech.queue_prompts(session, [str(q["text"]) for q in attempt.questions] + [speech.intro_text(rnd)])
    return attempt, consent
