"""The pages behind the one-time staff links: accept an invitation (`/invite/{token}`) and choose
a new password (`/reset/{token}`). Both set the password, use the link up and sign the person in."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from app.auth.service import start_session
from app.deps import SESSION_COOKIE, Public, SessionDep
from app.errors import DomainError, Invalid
from app.middleware import is_secure
from app.staff import service
from app.staff.models import INVITE, RESET
from app.staff.routes import client_address
from app.web import PostedForm, render

router = APIRouter()
NO_STORE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}  # the token is in the URL


def _show(request: Request, session: SessionDep, token: str, purpose: str) -> Response:
    try:
        _, user = service.open_link(session, token, purpose=purpose, address=client_address(request))
    except DomainError as exc:
        return render(request, "staff/link.html", {"purpose": purpose, "gone": exc.message, "person": None,
                                                   "errors": []}, status_code=exc.status_code, headers=NO_STORE)
    return render(request, "staff/link.html", {"purpose": purpose, "gone": None, "person": user, "errors": []},
                  headers=NO_STORE)


def _redeem(request: Request, session: SessionDep, token: str, purpose: str, form: PostedForm) -> Response:
    password, again = str(form.get("password", "")), str(form.get("password_again", ""))
    try:
        with session.begin_nested():
            if password != again:
                raise Invalid("mismatch", errors=[{"loc": ["body", "password_again"], "msg": "The two passwords differ."}])
            user = service.redeem_link(session, token, purpose=purpose, password=password,
                                       address=client_address(request))
    except Invalid as exc:
        _, person = service.open_link(session, token, purpose=purpose, address=client_address(request))
        return render(request, "staff/link.html", {"purpose": purpose, "gone": None, "person": person,
                                                   "errors": exc.errors}, status_code=422, headers=NO_STORE)
    except DomainError as exc:
        return render(request, "staff/link.html", {"purpose": purpose, "gone": exc.message, "person": None,
                                                   "errors": []}, status_code=exc.status_code, headers=NO_STORE)
    secret, web = start_session(session, user)
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(SESSION_COOKIE, secret, httponly=True, samesite="lax", secure=is_secure(request.scope),
                        path="/", max_age=int((web.expires_at - web.created_at).total_seconds()))
    return response


@router.get("/invite/{secret}", dependencies=[Public])
def invite_page(secret: str, request: Request, session: SessionDep) -> Response:
    """Accept an invitation: choose a password."""
    return _show(request, session, secret, INVITE)


@router.post("/invite/{secret}", dependencies=[Public])
def accept_invite(secret: str, request: Request, session: SessionDep, form: PostedForm) -> Response:
    """Set the first password and sign in."""
    return _redeem(request, session, secret, INVITE, form)


@router.get("/reset/{secret}", dependencies=[Public])
def reset_page(secret: str, request: Request, session: SessionDep) -> Response:
    """Choose a new password through a reset link."""
    return _show(request, session, secret, RESET)


@router.post("/reset/{secret}", dependencies=[Public])
def reset_password(secret: str, request: Request, session: SessionDep, form: PostedForm) -> Response:
    """Set the new password (every other session ends) and sign in."""
    return _redeem(request, session, secret, RESET, form)
