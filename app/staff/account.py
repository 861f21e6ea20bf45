"""`/account`: every staff member's own password, sessions and personal API tokens."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from app.auth.security import token_hash
from app.auth.service import create_api_token
from app.deps import SESSION_COOKIE, CurrentUser, SessionDep
from app.errors import DomainError, Invalid
from app.staff import service
from app.web import PostedForm, redirect, render

router = APIRouter()
NOTICES = {"password": "Password changed; your other browsers were signed out.", "revoked": "Token revoked."}


def _page(request: Request, session: SessionDep, user: CurrentUser, *, errors: list[dict[str, Any]] | None = None,
          new_token: str = "", status_code: int = 200) -> Response:
    headers = {"Cache-Control": "no-store"} if new_token else None
    return render(request, "staff/account.html",
                  {"tokens": service.list_tokens(session, user), "errors": errors or [], "new_token": new_token,
                   "notice": NOTICES.get(request.query_params.get("done", ""), "")},
                  status_code=status_code, headers=headers)


def _current_session(request: Request) -> str | None:
    cookie = request.cookies.get(SESSION_COOKIE)
    return token_hash(cookie) if cookie else None


@router.get("/account")
def account_page(request: Request, session: SessionDep, user: CurrentUser) -> Response:
    """Your password, your sessions and your API tokens."""
    return _page(request, session, user)


@router.post("/account/password")
def change_password(request: Request, session: SessionDep, user: CurrentUser, form: PostedForm) -> Response:
    """A new password, the current one required; other sessions end."""
    new, again = str(form.get("new", "")), str(form.get("new_again", ""))
    try:
        with session.begin_nested():
            if new != again:
                raise Invalid("mismatch", errors=[{"loc": ["body", "new_again"], "msg": "The two new passwords differ."}])
            service.change_password(session, user, current=str(form.get("current", "")), new=new,
                                    keep_session=_current_session(request))
    except DomainError as exc:
        return _page(request, session, user, errors=exc.errors or [{"loc": ["body"], "msg": exc.message}],
                     status_code=exc.status_code)
    return redirect(request, "/account?done=password")


@router.post("/account/sessions/end")
def sign_out_everywhere(request: Request, session: SessionDep, user: CurrentUser) -> Response:
    """End every session of yours, this one too."""
    service.end_sessions(session, user)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.post("/account/tokens")
def create_token(request: Request, session: SessionDep, user: CurrentUser, form: PostedForm) -> Response:
    """A new personal API token, shown once on the answer page."""
    name = " ".join(str(form.get("name", "")).split())[:200]
    if not name:
        return _page(request, session, user, errors=[{"loc": ["body", "name"], "msg": "Give the token a name."}],
                     status_code=422)
    token = create_api_token(session, user=user, name=name)
    return _page(request, session, user, new_token=token)


@router.post("/account/tokens/{token_id}/revoke")
def revoke_token(token_id: str, request: Request, session: SessionDep, user: CurrentUser) -> Response:
    """Revoke one of your tokens: it stops working at once."""
    service.revoke_token(session, user, token_id)
    return redirect(request, "/account?done=revoked")
