"""Consent before an AI-assisted round (DESIGN: Candidate data, consent and fairness).

When a language model is configured, interviewers may ask it for rating suggestions, and it then
reads the candidate's answers. Before a written or behavioral round the candidate reads what is
automated and that people decide, and starts the round either agreeing to that assistance or
asking for people only (the alternative, honoured by `ai_allowed`). The choice is stored like the
voice round's consent (app/voice/consent.py): on the round's attempt, with the notice's version
and the time. Without a configured model nothing is asked and nothing is automated."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from app import audit
from app.errors import Invalid
from app.models import Interview, RoundAttempt
from app.consent.models import Consent

PURPOSE = "ai_assistance"
# Bump when the wording of templates/privacy/_ai_notice.html changes: a stored consent names what was read.
NOTICE_VERSION = "ai-notice-v1"
CHOICES = ("ai", "people_only")


def check_choice(choice: str) -> None:
    """Refuse anything but the two choices (before the round starts: a tampered form starts nothing)."""
    if choice not in CHOICES:
        raise Invalid("choose ai or people_only", errors=[{"loc": ["body", "ai_choice"], "msg": "ai or people_only"}])


def record_choice(session: Session, interview: Interview, attempt: RoundAttempt, *, choice: str,
                  now: datetime) -> None:
    """Store the candidate's choice for the round's attempt (the first choice of a round stands)."""
    check_choice(choice)
    existing = session.exec(select(Consent).where(Consent.attempt_id == attempt.id, Consent.purpose == PURPOSE)).first()
    if existing is None:
        session.add(Consent(interview_id=interview.id, attempt_id=attempt.id, purpose=PURPOSE, choice=choice,
                            notice_version=NOTICE_VERSION, at=now))
        session.flush()
        audit.record(session, actor=None, actor_label="candidate", action="round.consent", object_type="interview",
                     object_id=interview.id, round=attempt.round_key, purpose=PURPOSE, choice=choice,
                     notice_version=NOTICE_VERSION)


def ai_allowed(session: Session, interview_id: str, round_key: str) -> bool:
    """Whether a model may read the candidate's answers of this round: only after they agreed."""
    query = (select(Consent.choice).join(RoundAttempt, RoundAttempt.id == Consent.attempt_id)
             .where(RoundAttempt.interview_id == interview_id, RoundAttempt.round_key == round_key,
                    Consent.purpose == PURPOSE))
    return session.exec(query).first() == "ai"
