"""`/account`: changing the password, signing out everywhere, personal API tokens."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlmodel import select

from app.models import ApiToken, WebSession
from tests.factories import PASSWORD, csrf, make_user, sign_in

NEW_PASSWORD = "granite otter plays the cello"


def test_change_password_needs_the_current_one_and_ends_other_sessions(client, session, app):
    user = make_user(session, role="interviewer")
    sign_in(client, user)
    with TestClient(app, base_url="http://testserver") as other:
        sign_in(other, user)
        wrong = client.post("/account/password", data={"current": "not it at all", "new": NEW_PASSWORD,
                                                       "new_again": NEW_PASSWORD, "csrf_token": csrf(client)})
        assert wrong.status_code == 422 and "current password is not right" in wrong.text
        weak = client.post("/account/password", data={"current": PASSWORD, "new": "password1234",
                                                      "new_again": "password1234", "csrf_token": csrf(client)})
        assert weak.status_code == 422 and "first an attacker tries" in weak.text
        ok = client.post("/account/password", data={"current": PASSWORD, "new": NEW_PASSWORD,
                                                    "new_again": NEW_PASSWORD, "csrf_token": csrf(client)})
        assert ok.status_code == 200 and "other browsers were signed out" in ok.text
        assert other.get("/account", follow_redirects=False).status_code == 303
    assert client.get("/account").status_code == 200  # this browser stays signed in


def test_sign_out_everywhere_ends_every_session(client, session):
    user = make_user(session, role="hiring_manager")
    sign_in(client, user)
    response = client.post("/account/sessions/end", data={"csrf_token": csrf(client)}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/login"
    assert session.exec(select(WebSession).where(WebSession.user_id == user.id)).all() == []


def test_tokens_are_shown_once_record_last_use_and_revoke(client, session):
    user = make_user(session, role="hiring_manager")
    sign_in(client, user)
    created = client.post("/account/tokens", data={"name": "ATS sync", "csrf_token": csrf(client)})
    assert created.status_code == 200 and created.headers["cache-control"] == "no-store"
    token = re.search(r'<code id="new-token">([^<]+)</code>', created.text).group(1)
    api = TestClient(client.app, base_url="http://testserver")
    assert api.get("/api/v1/job-specs", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    row = session.exec(select(ApiToken).where(ApiToken.user_id == user.id)).one()
    assert row.last_used_at is not None and row.name == "ATS sync"
    page = client.get("/account")
    assert token not in page.text and "ATS sync" in page.text and row.prefix in page.text
    client.post(f"/account/tokens/{row.id}/revoke", data={"csrf_token": csrf(client)})
    assert api.get("/api/v1/job-specs", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_someone_elses_token_cannot_be_revoked(client, session):
    from app.auth.service import create_api_token

    owner = make_user(session)
    create_api_token(session, user=owner, name="theirs")
    token = session.exec(select(ApiToken).where(ApiToken.user_id == owner.id)).one()
    sign_in(client, make_user(session))
    assert client.post(f"/account/tokens/{token.id}/revoke", data={"csrf_token": csrf(client)}).status_code == 404
