"""Request and response bodies of the voice round's JSON API."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class AudioAck(BaseModel):
    """An acknowledged chunk: stored durably before this answer was sent."""

    seq: int = Field(description="the chunk's number, from 0")
    received_bytes: int = Field(description="bytes of the answer's recording stored so far")
    seconds_left: float = Field(description="seconds until the round's deadline, on the server's clock")


class ConsentIn(BaseModel):
    """The candidate's answer to the voice notice: record aloud, or the typed alternative."""

    model_config = ConfigDict(extra="forbid")
    choice: Literal["voice", "text"]


class ConsentOut(BaseModel):
    choice: str
    notice_version: str
    at: str
    deadline: str
    seconds_left: float


class TypedOut(BaseModel):
    """The prompt is answered by typing from now on (an accommodation, recorded)."""

    question_id: str
    mode: Literal["typed"] = "typed"
    switched_at: str
