"""The tables of AI suggestions (DESIGN: AI assistance for interviewers). A suggestion set is one
answer of a model to one interviewer's request on their submitted scorecard, with its provenance
(model, prompt hash, time); its suggestions are the checked items, one per competency. Human
ratings live in `rating` and are never written from here."""

from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import CheckConstraint, Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.db_types import JSONDoc, UTCDateTime
from app.models import new_id, utcnow


class AiSuggestionSet(SQLModel, table=True):
    """One model answer to a "Compare with AI" request, and what the server dropped from it."""

    __tablename__ = "ai_suggestion_set"
    id: str = Field(default_factory=new_id, primary_key=True)
    scorecard_id: str = Field(foreign_key="scorecard.id", index=True)
    requested_by_id: Optional[str] = Field(default=None, foreign_key="user_account.id")
    model: str = Field(max_length=200)
    prompt_hash: str = Field(max_length=64)
    notice: Optional[str] = Field(default=None, sa_column=Column(Text, nullable=True))
    dropped: list = Field(default_factory=list, sa_type=JSONDoc)  # [{competency_id, reason, quote?}]
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class AiSuggestion(SQLModel, table=True):
    """A checked suggestion for one competency: a rating 1–5, a rationale and verbatim quotes
    (`[{text, question_id}]`, each found in the candidate's answers when it was stored)."""

    __tablename__ = "ai_suggestion"
    __table_args__ = (UniqueConstraint("set_id", "competency_id"),
                      CheckConstraint("rating BETWEEN 1 AND 5", name="ck_ai_suggestion_rating"))
    id: Optional[int] = Field(default=None, primary_key=True)
    set_id: str = Field(foreign_key="ai_suggestion_set.id", index=True)
    competency_id: str = Field(max_length=64)
    rating: int
    rationale: str = Field(default="", sa_column=Column(Text, nullable=False))
    quotes: list = Field(default_factory=list, sa_type=JSONDoc)
