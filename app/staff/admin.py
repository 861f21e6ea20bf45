"""The admins' staff pages (`/admin/users`): invite, change role, deactivate, send a reset."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.deps import AdminUser, SessionDep
from app.errors import DomainError
from app.models import ROLES, User
from app.settings import get_settings
from app.staff import service
from app.web import PostedForm, redirect, render

router = APIRouter()
NOTICES = {"invited": "Invitation sent.", "role": "Role changed.", "deactivated": "Account deactivated: its sessions and API tokens stopped working.",
           "reactivated": "Account reactivated.", "reset": "Password-reset link sent."}


def _page(request: Request, session: SessionDep, *, values: dict[str, str] | None = None,
          errors: list[dict[str, Any]] | None = None, notice: str = "", status_code: int = 200) -> Response:
    errors = errors or []
    return render(request, "staff/users.html",
                  {"users": service.list_users(session), "roles": ROLES, "values": values or {"role": "interviewer"},
                   "errors": errors, "error_locs": {str(e["loc"][-1]) for e in errors if e.get("loc")},
                   "notice": notice or NOTICES.get(request.query_params.get("done", ""), ""),
                   "is_invited": service.is_invited, "smtp": bool(get_settings().smtp_url)},
                  status_code=status_code)


@router.get("/admin/users")
def users_page(request: Request, session: SessionDep, user: AdminUser) -> Response:
    """Every staff account with its role and state, and the invitation form."""
    return _page(request, session)


@router.post("/admin/users")
def invite(request: Request, session: SessionDep, user: AdminUser, form: PostedForm) -> Response:
    """Invite a colleague: the account and its invitation mail in one transaction."""
    values = {k: str(form.get(k, "")) for k in ("email", "name", "role")}
    try:
        with session.begin_nested():
            service.invite_user(session, email=values["email"], name=values["name"],
                                          role=values["role"], actor=user)
    except DomainError as exc:
        errors = exc.errors or [{"loc": ["body", "form"], "msg": exc.message}]
        return _page(request, session, values=values, errors=errors, status_code=exc.status_code)
    return redirect(request, "/admin/users?done=invited")


def _act(request: Request, session: SessionDep, action: Any, notice: str) -> Response:
    try:
        with session.begin_nested():
            action()
    except DomainError as exc:
        return _page(request, session, errors=[{"loc": ["body", "form"], "msg": exc.message}],
                     status_code=exc.status_code)
    return redirect(request, f"/admin/users?done={notice}")


def _target(session: SessionDep, user_id: str) -> User:
    return service.get_user(session, user_id)


@router.post("/admin/users/{user_id}/role")
def change_role(user_id: str, request: Request, session: SessionDep, user: AdminUser, form: PostedForm) -> Response:
    """Give a staff member another role."""
    target = _target(session, user_id)
    role = str(form.get("role", ""))
    return _act(request, session, lambda: service.change_role(session, target, role=role, actor=user), "role")


@router.post("/admin/users/{user_id}/deactivate")
def deactivate(user_id: str, request: Request, session: SessionDep, user: AdminUser) -> Response:
    """Deactivate: their sessions and API tokens stop working at once."""
    target = _target(session, user_id)
    return _act(request, session, lambda: service.deactivate(session, target, actor=user), "deactivated")


@router.post("/admin/users/{user_id}/reactivate")
def reactivate(user_id: str, request: Request, session: SessionDep, user: AdminUser) -> Response:
    """Let a deactivated account sign in again."""
    target = _target(session, user_id)
    return _act(request, session, lambda: service.reactivate(session, target, actor=user), "reactivated")


@router.post("/admin/users/{user_id}/reset")
def send_reset(user_id: str, request: Request, session: SessionDep, user: AdminUser) -> Response:
    """Mail a password-reset link (or a fresh invitation to someone who has not signed up)."""
    target = _target(session, user_id)
    return _act(request, session, lambda: service.send_reset(session, target, actor=user), "reset")
