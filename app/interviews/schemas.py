"""Request bodies of the interviews API (DESIGN: POST /candidates, POST /interviews)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class CandidateIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(max_length=200)
    email: str = Field(max_length=320)


class InterviewIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    candidate_id: str = Field(max_length=64)
    job_spec: str = Field(max_length=120, pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
    interviewers: dict[str, list[str]] = Field(default_factory=dict)
    time_factor: float = Field(default=1.0, ge=1.0, le=4.0, allow_inf_nan=False)
