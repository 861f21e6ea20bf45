"""The tables of Calibrate's domain (DESIGN): people, job specs and versions, the question bank,
candidates and interviews, timed round attempts with answer revisions, scorecards with ratings
and must-have checks, and the append-only audit log."""

from __future__ import annotations

import uuid
from datetime import datetime, timezone
from typing import Any, Optional

from sqlalchemy import Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.db_types import JSONDoc, UTCDateTime

ROLES = ("admin", "hiring_manager", "interviewer")
LEVELS = ("junior", "mid", "senior", "staff", "principal")
ROUND_KINDS = ("written", "behavioral", "live")
MUST_HAVE_STATUSES = ("met", "not_met", "not_assessed")
RECOMMENDATIONS = ("strong_no", "no", "yes", "strong_yes")


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC."""
    return datetime.now(timezone.utc)


def new_id() -> str:
    """A random UUID as text, for rows whose id appears in URLs."""
    return str(uuid.uuid4())


def _ts(**kw: Any) -> Any:
    return Field(sa_type=UTCDateTime, **kw)


class User(SQLModel, table=True):
    """A staff member who signs in: admin, hiring manager or interviewer."""

    __tablename__ = "user_account"
    id: str = Field(default_factory=new_id, primary_key=True)
    email: str = Field(unique=True, index=True, max_length=320)
    name: str = Field(max_length=200)
    role: str = Field(max_length=32)
    password_hash: str = Field(max_length=255)
    is_active: bool = True
    created_at: datetime = _ts(default_factory=utcnow)


class ApiToken(SQLModel, table=True):
    """A bearer token for the JSON API; only its SHA-256 is stored."""

    __tablename__ = "api_token"
    id: str = Field(default_factory=new_id, primary_key=True)
    user_id: str = Field(foreign_key="user_account.id", index=True)
    name: str = Field(default="", max_length=200)
    token_hash: str = Field(unique=True, max_length=64)
    prefix: str = Field(max_length=12)
    created_at: datetime = _ts(default_factory=utcnow)
    last_used_at: Optional[datetime] = _ts(default=None)
    revoked_at: Optional[datetime] = _ts(default=None)


class WebSession(SQLModel, table=True):
    """A signed-in browser session; the cookie holds a secret whose SHA-256 is the id."""

    __tablename__ = "web_session"
    id: str = Field(primary_key=True, max_length=64)
    user_id: str = Field(foreign_key="user_account.id", index=True)
    csrf_token: str = Field(max_length=64)
    created_at: datetime = _ts(default_factory=utcnow)
    expires_at: datetime = _ts()


class RateLimitHit(SQLModel, table=True):
    """One counted event (a failed sign-in, an unknown invite token) for a rate-limit bucket."""

    __tablename__ = "rate_limit_hit"
    __table_args__ = (Index("ix_rate_limit_bucket_key_at", "bucket", "key", "at"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    bucket: str = Field(max_length=32)
    key: str = Field(max_length=320)
    at: datetime = _ts(default_factory=utcnow)


class JobSpec(SQLModel, table=True):
    """A job spec; its content lives in immutable versions."""

    __tablename__ = "job_spec"
    id: str = Field(default_factory=new_id, primary_key=True)
    slug: str = Field(unique=True, index=True, max_length=120)
    current_version: int = 0
    created_at: datetime = _ts(default_factory=utcnow)
    updated_at: datetime = _ts(default_factory=utcnow)


class JobSpecVersion(SQLModel, table=True):
    """One immutable version of a job spec's canonical content, labelled `v{n}-{hash}`."""

    __tablename__ = "job_spec_version"
    __table_args__ = (UniqueConstraint("spec_id", "number"),)
    id: str = Field(default_factory=new_id, primary_key=True)
    spec_id: str = Field(foreign_key="job_spec.id", index=True)
    number: int
    label: str = Field(max_length=40)
    content_hash: str = Field(max_length=64)
    content: dict = Field(sa_type=JSONDoc)
    title: str = Field(max_length=300)
    level: str = Field(max_length=16)
    source: str = Field(max_length=16)  # yaml | editor | api
    note: str = Field(default="", max_length=500)
    created_by_id: Optional[str] = Field(default=None, foreign_key="user_account.id")
    created_at: datetime = _ts(default_factory=utcnow)


class Question(SQLModel, table=True):
    """A question or behavioral prompt of the bank (question_bank/)."""

    __tablename__ = "question"
    id: str = Field(primary_key=True, max_length=120)
    kind: str = Field(max_length=16)
    category: str = Field(max_length=80)
    topic: str = Field(max_length=80)
    text: str = Field(sa_column=Column(Text, nullable=False))
    tags: list = Field(sa_type=JSONDoc)
    levels: list = Field(sa_type=JSONDoc)
    minutes: int = 15
    rubric: dict = Field(sa_type=JSONDoc)
    follow_ups: list = Field(default_factory=list, sa_type=JSONDoc)
    source: str = Field(max_length=200)
    stage: Optional[int] = None
    active: bool = True


