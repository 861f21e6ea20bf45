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
