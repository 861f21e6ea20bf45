"""Request bodies of the interviews API (DESIGN: POST /candidates, POST /interviews)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from app.people import EmailAddress, PersonName


class CandidateIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: PersonName
    email: EmailAddress


class InterviewIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    candidate_id: str = Field(max_length=64)
    job_spec: str = Field(max_length=120, pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
    interviewers: dict[str, list[str]] = Field(default_factory=dict)
    time_factor: float = Field(default=1.0, ge=1.0, le=4.0, allow_inf_nan=False)


class CreatedOut(BaseModel):
    id: str


class InterviewCreatedOut(BaseModel):
    id: str
    version: str = Field(description="the spec version the interview is bound to, `v{n}-{hash}`")
    candidate_url: str = Field(description="the secret invite link, shown this once")


class CandidateOut(BaseModel):
    id: str
    name: str
    email: str


class LinkOut(BaseModel):
    state: str = Field(description="active | revoked | expired")
    expires_at: str
    revoked_at: str | None


class AssignmentOut(BaseModel):
    scorecard_id: str
    interviewer: str = Field(description="the interviewer's email")
    interviewer_name: str
    status: str = Field(description="draft | submitted")
    submitted_at: str | None
    overdue: bool = Field(description="a draft 48 hours after the candidate submitted the round")


class RoundAssignmentOut(AssignmentOut):
    round: str


class InterviewRoundOut(BaseModel):
    key: str
    name: str
    kind: str
    status: str = Field(description="live | not_started | in_progress | submitted | closed_by_timer")
    duration_minutes: float = Field(description="with the candidate's time factor")
    started_at: str | None
    deadline: str | None
    submitted_at: str | None
    assignments: list[AssignmentOut]


class InterviewOut(BaseModel):
    """An interview: status, rounds and assignments (only those the caller may see)."""

    id: str
    status: str = Field(description="invited | in_progress | awaiting_scorecards | completed")
    candidate: CandidateOut
    job_spec: str
    title: str
    version: str
    time_factor: float
    created_at: str
    completed_at: str | None
    link: LinkOut
    rounds: list[InterviewRoundOut]
    assignments: list[RoundAssignmentOut]


class CandidateListItemOut(CandidateOut):
    created_at: str


class CandidatePageOut(BaseModel):
    items: list[CandidateListItemOut]
    next_cursor: str | None = Field(description="pass as `cursor` for the next page; null on the last page")


class InterviewListItemOut(BaseModel):
    id: str
    status: str = Field(description="invited | in_progress | awaiting_scorecards | completed")
    candidate: CandidateOut
    job_spec: str
    version: str
    created_at: str
    completed_at: str | None


class InterviewPageOut(BaseModel):
    items: list[InterviewListItemOut]
    next_cursor: str | None = Field(description="pass as `cursor` for the next page; null on the last page")
