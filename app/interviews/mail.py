"""The mail that interviews cause: the candidate's invitation (and a reissued link), each
interviewer's assignment, and the reminder for a scorecard still open 24 h after its round."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, literal
from sqlmodel import Session, col, select

from app.changes import Change, ChangeKind
from app.mail.models import MailMessage
from app.mail.outbox import queue_mail
from app.models import Candidate, Interview, RoundAttempt, Scorecard, User
from app.settings import get_settings
from app.specs.service import version_content

REMINDER_AFTER = timedelta(hours=24)
REMINDER_KEY = "scorecard-reminder:"


def _link(path: str) -> str:
    return get_settings().base_url.rstrip("/") + path


def _interview_facts(session: Session, interview: Interview) -> dict[str, Any]:
    """What every interview message shows: the candidate, the spec and its rounds with times."""
    content = version_content(session, interview.spec_version_id)  # the version the interview is bound to
    candidate = session.get(Candidate, interview.candidate_id)
    contact = session.get(User, interview.created_by_id) if interview.created_by_id else None
    rounds = [{"key": r.key, "name": r.name, "kind": r.kind.value, "live": r.kind.value == "live",
               "minutes": round(r.duration_minutes * interview.time_factor, 1)} for r in content.rounds]
    return {"candidate": candidate, "spec_title": content.title, "level": content.level.value, "rounds": rounds,
            "time_factor": interview.time_factor, "expires_at": interview.token_expires_at,
            "contact_name": contact.name if contact else "", "contact_email": contact.email if contact else "",
            "interview_url": _link(f"/interviews/{interview.id}")}


def candidate_invitation(session: Session, interview: Interview, token: str, *, reissued: bool = False) -> None:
    """The candidate's link by mail: rounds, durations, when the link expires, how to ask for more time."""
    facts = _interview_facts(session, interview)
    candidate = facts["candidate"]
    queue_mail(session, template="candidate_link_reissued" if reissued else "candidate_invitation",
               to=candidate.email, name=candidate.name, holds_secret=True,
               context={**facts, "take_url": _link(f"/take/{token}")})


def interviewer_assignments(session: Session, interview: Interview) -> None:
    """One message per assigned interviewer, listing their rounds of the interview."""
    facts = _interview_facts(session, interview)
    cards = session.exec(select(Scorecard).where(Scorecard.interview_id == interview.id)).all()
    by_user: dict[str, list[Scorecard]] = {}
    for card in cards:
        by_user.setdefault(card.interviewer_id, []).append(card)
    names = {r["key"]: r["name"] for r in facts["rounds"]}
    for user_id, own in by_user.items():
        user = session.get(User, user_id)
        if user is None or not user.is_active:
            continue
        assigned = [{"name": names.get(c.round_key, c.round_key), "url": _link(f"/scorecards/{c.id}")} for c in own]
        queue_mail(session, template="interviewer_assignment", to=user.email, name=user.name,
                   key=f"assignment:{interview.id}:{user.id}", context={**facts, "assigned": assigned})


class InterviewMail:
    """Change handler: the invitation and the assignments go into the outbox with the interview."""

    def in_transaction(self, session: Session, change: Change) -> None:
        """Write the messages of a created interview in its own transaction."""
        if change.kind is not ChangeKind.INTERVIEW_CREATED:
            return
        for interview_id in change.interview_ids:
            interview = session.get(Interview, interview_id)
            if interview is None:
                continue
            if change.secret and len(change.interview_ids) == 1:
                candidate_invitation(session, interview, change.secret)
            interviewer_assignments(session, interview)

    def after_commit(self, session: Session, changes: Sequence[Change]) -> None:
        """Nothing: the worker picks the messages up."""


def remind_open_scorecards(session: Session, now: datetime, *, limit: int = 200) -> int:
    """Sweep: a reminder for each draft scorecard whose round was submitted over 24 h ago (once)."""
    key = literal(REMINDER_KEY) + col(Scorecard.id)
    reminded = select(MailMessage.id).where(MailMessage.key == key).exists()
    query = (select(Scorecard, RoundAttempt)
             .join(RoundAttempt, and_(col(RoundAttempt.interview_id) == Scorecard.interview_id,
                                      col(RoundAttempt.round_key) == Scorecard.round_key))
             .join(User, col(User.id) == Scorecard.interviewer_id)
             .where(Scorecard.status == "draft", col(RoundAttempt.submitted_at) <= now - REMINDER_AFTER,
                    col(User.is_active).is_(True), ~reminded)
             .limit(limit))
    sent = 0
    for card, attempt in session.exec(query).all():
        user = session.get(User, card.interviewer_id)
        interview = session.get(Interview, card.interview_id)
        if user is None or not user.is_active or interview is None:
            continue
        facts = _interview_facts(session, interview)
        sent += queue_mail(session, template="scorecard_reminder", to=user.email, name=user.name,
                           key=f"{REMINDER_KEY}{card.id}",
                           context={**facts, "round_name": next((r["name"] for r in facts["rounds"]
                                                                 if r["key"] == card.round_key), card.round_key),
                                    "submitted_at": attempt.submitted_at,
                                    "scorecard_url": _link(f"/scorecards/{card.id}")}) is not None
    return sent
