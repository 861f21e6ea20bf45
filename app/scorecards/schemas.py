"""Request and response bodies of the scorecard API (DESIGN: Public JSON API)."""

from __future__ import annotations

from typing import Annotated, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, StrictInt, StringConstraints

MustHaveStatus = Literal["met", "not_met", "not_assessed"]
Recommendation = Literal["strong_no", "no", "yes", "strong_yes"]
Note = Annotated[str, StringConstraints(max_length=10000)]


class ScorecardDraft(BaseModel):
    """A draft save: only the fields and keys given change; a rating of null means "no evidence"."""

    model_config = ConfigDict(extra="forbid")
    ratings: dict[str, Optional[StrictInt]] = Field(default_factory=dict)
    notes: dict[str, Note] = Field(default_factory=dict)
    must_haves: dict[str, MustHaveStatus] = Field(default_factory=dict)
    recommendation: Optional[Recommendation] = None


class ScorecardAmendment(ScorecardDraft):
    """A change to a submitted scorecard, with the reason for it."""

    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]


class ScorecardOut(BaseModel):
    """A scorecard as the API shows it."""

    id: str
    interview_id: str
    round: str
    interviewer: str
    status: str
    ratings: dict[str, Optional[int]]
    notes: dict[str, str]
    must_haves: dict[str, str]
    recommendation: Optional[str]
    submitted_at: Optional[str]
    updated_at: str


class FieldChangeOut(BaseModel):
    """One changed value of an amendment: `ratings.<cid>`, `notes.<cid>`, `must_haves.<mid>` or
    `recommendation`."""

    field: str
    old: Optional[int | str] = None
    new: Optional[int | str] = None


class ScorecardAmendedOut(ScorecardOut):
    """The amended scorecard and what changed (also kept in the audit log)."""

    changes: list[FieldChangeOut]
