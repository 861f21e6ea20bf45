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
from app.take import service as take
from app.voice.models import Consent

PURPOSE = "ai_assistance"
# Bump when the wording of templates/privacy/_ai_notice.html changes: a stored consent names what was read.
NOTICE_VERSION = "ai-notice-v1"
CHOICES = ("ai", "people_only")


def start_with_choice(session: Session, interview: Interview, key: str, *, choice: str,
                      now: datetime) -> RoundAttempt:
    """Start the round and store the candidate's choice (the first choice of a round stands)."""
    if choice not in CHOICES:
        raise Invalid("choose ai or people_only", errors=[{"loc": ["body", "ai_choice"], "msg": "ai or people_only"}])
    attempt = take.start_round(session, interview, key, now=now)
    existing = session.exec(select(Consent).where(Consent.attempt_id == attempt.id, Consent.purpose == PURPOSE)).first()
    if existing is None:
        session.add(Consent(interview_id=interview.id, attempt_id=attempt.id, purpose=PURPOSE, choice=choice,
                            notice_version=NOTICE_VERSION, at=now))
        session.flush()
        audit.record(session, actor=None, actor_label="candidate", action="round.consent", object_type="interview",
                     object_id=interview.id, round=key, purpose=PURPOSE, choice=choice, notice_version=NOTICE_VERSION)
    return attempt


def ai_allowed(session: Session, interview_id: str, round_key: str) -> bool:
    """Whether a model may read the candidate's answers of this round: only after they agreed."""
    query = (select(Consent.choice).join(RoundAttempt, RoundAttempt.id == Consent.attempt_id)
             .where(RoundAttempt.interview_id == interview_id, RoundAttempt.round_key == round_key,
                    Consent.purpose == PURPOSE))
    return session.exec(query).first() == "ai"