class Candidate(SQLModel, table=True):
    """A person who takes interviews; candidates have no account."""

    __tablename__ = "candidate"
    __table_args__ = (Index("ix_candidate_created", "created_at", "id"),)  # the candidates list, newest first
    id: str = Field(default_factory=new_id, primary_key=True)
    name: str = Field(max_length=200)
    email: str = Field(max_length=320, index=True)
    created_by_id: Optional[str] = Field(default=None, foreign_key="user_account.id")
    created_at: datetime = _ts(default_factory=utcnow)
    # Set when the person was erased (app/privacy/erasure.py): name and email are blank from then on.
    erased_at: Optional[datetime] = _ts(default=None)


class Interview(SQLModel, table=True):
    """A candidate's interview on one job-spec version, reached by a secret invite link."""

    __tablename__ = "interview"
    __table_args__ = (  # the interviews list: newest first, overall or per spec (app/interviews/listing.py)
        Index("ix_interview_created", "created_at", "id"),
        Index("ix_interview_spec_created", "spec_id", "created_at", "id"),
    )
    id: str = Field(default_factory=new_id, primary_key=True)
    candidate_id: str = Field(foreign_key="candidate.id", index=True)
    spec_id: str = Field(foreign_key="job_spec.id", index=True)
    spec_version_id: str = Field(foreign_key="job_spec_version.id", index=True)
    time_factor: float = 1.0
    token_hash: str = Field(unique=True, max_length=64)
    token_expires_at: datetime = _ts()
    token_revoked_at: Optional[datetime] = _ts(default=None)
    round_questions: dict = Field(default_factory=dict, sa_type=JSONDoc)  # rotated draws per round
    completed_at: Optional[datetime] = _ts(default=None)
    created_by_id: Optional[str] = Field(default=None, foreign_key="user_account.id")
    created_at: datetime = _ts(default_factory=utcnow)


class RoundAttempt(SQLModel, table=True):
    """The candidate's one attempt at a timed round; the server owns its deadline."""

    __tablename__ = "round_attempt"
    __table_args__ = (UniqueConstraint("interview_id", "round_key"),)
    id: str = Field(default_factory=new_id, primary_key=True)
    interview_id: str = Field(foreign_key="interview.id", index=True)
    round_key: str = Field(max_length=64)
    started_at: datetime = _ts()
    deadline: datetime = _ts()
    submitted_at: Optional[datetime] = _ts(default=None)
    closed_by: Optional[str] = Field(default=None, max_length=16)  # candidate | timer
    questions: list = Field(default_factory=list, sa_type=JSONDoc)
    # The round's kind (written | behavioral) as at the start, like `questions`; None on attempts
    # started before it was kept, which then always take the general autosave path.
    kind: Optional[str] = Field(default=None, max_length=16)


class Answer(SQLModel, table=True):
    """The latest accepted text of one answer; every accepted save is also an AnswerRevision."""

    __tablename__ = "answer"
    __table_args__ = (UniqueConstraint("attempt_id", "question_id"),)
    id: str = Field(default_factory=new_id, primary_key=True)
    attempt_id: str = Field(foreign_key="round_attempt.id", index=True)
    question_id: str = Field(max_length=120)
    text: str = Field(default="", sa_column=Column(Text, nullable=False))
    revision: int = 0
    saved_at: datetime = _ts(default_factory=utcnow)


