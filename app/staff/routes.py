"""Sign-in and sign-out pages."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from app.auth.service import authenticate, end_session, start_session
from app.deps import SESSION_COOKIE, CurrentUser, OptionalUser, Public, SessionDep
from app.errors import TooManyRequests
from app.middleware import is_secure
from app.web import render

router = APIRouter()


def safe_next(target: str | None) -> str:
    """Only local paths are followed after sign-in (no open redirects)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


def client_address(request: Request) -> str:
    """The caller's address for per-address limits."""
    return request.client.host if request.client else "unknown"


@router.get("/login", dependencies=[Public])
def login_page(request: Request, user: OptionalUser, next: str = "/") -> Response:
    """The sign-in form (signed-in users go straight on)."""
    if user is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return render(request, "login.html", {"next": safe_next(next), "email": "", "error": None})


@router.post("/login", dependencies=[Public])
def login(request: Request, session: SessionDep, email: Annotated[str, Form(max_length=320)] = "",
          password: Annotated[str, Form(max_length=1000)] = "", next: Annotated[str, Form()] = "/") -> Response:
    """Check the credentials under the sign-in rate limits and start a session."""
    context = {"next": safe_next(next), "email": email}
    if not email.strip() or not password:
        return render(request, "login.html", {**context, "error": "Enter your email and password."}, status_code=422)
    try:
        user = authenticate(session, email=email, password=password, address=client_address(request))
    except TooManyRequests as exc:
        return render(request, "login.html", {**context, "error": exc.message}, status_code=429,
                      headers={"Retry-After": str(exc.extra["retry_after"])})
    if user is None:
        return render(request, "login.html", {**context, "error": "Email or password is not right."}, status_code=401)
    secret, web = start_session(session, user)
    response = RedirectResponse(safe_next(next), status_code=303)
    response.set_cookie(SESSION_COOKIE, secret, httponly=True, samesite="lax", secure=is_secure(request.scope),
                        path="/", max_age=int((web.expires_at - web.created_at).total_seconds()))
    return response


@router.post("/logout")
def logout(request: Request, session: SessionDep, user: CurrentUser) -> Response:
    """End the session and forget the cookie."""
    if cookie := request.cookies.get(SESSION_COOKIE):
        end_session(session, cookie)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
