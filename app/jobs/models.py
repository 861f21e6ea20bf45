"""The `job` table: one row per piece of background work, kept after it is done."""

from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import Column, Index, Text, text
from sqlmodel import Field, SQLModel

from app.db_types import JSONDoc, UTCDateTime
from app.models import utcnow

PENDING = "done_at IS NULL AND failed_at IS NULL"


class Job(SQLModel, table=True):
    """A queued job: its kind, payload, when it may run next, and how its attempts went."""

    __tablename__ = "job"
    __table_args__ = (
        # The worker's one query: due, not finished jobs, oldest first.
        Index("ix_job_pending_run_after", "run_after", postgresql_where=text(PENDING), sqlite_where=text(PENDING)),
        Index("ix_job_kind_key", "kind", "key"),
    )
    id: Optional[int] = Field(default=None, primary_key=True)
    kind: str = Field(max_length=64)
    key: Optional[str] = Field(default=None, max_length=200)  # at most one pending job per (kind, key)
    payload: dict = Field(default_factory=dict, sa_type=JSONDoc)
    run_after: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    attempts: int = 0
    last_error: Optional[str] = Field(default=None, sa_column=Column(Text, nullable=True))
    locked_until: Optional[datetime] = Field(default=None, sa_type=UTCDateTime)
    lease: Optional[str] = Field(default=None, max_length=32)  # the claim that holds the lock
    done_at: Optional[datetime] = Field(default=None, sa_type=UTCDateTime)
    failed_at: Optional[datetime] = Field(default=None, sa_type=UTCDateTime)  # gave up after max attempts
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
