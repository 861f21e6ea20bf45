"""The interviews list as people use it: filtered by spec, status and interviewer, paged by
cursor (newest first; the cursor is the last row's creation time and id)."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, exists, or_
from sqlmodel import Session, col, select

from app.models import (
    Candidate,
    Interview,
    JobSpec,
    JobSpecVersion,
    RoundAttempt,
    Scorecard,
)

# What the filter can ask of the database directly; the row shows the finer status.
STATUS_FILTERS = {"invited": "Invited, not started", "started": "Started, not completed", "completed": "Completed"}
DEFAULT_LIMIT, MAX_LIMIT = 50, 200


@dataclass(frozen=True)
class InterviewFilter:
    """What the list is narrowed to (every field optional)."""

    spec_slug: str = ""
    status: str = ""
    interviewer_id: str = ""
    candidate_id: str = ""


def encode_cursor(interview: Interview) -> str:
    """The cursor that continues after this row."""
    raw = f"{interview.created_at.isoformat()}|{interview.id}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, str] | None:
    """The (created_at, id) a cursor stands for; None for a cursor that is not one of ours."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        stamp, _, interview_id = raw.partition("|")
        return datetime.fromisoformat(stamp), interview_id
    except (ValueError, UnicodeDecodeError):
        return None


def _filtered(query, wanted: InterviewFilter):  # type: ignore[no-untyped-def]
    if wanted.spec_slug:
        query = query.where(col(Interview.spec_id).in_(select(JobSpec.id).where(JobSpec.slug == wanted.spec_slug)))
    if wanted.candidate_id:
        query = query.where(Interview.candidate_id == wanted.candidate_id)
    if wanted.interviewer_id:
        query = query.where(exists().where(Scorecard.interview_id == Interview.id,
                                           Scorecard.interviewer_id == wanted.interviewer_id))
    started = exists().where(RoundAttempt.interview_id == Interview.id)
    if wanted.status == "completed":
        query = query.where(col(Interview.completed_at).is_not(None))
    elif wanted.status == "started":
        query = query.where(col(Interview.completed_at).is_(None), started)
    elif wanted.status == "invited":
        query = query.where(col(Interview.completed_at).is_(None), ~started)
    return query


def page_interviews(session: Session, wanted: InterviewFilter, *, cursor: str = "", limit: int = DEFAULT_LIMIT
                    ) -> tuple[list[tuple[Interview, Candidate, JobSpecVersion]], str | None]:
    """One page of interviews, newest first, and the cursor of the next page (None at the end)."""
    limit = max(1, min(limit, MAX_LIMIT))
    query = _filtered(select(Interview, Candidate, JobSpecVersion)
                      .join(Candidate, col(Candidate.id) == Interview.candidate_id)
                      .join(JobSpecVersion, col(JobSpecVersion.id) == Interview.spec_version_id), wanted)
    after = decode_cursor(cursor) if cursor else None
    if after is not None:
        stamp, last_id = after
        query = query.where(or_(col(Interview.created_at) < stamp,
                                and_(col(Interview.created_at) == stamp, col(Interview.id) < last_id)))
    rows = [tuple(r) for r in session.exec(query.order_by(col(Interview.created_at).desc(), col(Interview.id).desc())
                                           .limit(limit + 1)).all()]
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, encode_cursor(rows[-1][0]) if more and rows else None  # type: ignore[return-value]
