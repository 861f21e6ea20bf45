"""Request and response models of the job-spec JSON API (documented in OpenAPI)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from app.specs.schema import SNAKE_ID, SpecIn
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
    weights: dict[Annotated[str, StringConstraints(pattern=SNAKE_ID, max_length=64)],
                  Annotated[float, Field(gt=0, le=1, allow_inf_nan=False)]] = Field(
        min_length=1, json_schema_extra={"propertyNames": {"pattern": SNAKE_ID, "maxLength": 64}},
        description="competency id of the spec's current version → weight in (0, 1]; "
                                  "an id the spec does not have is a 422")
    base_version: int | str | None = Field(default=None, description="the version this change is based on")


class SpecReplaceIn(SpecIn):
    """The content of a PUT: a whole spec, and the version it is based on."""

    base_version: int | str | None = None


SPEC_CONTENT_REF = {"$ref": "#/components/schemas/SpecIn"}
SPEC_REPLACE_REF = {"$ref": "#/components/schemas/SpecReplaceIn"}


def _spec_body_doc(schema: dict[str, Any], extra: str = "") -> dict[str, Any]:
    return {"requestBody": {
        "required": True,
        "description": "Job-spec content (DESIGN: Job specs) as JSON, or as YAML with Content-Type: application/yaml. "
                       "Rules across fields (weights summing to 1.00, unique ids, questions of the bank) are "
                       "checked by the server and answered with 422 and every problem." + extra,
        "content": {"application/json": {"schema": schema}, "application/yaml": {"schema": schema}},
    }}


SPEC_BODY_DOC = _spec_body_doc(SPEC_CONTENT_REF)
SPEC_REPLACE_DOC = _spec_body_doc(SPEC_REPLACE_REF, " `base_version` names the version this change is based on.")


def document_spec_content(document: dict[str, Any]) -> None:
    """Put the spec content's schema into the OpenAPI components that the bodies above refer to."""
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    for model in (SpecIn, SpecReplaceIn):
        body = model.model_json_schema(ref_template="#/components/schemas/{model}")
        schemas.update(body.pop("$defs", {}))
        schemas[model.__name__] = body

EDIT_403 = (403, "only hiring managers and admins edit job specs, and a cookie-authenticated write needs "
                 "its CSRF token")
STALE_409 = (409, "based on a version that is no longer current", ConflictOut)
INVALID_422 = (422, "invalid content: every problem with its location")
READ_ERRORS = errors(401, (404, "no such job spec, or not one the caller may read"))
WRITE_ERRORS = errors(401, EDIT_403, (404, "no such job spec"), STALE_409, INVALID_422)
CREATE_ERRORS = errors(401, EDIT_403, (409, "a job spec with this slug exists, or another change won", ConflictOut),
                       INVALID_422)
