"""What a hiring manager sees of one interview: the candidate's rounds (closing overdue ones on the
way), the interviewers' scorecards with overdue drafts flagged, and the invite link's state."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session, select

from app.interviews import service
from app.models import Candidate, JobSpec, JobSpecVersion, Interview, RoundAttempt, Scorecard, User
from app.specs.content import Round
from app.interviews.attempts import close_if_due

SCORECARD_DUE = timedelta(hours=48)
CardFilter = Callable[[Scorecard], bool]


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _assignments(session: Session, interview: Interview, key: str, submitted_at: datetime | None,
                 now: datetime, shown: CardFilter) -> list[dict[str, Any]]:
    rows = session.exec(select(Scorecard, User).join(User, User.id == Scorecard.interviewer_id)
                        .where(Scorecard.interview_id == interview.id, Scorecard.round_key == key)
                        .order_by(User.email)).all()
    overdue_since = submitted_at + SCORECARD_DUE if submitted_at else None
    return [{"scorecard_id": card.id, "interviewer": user.email, "interviewer_name": user.name,
             "status": card.status, "submitted_at": _iso(card.submitted_at),
             "overdue": card.status == "draft" and overdue_since is not None and now > overdue_since}
            for card, user in rows if shown(card)]


def _round(session: Session, interview: Interview, rnd: Round, now: datetime,
           shown: CardFilter) -> dict[str, Any]:
    attempt = None
    if rnd.kind.has_candidate_side:
        attempt = session.exec(select(RoundAttempt).where(RoundAttempt.interview_id == interview.id,
                                                          RoundAttempt.round_key == rnd.key)).first()
        if attempt is not None:
            close_if_due(session, attempt, now=now)
    if not rnd.kind.has_candidate_side:
        status = "live"
    elif attempt is None:
        status = "not_started"
    elif attempt.submitted_at is None:
        status = "in_progress"
    else:
        status = "closed_by_timer" if attempt.closed_by == "timer" else "submitted"
    submitted_at = attempt.submitted_at if attempt else None
    return {"key": rnd.key, "name": rnd.name, "kind": rnd.kind.value, "status": status,
            "duration_minutes": round(float(rnd.duration_minutes) * interview.time_factor, 3),
            "started_at": _iso(attempt.started_at) if attempt else None,
            "deadline": _iso(attempt.deadline) if attempt else None, "submitted_at": _iso(submitted_at),
            "assignments": _assignments(session, interview, rnd.key, submitted_at, now, shown)}


def interview_detail(session: Session, interview: Interview, *, now: datetime,
                     shown: CardFilter = lambda card: True) -> dict[str, Any]:
    """The interview's status, rounds, assignments and link state (DESIGN: GET /interviews/{id});
    `shown` keeps the assignments the viewer may see (app/policy.py: can_see_assignment)."""
    version = session.get(JobSpecVersion, interview.spec_version_id)
    spec = session.get(JobSpec, interview.spec_id)
    candidate = session.get(Candidate, interview.candidate_id)
    assert version is not None and spec is not None and candidate is not None
    content = service.interview_content(session, interview)
    rounds = [_round(session, interview, rnd, now, shown) for rnd in content.rounds]
    return {
        "id": interview.id,
        "status": service.interview_status(session, interview),
        "candidate": {"id": candidate.id, "name": candidate.name, "email": candidate.email},
        "job_spec": spec.slug, "title": version.title, "version": version.label,
        "time_factor": interview.time_factor,
        "created_at": interview.created_at.isoformat(), "completed_at": _iso(interview.completed_at),
        "link": {"state": service.link_state(interview, now=now), "expires_at": interview.token_expires_at.isoformat(),
                 "revoked_at": _iso(interview.token_revoked_at)},
        "rounds": rounds,
        "assignments": [a | {"round": r["key"]} for r in rounds for a in r["assignments"]],
    }
