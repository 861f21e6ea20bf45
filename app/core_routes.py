"""The home redirect, the health check and the OpenAPI documentation page."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import text

from app.deps import OptionalUser, Public, SessionDep
from app.schemas import HealthOut
from app.web import render

router = APIRouter()

HOME_BY_ROLE = {"admin": "/specs", "hiring_manager": "/specs", "interviewer": "/my/scorecards"}


@router.get("/", dependencies=[Public])
def home(user: OptionalUser) -> Response:
    """Send people to where their work is."""
    if user is None:
        return RedirectResponse("/login", status_code=303)
    return RedirectResponse(HOME_BY_ROLE.get(user.role, "/login"), status_code=303)


@router.get("/healthz", dependencies=[Public], response_model=HealthOut)
def healthz(session: SessionDep) -> HealthOut:
    """Liveness and database reachability."""
    session.exec(text("SELECT 1"))  # type: ignore[call-overload]
    return HealthOut(status="ok")


@router.get("/docs", dependencies=[Public], include_in_schema=False)
def docs(request: Request) -> Response:
    """Swagger UI for the public JSON API, served from installed assets under the strict CSP."""
    return render(request, "docs.html")
