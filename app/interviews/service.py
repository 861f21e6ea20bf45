"""Candidates and interviews: creation bound to the current spec version, invite tokens,
interviewer assignments (one scorecard per interviewer and round) and completion."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from app import audit, changes, policy
from app.auth.security import new_token, token_hash
from app.auth.service import normalise_email, user_by_email
from app.changes import ChangeKind
from app.errors import Forbidden, Invalid, NotFound
from app.people import one_line, person_errors
from app.interviews.mail import candidate_invitation
from app.models import Candidate, Interview, JobSpecVersion, RoundAttempt, Scorecard, User, utcnow
from app.specs.draw import draw
from app.settings import get_settings
from app.specs import service as specs
from app.specs.content import RoundQuestion, SpecContent


def create_candidate(session: Session, *, name: str, email: str, actor: User | None) -> Candidate:
    """A new candidate (no account; they get invite links)."""
    if errors := person_errors(name, email):
        raise Invalid("invalid candidate", errors=errors)
    candidate = Candidate(name=one_line(name), email=normalise_email(email), created_by_id=actor.id if actor else None)
    session.add(candidate)
    session.flush()
    audit.record(session, actor=actor, action="candidate.create", object_type="candidate", object_id=candidate.id)
    return candidate


@dataclass
class NewInterview:
    interview: Interview
    token: str  # the secret of the invite link, shown once


def _resolve_interviewers(session: Session, content: SpecContent,
                          interviewers: Mapping[str, Sequence[str]]) -> dict[str, list[User]]:
    rounds = {r.key for r in content.rounds}
    errors, resolved = [], {}
    for key, emails in interviewers.items():
        if key not in rounds:
            errors.append({"loc": ["body", "interviewers", key], "msg": f"no round '{key}' in this job spec"})
            continue
        users = []
        for email in emails:
            user = user_by_email(session, email) if "\x00" not in email else None
            if user is None or not policy.can_be_assigned(user):
                errors.append({"loc": ["body", "interviewers", key], "msg": f"no staff member with email {email}"})
            elif user not in users:
                users.append(user)
        resolved[key] = users
    if errors:
        raise Invalid("invalid interviewers", errors=errors)
    return resolved


def create_interview(session: Session, *, candidate_id: str, spec_slug: str,
                     interviewers: Mapping[str, Sequence[str]], time_factor: float = 1.0,
                     actor: User | None) -> NewInterview:
    """An interview on the spec's current version, with scorecards for the assigned interviewers."""
    candidate = session.get(Candidate, candidate_id) if "\x00" not in candidate_id else None
    if candidate is None:
        raise NotFound(f"no candidate '{candidate_id}'")
    if not 1.0 <= time_factor <= 4.0:
        raise Invalid("time_factor must be between 1 and 4",
                      errors=[{"loc": ["body", "time_factor"], "msg": "must be between 1 and 4"}])
    spec = specs.get_spec(session, spec_slug)
    version = specs.get_version(session, spec)
    content = specs.content_of(version)
    assigned = _resolve_interviewers(session, content, interviewers)
    token = new_token()
    interview = Interview(candidate_id=candidate.id, spec_id=spec.id, spec_version_id=version.id,
                          time_factor=time_factor, token_hash=token_hash(token),
                          token_expires_at=utcnow() + timedelta(days=get_settings().invite_days),
                          created_by_id=actor.id if actor else None)
    session.add(interview)
    session.flush()
    interview.round_questions = rotated_questions(session, content, seed=interview.id)
    for key, users in assigned.items():
        for user in users:
            session.add(Scorecard(interview_id=interview.id, round_key=key, interviewer_id=user.id))
    session.flush()
    audit.record(session, actor=actor, action="interview.create", object_type="interview", object_id=interview.id,
                 candidate_id=candidate.id, version=version.label, time_factor=time_factor)
    # The token rides along to the mail outbox (the candidate's invitation), written in this transaction.
    changes.record(session, ChangeKind.INTERVIEW_CREATED, spec_id=spec.id, interview_id=interview.id, secret=token)
    return NewInterview(interview, token)


def rotated_questions(session: Session, content: SpecContent, *, seed: str) -> dict[str, list[dict]]:
    """For rounds with rotation on: this candidate's own draw of equal coverage from the round's pool
    (as stored with the interview)."""
    result = {}
    for rnd in content.candidate_rounds:
        if rnd.rotate_questions:
            result[rnd.key] = draw([q.to_dict() for q in rnd.questions], content=content, round_kind=rnd.kind,
                                   count=rnd.question_count, seed=seed)
    return result


def round_questions(interview: Interview, content: SpecContent, round_key: str) -> tuple[RoundQuestion, ...]:
    """The questions this candidate sees in a round: their rotated draw, or the published set."""
    if round_key in (interview.round_questions or {}):
        return tuple(RoundQuestion.from_dict(q) for q in interview.round_questions[round_key])
    rnd = content.round(round_key)
    if rnd is None:
        raise NotFound(f"no round '{round_key}'")
    return rnd.questions


def interview_content(session: Session, interview: Interview) -> SpecContent:
    """The content of the spec version the interview is bound to (immutable, shared)."""
    return specs.version_content(session, interview.spec_version_id)


