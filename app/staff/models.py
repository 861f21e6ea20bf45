"""One-time staff links: set a first password (invitation, 72 h) or a new one (reset)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from app.db_types import UTCDateTime
from app.models import new_id, utcnow

INVITE, RESET = "invite", "reset"


class StaffLink(SQLModel, table=True):
    """A one-time link for a staff member: set a first password (invite) or a new one (reset).
    Only the SHA-256 of its token is kept."""

    __tablename__ = "staff_link"
    id: str = Field(default_factory=new_id, primary_key=True)
    user_id: str = Field(foreign_key="user_account.id", index=True)
    purpose: str = Field(max_length=16)  # invite | reset
    token_hash: str = Field(unique=True, max_length=64)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_by_id: str | None = Field(default=None, foreign_key="user_account.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