class AnswerRevision(SQLModel, table=True):
    """An accepted save of an answer, kept so no acknowledged text is ever lost."""

    __tablename__ = "answer_revision"
    __table_args__ = (UniqueConstraint("answer_id", "revision"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    answer_id: str = Field(foreign_key="answer.id", index=True)
    revision: int
    text: str = Field(sa_column=Column(Text, nullable=False))
    saved_at: datetime = _ts(default_factory=utcnow)


class Scorecard(SQLModel, table=True):
    """One interviewer's ratings of one round of one interview."""

    __tablename__ = "scorecard"
    __table_args__ = (UniqueConstraint("interview_id", "round_key", "interviewer_id"),
                      Index("ix_scorecard_interviewer_interview", "interviewer_id", "interview_id"))
    id: str = Field(default_factory=new_id, primary_key=True)
    interview_id: str = Field(foreign_key="interview.id", index=True)
    round_key: str = Field(max_length=64)
    interviewer_id: str = Field(foreign_key="user_account.id", index=True)
    status: str = Field(default="draft", max_length=16)  # draft | submitted
    recommendation: Optional[str] = Field(default=None, max_length=16)
    created_at: datetime = _ts(default_factory=utcnow)
    updated_at: datetime = _ts(default_factory=utcnow)
    submitted_at: Optional[datetime] = _ts(default=None)


class Rating(SQLModel, table=True):
    """A scorecard's rating of one competency: 1–5, or null for "no evidence"."""

    __tablename__ = "rating"
    __table_args__ = (UniqueConstraint("scorecard_id", "competency_id"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    scorecard_id: str = Field(foreign_key="scorecard.id", index=True)
    competency_id: str = Field(max_length=64)
    value: Optional[int] = None
    note: str = Field(default="", sa_column=Column(Text, nullable=False))


class InterviewStat(SQLModel, table=True):
    """One interview as its spec's ranking shows it, scored by `scoring` in the transaction of every
    change (app/dashboard/stats.py); what it adds to the spec's dashboard totals derives from it.

    `overall` and `scores` are the interview's score whether or not it is completed (the totals count
    completed interviews only); `adjusted` uses the spec's stored leniency (app/dashboard/aggregates.py).
    `rank_key` and `adjusted_key` are the sort keys of the ranking, so a page is an index range."""

    __tablename__ = "interview_stat"
    __table_args__ = (
        Index("ix_interview_stat_rank", "spec_id", "rank_key", "interview_id"),
        Index("ix_interview_stat_adjusted", "spec_id", "adjusted_key", "interview_id"),
        Index("ix_interview_stat_coverage", "spec_id", "coverage", "interview_id"),
        Index("ix_interview_stat_created", "spec_id", "created_at", "interview_id"),
    )
    interview_id: str = Field(foreign_key="interview.id", primary_key=True)
    spec_id: str = Field(foreign_key="job_spec.id", index=True)
    spec_version_id: Optional[str] = Field(default=None, max_length=64)
    created_at: Optional[datetime] = _ts(default=None)  # the interview's
    completed: bool = False
    overall: Optional[float] = None
    status: str = Field(default="provisional", max_length=16)
    coverage: float = 0.0
    knocked_out: bool = False
    scores: dict = Field(default_factory=dict, sa_type=JSONDoc)  # competency id → score 0–100
    adjusted: Optional[float] = None
    recommendations: dict = Field(default_factory=dict, sa_type=JSONDoc)
    cards_submitted: int = 0
    cards_assigned: int = 0
    rank_key: float = -2000.0
    adjusted_key: float = -1.0


class SpecAggregate(SQLModel, table=True):
    """A spec's aggregates that need every row (reliability, leniency, distribution, the model's
    agreement with the panel), recomputed in the background (app/dashboard/aggregates.py) and
    served as stored, with when they were computed."""

    __tablename__ = "spec_aggregate"
    spec_id: str = Field(foreign_key="job_spec.id", primary_key=True)
    computed_at: datetime = _ts(default_factory=utcnow)
    seconds: float = 0.0  # how long the last computation took (spaces the next one out)
    interviews: int = 0
    reliability: dict = Field(default_factory=dict, sa_type=JSONDoc)  # competency id → {targets, raters, icc}
    leniency: dict = Field(default_factory=dict, sa_type=JSONDoc)  # rater → {leniency, n}
    distribution: list = Field(default_factory=list, sa_type=JSONDoc)  # [{low, high, count}]
    # competency id → the model's agreement with the panel {n, mean_deviation, icc, agreement, consistency}
    model_agreement: dict = Field(default_factory=dict, sa_type=JSONDoc)


class SpecStat(SQLModel, table=True):
    """Running totals behind a spec's dashboard, kept in the transaction of every change."""

    __tablename__ = "spec_stat"
    spec_id: str = Field(foreign_key="job_spec.id", primary_key=True)
    interviews: int = 0
    completed: int = 0
    overall_sum: float = 0.0
    overall_n: int = 0


class SpecCompetencyStat(SQLModel, table=True):
    """Running totals of one competency's scores over a spec's completed interviews."""

    __tablename__ = "spec_competency_stat"
    spec_id: str = Field(foreign_key="job_spec.id", primary_key=True)
    competency_id: str = Field(max_length=64, primary_key=True)
    score_sum: float = 0.0
    n: int = 0


class MustHaveCheck(SQLModel, table=True):
    """A scorecard's verdict on one must-have: met, not_met or not_assessed."""

    __tablename__ = "must_have_check"
    __table_args__ = (UniqueConstraint("scorecard_id", "must_have_id"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    scorecard_id: str = Field(foreign_key="scorecard.id", index=True)
    must_have_id: str = Field(max_length=64)
    status: str = Field(max_length=16)


class AuditEvent(SQLModel, table=True):
    """An append-only record of a change: who, when, what, old → new and why."""

    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_object", "object_type", "object_id"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    at: datetime = _ts(default_factory=utcnow)
    actor_id: Optional[str] = Field(default=None, max_length=64)
    actor: str = Field(default="", max_length=320)
    action: str = Field(max_length=64)
    object_type: str = Field(max_length=32)
    object_id: str = Field(max_length=64)
    detail: dict = Field(default_factory=dict, sa_type=JSONDoc)
    # Set once when personal data in `detail` was redacted: the only change the log accepts
    # (app/migrations/versions/0008_candidate_privacy.py).
    redacted_at: Optional[datetime] = _ts(default=None)
