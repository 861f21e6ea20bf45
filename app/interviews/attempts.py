"""A round attempt's deadline and its closing (DESIGN: Timed rounds): saves are accepted until
deadline + grace, and a round past them is closed with `submitted_at = deadline` — by the sweeper,
by the candidate's next request, or by a staff page that reads it (app/interviews/detail.py)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session

from app import audit, changes
from app.changes import ChangeKind
from app.interviews.service import refresh_completion
from app.models import Interview, RoundAttempt
from app.settings import get_settings


def grace() -> timedelta:
    """How long after the deadline a save is still accepted (CALIBRATE_GRACE_SECONDS)."""
    return timedelta(seconds=get_settings().grace_seconds)


def accepts_saves(deadline: datetime, now: datetime) -> bool:
    """Saves are accepted until deadline + grace, inclusive."""
    return now <= deadline + grace()


def close(session: Session, attempt: RoundAttempt, *, at: datetime, by: str) -> None:
    """Close the attempt at `at`, by the candidate or the timer: audited, recorded, and the interview's
    completion brought up to date."""
    attempt.submitted_at = at
    attempt.closed_by = by
    session.add(attempt)
    session.flush()
    interview = session.get(Interview, attempt.interview_id)
    assert interview is not None
    audit.record(session, actor=None, actor_label=by if by == "timer" else "candidate", action="round.submit",
                 object_type="interview", object_id=interview.id, round=attempt.round_key,
                 closed_by=by, submitted_at=at.isoformat())
    changes.record(session, ChangeKind.ROUND_SUBMITTED, spec_id=interview.spec_id, interview_id=interview.id,
                   round_key=attempt.round_key)
    refresh_completion(session, interview)


def close_if_due(session: Session, attempt: RoundAttempt, *, now: datetime) -> bool:
    """Close an open attempt whose deadline and grace have passed, stamped at its deadline."""
    if attempt.submitted_at is None and not accepts_saves(attempt.deadline, now):
        close(session, attempt, at=attempt.deadline, by="timer")
        return True
    return False
