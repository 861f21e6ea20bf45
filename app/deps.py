"""Dependency aliases: the database session, the signed-in user and role requirements.

Every route states who may call it with exactly one of `Public`, `CurrentUser` or a
`RequireRole(...)` alias; the access-matrix tests read these markers from the app. The markers
do no I/O, so they are `async`: FastAPI runs them on the event loop instead of a worker thread."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from sqlmodel import Session

from app.auth.service import user_for_api_token, user_for_session
from app.db import get_session
from app.errors import Forbidden, NotAuthenticated
from app.models import User
from app.policy import ADMIN_ROLES, MANAGER_ROLES, STAFF_ROLES, has_role

SESSION_COOKIE = "calibrate_session"
SessionDep = Annotated[Session, Depends(get_session, scope="function")]


def bearer_token(request: Request) -> str | None:
    """The token of an `Authorization: Bearer …` header, if present."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def optional_user(request: Request, session: SessionDep) -> User | None:
    """The caller: a bearer token wins over the session cookie."""
    cached = getattr(request.state, "user", False)
    if cached is not False:
        return cached
    token = bearer_token(request)
    user = None
    if token:
        user = user_for_api_token(session, token)
    elif cookie := request.cookies.get(SESSION_COOKIE):
        user = user_for_session(session, cookie)
    request.state.user = user
    return user


async def public() -> None:
    """Marker: anyone may call this route (sign-in page, health check, candidate links)."""


async def signed_in(user: Annotated[User | None, Depends(optional_user)]) -> User:
    """Any signed-in staff member; 401 otherwise."""
    if user is None:
        raise NotAuthenticated("sign in first")
    return user


class RequireRole:
    """Dependency: the caller must have one of these roles (admin always qualifies)."""

    def __init__(self, *roles: str):
        self.roles = frozenset(roles) | ADMIN_ROLES

    async def __call__(self, user: Annotated[User, Depends(signed_in)]) -> User:
        if not has_role(user, self.roles):
            raise Forbidden("your role does not allow this")
        return user

    def __repr__(self) -> str:
        return f"RequireRole({', '.join(sorted(self.roles))})"


Public = Depends(public)
OptionalUser = Annotated[User | None, Depends(optional_user)]
CurrentUser = Annotated[User, Depends(signed_in)]
AdminUser = Annotated[User, Depends(RequireRole(*ADMIN_ROLES))]
Manager = Annotated[User, Depends(RequireRole(*MANAGER_ROLES))]
Staff = Annotated[User, Depends(RequireRole(*STAFF_ROLES))]
