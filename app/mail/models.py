"""The `mail_message` outbox table."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Text
from sqlmodel import Field, SQLModel

from app.db_types import UTCDateTime
from app.models import utcnow

QUEUED, SENT, KEPT = "queued", "sent", "kept"
ERASED_BODY = "(erased after delivery: this message held a one-time link)"


class MailMessage(SQLModel, table=True):
    """One rendered message: who it is for, its parts, and how its delivery went."""

    __tablename__ = "mail_message"
    id: int | None = Field(default=None, primary_key=True)
    template: str = Field(max_length=64, index=True)
    key: str | None = Field(default=None, max_length=200, unique=True)  # at most one message per key
    to_addr: str = Field(max_length=320, index=True)
    to_name: str = Field(default="", max_length=200)
    subject: str = Field(max_length=300)
    text_body: str = Field(sa_column=Column(Text, nullable=False))
    html_body: str = Field(sa_column=Column(Text, nullable=False))
    holds_secret: bool = False  # the body carries a one-time link: erased once delivered
    message_id: str = Field(max_length=200)  # the Message-ID header, the same on every attempt
    status: str = Field(default=QUEUED, max_length=16, index=True)  # queued | sent | kept
    attempts: int = 0
    last_error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    smtp_response: str | None = Field(default=None, max_length=500)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
