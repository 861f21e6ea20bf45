"""Request and response bodies of the candidate API (DESIGN: /take/{token}/…)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from app.take.service import MAX_ANSWER_CHARS


# What a voice round (app/voice/) adds to the round state this API returns.
class AudioStateOut(BaseModel):
    """A spoken answer's recording (DESIGN: `answers[qid].audio`)."""

    seconds: float = Field(description="estimated while recording, measured once transcribed")
    status: Literal["recording", "transcribing", "done", "failed"]
    engine: str | None = Field(description="`openai:<model>` or `local:<model>` once transcribed")


class ConsentStateOut(BaseModel):
    choice: Literal["voice", "text"]
    at: str
    notice_version: str


class VoiceRoundOut(BaseModel):
    """What a voice round adds to its state: the consent and where each prompt's recording is."""

    notice_version: str = Field(description="the version of the voice notice shown now")
    consent: ConsentStateOut | None
    typed: list[str] = Field(description="prompts the candidate switched to typing")
    next_seq: dict[str, int] = Field(description="question id → the next chunk number to send")
    finished: list[str] = Field(description="prompts whose recording is finished")


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


class CandidateQuestionOut(BaseModel):
    """What a candidate sees of a question: never its rubric, competencies or levels."""

    id: str
    text: str
    kind: str = Field(description="written | behavioral")


class RoundStarted(BaseModel):
    deadline: str
    seconds_left: float
    questions: list[CandidateQuestionOut]


class StoredAnswerOut(BaseModel):
    revision: int = Field(description="0 until the first accepted save")
    text: str
    saved_at: str | None
    audio: AudioStateOut | None = Field(default=None, description="a voice round's recording; its transcript is `text`")


class RoundStateOut(BaseModel):
    """A round as the candidate sees it: status, clock, questions and saved answers."""

    key: str
    name: str
    kind: str
    duration_seconds: float = Field(description="with the candidate's time factor")
    status: str = Field(description="not_started | in_progress | submitted")
    closed_by: str | None = Field(description="candidate | timer, once submitted")
    started_at: str | None
    deadline: str | None
    submitted_at: str | None
    seconds_left: float | None
    questions: list[CandidateQuestionOut]
    answers: dict[str, StoredAnswerOut] = Field(description="question id → the last accepted save")
    mode: str = Field(default="text", description="text | voice (DESIGN: Voice rounds)")
    voice: VoiceRoundOut | None = None


class RoundSummaryOut(BaseModel):
    key: str
    name: str
    kind: str
    duration_seconds: float
    question_count: int
    status: str
    deadline: str | None
    submitted_at: str | None
    closed_by: str | None


class TakeOverviewOut(BaseModel):
    title: str
    time_factor: float
    grace_seconds: float = Field(description="saves are accepted this long after the deadline")
    rounds: list[RoundSummaryOut]


class RoundSubmittedOut(BaseModel):
    status: str = Field(description="submitted")
    submitted_at: str
    closed_by: str | None = Field(description="candidate | timer")
