"""Request and response bodies of the candidate API (DESIGN: /take/{token}/…)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

from app.take.service import MAX_ANSWER_CHARS


class AnswerSave(BaseModel):
    """One autosave of an answer; `revision` grows with every edit in the browser."""

    model_config = ConfigDict(extra="forbid")
    text: str = Field(max_length=MAX_ANSWER_CHARS)
    revision: int = Field(ge=1, le=2_000_000_000)

    @field_validator("text")
    @classmethod
    def no_nul(cls, value: str) -> str:
        if "\x00" in value:
            raise ValueError("text may not contain NUL characters")
        return value


class AnswerSaved(BaseModel):
    revision: int
    saved_at: str
    seconds_left: float


class RoundStarted(BaseModel):
    deadline: str
    seconds_left: float
    questions: list[dict]
