"""The interviews list as people use it: filtered by spec, status and interviewer, searched by the
candidate's name or email, paged by cursor, newest or oldest first (the cursor is the last row's
creation time and id, so a page is an index range: `ix_interview_created`, or
`ix_interview_spec_created` for one spec, whatever the number of interviews)."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import exists, false, or_, tuple_
from sqlalchemy.orm import defer
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
    q: str = ""  # part of the candidate's name or email, any case
    oldest_first: bool = False

    def params(self) -> dict[str, str]:
        """The list's query parameters for this filter (for links to other pages)."""
        values = {"job_spec": self.spec_slug, "status": self.status, "interviewer": self.interviewer_id, "q": self.q,
                  "sort": "oldest" if self.oldest_first else ""}
        return {k: v for k, v in values.items() if v}


def encode_cursor(row: Interview | Candidate) -> str:
    """The cursor that continues after this row (an interview, or a candidate in their list)."""
    raw = f"{row.created_at.isoformat()}|{row.id}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, str] | None:
    """The (created_at, id) a cursor stands for; None for a cursor that is not one of ours."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        stamp, _, interview_id = raw.partition("|")
        return (datetime.fromisoformat(stamp), interview_id) if "\x00" not in interview_id else None
    except (ValueError, UnicodeDecodeError):
        return None


def contains(column, text: str):  # type: ignore[no-untyped-def]
    """`column` contains `text`, any case, with LIKE's wildcards taken literally."""
    text = text.replace("\x00", "")  # PostgreSQL text cannot hold NUL, and no stored text has one
    pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return col(column).ilike(pattern, escape="\\")


def _filtered(session: Session, query, wanted: InterviewFilter):  # type: ignore[no-untyped-def]
    if "\x00" in wanted.spec_slug + wanted.candidate_id + wanted.interviewer_id:
        return query.where(false())  # no slug or id holds NUL (and PostgreSQL text cannot)
    if q := wanted.q.strip()[:200]:
        query = query.where(or_(contains(Candidate.name, q), contains(Candidate.email, q)))
    if wanted.spec_slug:  # by id, so the planner walks ix_interview_spec_created in order
        spec_id = session.exec(select(JobSpec.id).where(JobSpec.slug == wanted.spec_slug)).first()
        query = query.where(Interview.spec_id == (spec_id or ""))
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
    """One page of interviews, newest (or oldest) first, and the cursor of the next page (None at the end)."""
    limit = max(1, min(limit, MAX_LIMIT))
    query = _filtered(session, select(Interview, Candidate, JobSpecVersion)
                      .join(Candidate, col(Candidate.id) == Interview.candidate_id)
                      .join(JobSpecVersion, col(JobSpecVersion.id) == Interview.spec_version_id)
                      .options(defer(JobSpecVersion.content), defer(Interview.round_questions)), wanted)  # large JSON
    after = decode_cursor(cursor) if cursor else None
    key = tuple_(col(Interview.created_at), col(Interview.id))
    if after is not None:
        query = query.where(key > after if wanted.oldest_first else key < after)
    order = ((col(Interview.created_at).asc(), col(Interview.id).asc()) if wanted.oldest_first
             else (col(Interview.created_at).desc(), col(Interview.id).desc()))
    rows = [tuple(r) for r in session.exec(query.order_by(*order).limit(limit + 1)).all()]
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, encode_cursor(rows[-1][0]) if more and rows else None  # type: ignore[return-value]
