"""Request bodies of the question-set API."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class QuestionSetIn(BaseModel):
    """PUT …/rounds/{key}/questions: the new published set (bank ids or full questions)."""

    model_config = ConfigDict(extra="forbid")

    questions: list[str | dict[str, Any]] = Field(max_length=50)
    base_version: int | str | None = None


class GenerateIn(BaseModel):
    """POST …/questions/generate: where to draw from and how many (default: the round's count)."""

    model_config = ConfigDict(extra="forbid")

    source: Literal["bank", "ai"] = "bank"
    count: int | None = Field(default=None, ge=1, le=20)


class RubricOut(BaseModel):
    strong: list[str] = Field(default_factory=list)
    weak: list[str] = Field(default_factory=list)


class QuestionOut(BaseModel):
    """A question (DESIGN: `{id, text, kind, competencies, levels, rubric, source}`); the keys a
    question does not have are left out, and extra keys it carries (e.g. `why`) are kept."""

    model_config = ConfigDict(extra="allow")
    id: str
    text: str
    kind: str | None = None
    competencies: list[str] = Field(default_factory=list, description="the spec's competency ids it covers")
    levels: list[str] = Field(default_factory=list)
    rubric: RubricOut | None = None
    source: str | None = Field(default=None, description="bank | ai | custom")
    follow_ups: list[str] = Field(default_factory=list)
    minutes: int | None = None
    topic: str | None = None
    reference: str | None = Field(default=None, description="where a bank question comes from")
    why: str | None = Field(default=None, description="what the question covers, at which level")
    provenance: dict[str, str] | None = None


class CoverageRowOut(BaseModel):
    id: str
    name: str
    weight: float
    covered: bool
    questions: int = Field(description="published questions tagged with this competency")


class CoverageOut(BaseModel):
    weight_covered: float = Field(description="sum of the weights of the covered competencies")
    competencies: list[CoverageRowOut]
    warnings: list[str]


class QuestionSetOut(BaseModel):
    """A round's published question set in a version, with the whole interview's coverage."""

    slug: str
    round: str
    kind: str
    question_count: int
    rotate_questions: bool
    version: str
    version_number: int
    questions: list[QuestionOut]
    coverage: CoverageOut


class PublishedSetOut(QuestionSetOut):
    created: bool = Field(description="false when the content was unchanged (no new version)")


class DraftOut(BaseModel):
    """A generated draft (nothing is saved; publish it with PUT)."""

    questions: list[QuestionOut]
    source_used: str = Field(description="bank or ai: where the questions came from")
    notice: str | None = Field(description="why the source differs from the one asked for, when it does")
    rejected: list[str] = Field(description="why model questions were dropped")
