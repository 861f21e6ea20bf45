"""The tables of voice rounds (the candidate's consent is in app/consent/models.py): each spoken answer with its chunks and
transcript, and the stored speech of each prompt."""

from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.db_types import JSONDoc, UTCDateTime
from app.models import new_id, utcnow


class VoiceAnswer(SQLModel, table=True):
    """One prompt's spoken answer (or its switch to typing): the recording's state and transcript."""

    __tablename__ = "voice_answer"
    id: str = Field(default_factory=new_id, primary_key=True)
    answer_id: str = Field(foreign_key="answer.id", unique=True)
    attempt_id: str = Field(foreign_key="round_attempt.id", index=True)
    mode: str = Field(default="voice", max_length=16)  # voice | typed (an accommodation, recorded)
    switched_at: Optional[datetime] = Field(default=None, sa_type=UTCDateTime)
    status: str = Field(default="recording", max_length=16)  # recording | transcribing | done | failed
    content_type: Optional[str] = Field(default=None, max_length=32)
    chunks: int = 0  # the next expected seq
    bytes: int = 0
    seconds: float = 0.0  # estimated while recording, measured once transcribed
    parts: list = Field(default_factory=list, sa_type=JSONDoc)  # [{first_seq, bytes, started_at, last_at}]
    finalized_at: Optional[datetime] = Field(default=None, sa_type=UTCDateTime)
    engine: Optional[str] = Field(default=None, max_length=120)  # openai:<model> | local:<model>
    notice: Optional[str] = Field(default=None, sa_column=Column(Text, nullable=True))  # e.g. a fallback
    segments: list = Field(default_factory=list, sa_type=JSONDoc)  # [{start, end, text}]
    transcript: str = Field(default="", sa_column=Column(Text, nullable=False))
    transcribed_at: Optional[datetime] = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class AudioChunk(SQLModel, table=True):
    """One acknowledged chunk: where its bytes are in the part file, and their SHA-256."""

    __tablename__ = "audio_chunk"
    __table_args__ = (UniqueConstraint("voice_answer_id", "seq"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    voice_answer_id: str = Field(foreign_key="voice_answer.id", index=True)
    seq: int
    part: int
    offset: int
    size: int
    sha256: str = Field(max_length=64)
    total_bytes: int  # of the whole answer once this chunk was stored (what its ack said)
    received_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class SpeechClip(SQLModel, table=True):
    """Cal's voice for one text, generated once by the speech endpoint and kept (never per candidate)."""

    __tablename__ = "speech_clip"
    __table_args__ = (UniqueConstraint("text_sha256", "model", "voice"),)
    id: str = Field(default_factory=new_id, primary_key=True)
    text_sha256: str = Field(max_length=64)
    model: str = Field(max_length=120)
    voice: str = Field(max_length=40)
    content_type: str = Field(default="audio/mpeg", max_length=32)
    path: str = Field(max_length=300)  # relative to CALIBRATE_MEDIA_DIR
    bytes: int = 0
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
