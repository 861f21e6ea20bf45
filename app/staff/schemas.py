"""Request and response bodies of the staff API (DESIGN: POST /api/v1/users)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from app.people import EmailAddress, PersonName
from app.models import ROLES


class UserIn(BaseModel):
    """A colleague to invite: they get a mail with a one-time link (72 h) to set their password."""

    model_config = ConfigDict(extra="forbid")
    email: EmailAddress
    name: PersonName
    role: str = Field(max_length=32, json_schema_extra={"enum": list(ROLES)},
                      description="one of the staff roles (DESIGN: Roles); anything else is a 422")


class UserCreatedOut(BaseModel):
    id: str = Field(description="the new staff member's id; the invitation mail is queued")
