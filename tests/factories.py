"""`make_<thing>(session, **overrides)` helpers that build real rows."""

from __future__ import annotations

import itertools
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.auth.security import csrf_token
from app.auth.service import create_api_token, create_user
from app.models import User
from app.settings import get_settings

_counter = itertools.count(1)
PASSWORD = "correct horse battery staple"


def make_user(session: Session, *, role: str = "hiring_manager", **overrides: Any) -> User:
    """A staff user with the shared test password."""
    n = next(_counter)
    values = {"email": f"{role}{n}@example.test", "name": f"{role.replace('_', ' ').title()} {n}",
              "password": PASSWORD, **overrides}
    return create_user(session, role=role, **values)


def bearer(session: Session, user: User) -> dict[str, str]:
    """Authorization headers with a fresh API token for the user."""
    return {"Authorization": f"Bearer {create_api_token(session, user=user)}"}


def csrf(client: TestClient) -> str:
    """The CSRF token for the client's CSRF cookie (fetching a page first if needed)."""
    if "calibrate_csrf" not in client.cookies:
        client.get("/login")
    return csrf_token(get_settings().secret_key, client.cookies["calibrate_csrf"])


def sign_in(client: TestClient, user: User, password: str = PASSWORD) -> None:
    """Sign the client in through the real form."""
    response = client.post("/login", data={"email": user.email, "password": password,
                                           "csrf_token": csrf(client), "next": "/"}, follow_redirects=False)
    assert response.status_code == 303, response.text


def make_candidate(session: Session, **overrides: Any):  # type: ignore[no-untyped-def]
    """A candidate."""
    from app.interviews.service import create_candidate
    n = next(_counter)
    values = {"name": f"Candidate {n}", "email": f"candidate{n}@example.test", **overrides}
    return create_candidate(session, actor=None, **values)


def make_interview(session: Session, *, spec_slug: str = "senior-backend-payments",
                   interviewers: dict[str, list[str]] | None = None, time_factor: float = 1.0,
                   candidate=None, actor: User | None = None):  # type: ignore[no-untyped-def]
    """An interview (returns NewInterview: `.interview` and the invite `.token`)."""
    from app.interviews.service import create_interview
    candidate = candidate or make_candidate(session)
    return create_interview(session, candidate_id=candidate.id, spec_slug=spec_slug,
                            interviewers=interviewers or {}, time_factor=time_factor, actor=actor)
