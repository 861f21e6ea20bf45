"""Request and response models of the job-spec JSON API (documented in OpenAPI)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class ErrorItem(BaseModel):
    loc: list[str | int]
    msg: str


class ErrorOut(BaseModel):
    """Every 4xx body: a message and, for invalid content, each problem with its location."""

    detail: str
    errors: list[ErrorItem] = Field(default_factory=list)


class ConflictOut(ErrorOut):
    """A write based on a version that is no longer current."""

    current_version: str | None = None
    current_url: str | None = None


class SpecVersionOut(BaseModel):
    """A version of a job spec: its full content plus its label and number."""

    id: str
    slug: str
    title: str
    level: str
    description: str
    version: str
    version_number: int
    current: bool
    source: str
    created_at: str
    blind_until_all_submitted: bool = False
    competencies: list[dict[str, Any]]
    must_haves: list[dict[str, Any]]
    rounds: list[dict[str, Any]]


class SpecSummaryOut(BaseModel):
    slug: str
    title: str
    level: str
    version: str
    version_number: int
    competencies: int
    updated_at: str


class VersionInfoOut(BaseModel):
    version: str
    version_number: int
    source: str
    title: str
    created_at: str
    created_by_id: str | None


class WeightsPatch(BaseModel):
    """New weights for some or all competencies; the result must still sum to 1.00."""

    model_config = ConfigDict(extra="forbid")
    weights: dict[str, float] = Field(min_length=1, description="competency id → weight in (0, 1]")
    base_version: int | str | None = Field(default=None, description="the version this change is based on")


SPEC_BODY_DOC: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": "Job-spec content (DESIGN: Job specs) as JSON, or as YAML with Content-Type: "
                       "application/yaml. PUT also takes an optional `base_version` key.",
        "content": {
            "application/json": {"schema": {"type": "object"}},
            "application/yaml": {"schema": {"type": "string"}},
        },
    }
}

WRITE_ERRORS: dict[int | str, dict[str, Any]] = {
    403: {"model": ErrorOut, "description": "only hiring managers and admins edit job specs"},
    404: {"model": ErrorOut, "description": "no such job spec"},
    409: {"model": ConflictOut, "description": "based on a version that is no longer current"},
    422: {"model": ErrorOut, "description": "invalid content: every problem with its location"},
}