def refresh_completion(session: Session, interview: Interview) -> bool:
    """Set or clear `completed_at` (DESIGN: every written and behavioral round submitted or closed by
    the timer, and every assigned scorecard submitted). Returns whether it is completed."""
    content = interview_content(session, interview)
    candidate_rounds = {r.key for r in content.candidate_rounds}
    attempts = session.exec(select(RoundAttempt).where(RoundAttempt.interview_id == interview.id)).all()
    submitted = {a.round_key for a in attempts if a.submitted_at is not None}
    cards = session.exec(select(Scorecard).where(Scorecard.interview_id == interview.id)).all()
    completed = candidate_rounds <= submitted and all(c.status == "submitted" for c in cards)
    moved = completed != (interview.completed_at is not None)
    if moved:
        interview.completed_at = utcnow() if completed else None
        session.add(interview)
        kind = ChangeKind.INTERVIEW_COMPLETED if completed else ChangeKind.INTERVIEW_REOPENED
        changes.record(session, kind, spec_id=interview.spec_id, interview_id=interview.id)
    return completed


# --- invite links and the interview's state, for hiring managers -------------------------------

MAX_EXTEND_DAYS = 90


def link_state(interview: Interview, *, now: datetime) -> str:
    """`active`, `revoked` or `expired`."""
    if interview.token_revoked_at is not None:
        return "revoked"
    return "expired" if interview.token_expires_at <= now else "active"


def revoke_link(session: Session, interview: Interview, *, actor: User | None) -> None:
    """The candidate link stops working at once."""
    if interview.token_revoked_at is None:
        interview.token_revoked_at = utcnow()
        session.add(interview)
        session.flush()
        audit.record(session, actor=actor, action="interview.link_revoke", object_type="interview",
                     object_id=interview.id)


def extend_link(session: Session, interview: Interview, *, days: int, actor: User | None) -> datetime:
    """A new expiry `days` from now (a revoked link stays revoked: re-issue it instead)."""
    if not 1 <= days <= MAX_EXTEND_DAYS:
        raise Invalid("invalid extension", errors=[{"loc": ["body", "days"], "msg": f"between 1 and {MAX_EXTEND_DAYS} days"}])
    old = interview.token_expires_at
    interview.token_expires_at = utcnow() + timedelta(days=days)
    session.add(interview)
    session.flush()
    audit.record(session, actor=actor, action="interview.link_extend", object_type="interview", object_id=interview.id,
                 old=old.isoformat(), new=interview.token_expires_at.isoformat())
    return interview.token_expires_at


def reissue_link(session: Session, interview: Interview, *, actor: User | None) -> str:
    """A new secret link (returned once); the old one stops working. Answers and clocks are kept."""
    token = new_token()
    interview.token_hash = token_hash(token)
    interview.token_revoked_at = None
    interview.token_expires_at = utcnow() + timedelta(days=get_settings().invite_days)
    session.add(interview)
    session.flush()
    audit.record(session, actor=actor, action="interview.link_reissue", object_type="interview", object_id=interview.id)
    candidate_invitation(session, interview, token, reissued=True)  # the new link by mail, in this transaction
    return token


def interview_status(session: Session, interview: Interview) -> str:
    """`invited`, `in_progress`, `awaiting_scorecards` or `completed`."""
    if interview.completed_at is not None:
        return "completed"
    content = interview_content(session, interview)
    candidate_rounds = {r.key for r in content.candidate_rounds}
    attempts = session.exec(select(RoundAttempt).where(RoundAttempt.interview_id == interview.id)).all()
    if not attempts:
        return "invited"
    submitted = {a.round_key for a in attempts if a.submitted_at is not None}
    return "awaiting_scorecards" if candidate_rounds <= submitted else "in_progress"


def list_interviews(session: Session, *, limit: int = 500) -> list[tuple[Interview, Candidate, JobSpecVersion]]:
    """Interviews, newest first, with their candidate and spec version."""
    query = (select(Interview, Candidate, JobSpecVersion)
             .join(Candidate, Candidate.id == Interview.candidate_id)
             .join(JobSpecVersion, JobSpecVersion.id == Interview.spec_version_id)
             .order_by(col(Interview.created_at).desc()).limit(limit))
    return [tuple(row) for row in session.exec(query).all()]  # type: ignore[misc]


def get_interview(session: Session, interview_id: str) -> Interview:
    """The interview with this id, or NotFound."""
    interview = session.get(Interview, interview_id) if "\x00" not in interview_id else None
    if interview is None:
        raise NotFound(f"no interview '{interview_id}'")
    return interview


def interview_cards(session: Session, interview_id: str) -> list[Scorecard]:
    """Every scorecard of an interview, by round then creation."""
    return list(session.exec(select(Scorecard).where(Scorecard.interview_id == interview_id)
                             .order_by(Scorecard.round_key, Scorecard.created_at, Scorecard.id)).all())


def panel(session: Session, interview: Interview) -> policy.Panel:
    """The interview with all its scorecards: what app/policy.py's blind rule judges."""
    blind = interview_content(session, interview).blind_until_all_submitted
    return policy.Panel(interview, tuple(interview_cards(session, interview.id)), blind)


def ensure_can_view(session: Session, interview: Interview, user: User) -> policy.Panel:
    """The interview's panel when the caller may see the interview; NotFound otherwise, so ids do not leak."""
    found = panel(session, interview)
    if not policy.can_view_interview(user, found):
        raise NotFound(f"no interview '{interview.id}'")
    return found


def interview_for_scores(session: Session, user: User, interview_id: str) -> tuple[Interview, policy.Panel]:
    """The interview whose scores the caller may read: 404 for interviews they may not see, 403
    while the blind rule keeps the scores closed to them."""
    interview = get_interview(session, interview_id)
    found = ensure_can_view(session, interview, user)
    if not policy.can_see_scores(user, found):
        raise Forbidden("submit your own scorecard first: scores are shown after you submit")
    return interview, found
