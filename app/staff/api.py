"""JSON API for staff accounts: inviting a colleague (admins)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from app.deps import AdminUser, SessionDep
from app.schemas import CSRF_403, errors
from app.staff import service
from app.staff.schemas import UserCreatedOut, UserIn

router = APIRouter(prefix="/api/v1", tags=["staff"])


@router.post("/users", status_code=201, response_model=UserCreatedOut,
             responses=errors(401, (403, CSRF_403), (409, "a staff member with this email exists"), 422, 429))
def invite_user(body: UserIn, session: SessionDep, user: AdminUser) -> dict[str, Any]:
    """Invite a staff member by email; the account has no password until they follow the link."""
    invited = service.invite_user(session, email=body.email, name=body.name, role=body.role, actor=user)
    return {"id": invited.id}
