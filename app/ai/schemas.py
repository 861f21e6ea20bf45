"""The structured output asked of the model, and its JSON schema with the spec's competency ids
as an enum (so a schema-following server cannot invent competencies)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

MAX_TEXT = 1200
MAX_ITEM = 600


class GeneratedRubric(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    strong: list[str] = Field(min_length=1, max_length=8)
    weak: list[str] = Field(min_length=1, max_length=8)

    @field_validator("strong", "weak")
    @classmethod
    def _signals(cls, values: list[str]) -> list[str]:
        if any(not v or len(v) > MAX_ITEM for v in values):
            raise ValueError(f"each signal must hold 1 to {MAX_ITEM} characters")
        return values


class GeneratedQuestion(BaseModel):
    """One question as the model returns it (checked again against the spec in generation)."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    text: str = Field(min_length=1, max_length=MAX_TEXT)
    competencies: list[str] = Field(min_length=1, max_length=10)
    level: str
    rubric: GeneratedRubric
    follow_ups: list[str] = Field(default_factory=list, max_length=6)
    minutes: int = Field(ge=1, le=240)

    @field_validator("follow_ups")
    @classmethod
    def _follow_ups(cls, values: list[str]) -> list[str]:
        return [v.strip()[:MAX_ITEM] for v in values if v and v.strip()]


class GeneratedSet(BaseModel):
    """The envelope: a list of questions, checked item by item."""

    model_config = ConfigDict(extra="ignore")

    questions: list[dict[str, Any]] = Field(min_length=1, max_length=50)


def _strings(max_items: int) -> dict[str, Any]:
    return {"type": "array", "items": {"type": "string"}, "maxItems": max_items}


def response_schema(competency_ids: list[str], level: str) -> dict[str, Any]:
    """The JSON schema of the answer, strict-mode compatible (every key required, no extras)."""
    question = {
        "type": "object",
        "additionalProperties": False,
        "required": ["text", "competencies", "level", "rubric", "follow_ups", "minutes"],
        "properties": {
            "text": {"type": "string", "maxLength": MAX_TEXT},
            "competencies": {"type": "array", "minItems": 1,
                             "items": {"type": "string", "enum": list(competency_ids)}},
            "level": {"type": "string", "enum": [level]},
            "rubric": {"type": "object", "additionalProperties": False, "required": ["strong", "weak"],
                       "properties": {"strong": _strings(8), "weak": _strings(8)}},
            "follow_ups": _strings(6),
            "minutes": {"type": "integer", "minimum": 1, "maximum": 240},
        },
    }
    return {"type": "object", "additionalProperties": False, "required": ["questions"],
            "properties": {"questions": {"type": "array", "items": question}}}
