"""Request and response models of the job-spec JSON API (documented in OpenAPI)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from app.schemas import ConflictOut, ErrorItem, ErrorOut, errors

__all__ = ["ConflictOut", "ErrorItem", "ErrorOut"]  # the shared error models, where they used to live


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

EDIT_403 = (403, "only hiring managers and admins edit job specs, and a cookie-authenticated write needs "
                 "its CSRF token")
STALE_409 = (409, "based on a version that is no longer current", ConflictOut)
INVALID_422 = (422, "invalid content: every problem with its location")
READ_ERRORS = errors(401, (404, "no such job spec, or not one the caller may read"))
WRITE_ERRORS = errors(401, EDIT_403, (404, "no such job spec"), STALE_409, INVALID_422)
CREATE_ERRORS = errors(401, EDIT_403, (409, "a job spec with this slug exists, or another change won", ConflictOut),
                       INVALID_422)
