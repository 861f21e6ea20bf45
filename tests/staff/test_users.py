"""Inviting staff, accepting the invitation, roles, deactivation and password resets."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from app.mail.models import MailMessage
from app.models import ApiToken, User
from app.staff.models import StaffLink
from tests.factories import PASSWORD, bearer, csrf, make_user, sign_in
from tests.staff.helpers import mailed_link

NEW_PASSWORD = "paper lantern over quiet harbour"


def _invite_api(client, session, **body):  # type: ignore[no-untyped-def]
    admin = make_user(session, role="admin")
    payload = {"email": "new.colleague@example.test", "name": "New Colleague", "role": "interviewer", **body}
    return client.post("/api/v1/users", json=payload, headers=bearer(session, admin))


def test_api_invite_returns_id_and_queues_the_invitation(client, session):
    response = _invite_api(client, session)
    assert response.status_code == 201 and set(response.json()) == {"id"}
    user = session.get(User, response.json()["id"])
    assert user is not None and user.password_hash == "" and user.role == "interviewer"
    mail = session.exec(select(MailMessage).where(MailMessage.to_addr == user.email)).one()
    assert mail.template == "staff_invitation" and mail.holds_secret and "72 hours" in mail.text_body
    link = session.exec(select(StaffLink).where(StaffLink.user_id == user.id)).one()
    assert link.token_hash not in mail.text_body and mailed_link(session, user.email, "invite").startswith("/invite/")


def test_api_invite_refuses_duplicate_unknown_role_and_non_admins(client, session):
    existing = make_user(session, role="interviewer")
    duplicate = _invite_api(client, session, email=existing.email.upper())
    assert duplicate.status_code == 409 and duplicate.json()["errors"][0]["loc"] == ["body", "email"]
    unknown = _invite_api(client, session, email="x@example.test", role="superuser")
    assert unknown.status_code == 422 and "role must be one of" in unknown.json()["errors"][0]["msg"]
    manager = make_user(session, role="hiring_manager")
    assert client.post("/api/v1/users", json={"email": "y@example.test", "name": "Y", "role": "interviewer"},
                       headers=bearer(session, manager)).status_code == 403


def test_api_invite_refuses_header_injection_in_the_name(client, session):
    response = _invite_api(client, session, name="Mallory\r\nBcc: all@example.test")
    assert response.status_code == 422 and response.json()["errors"][0]["msg"] == "name must be one line of text"
    bad_email = _invite_api(client, session, email="a@example.test\r\nBcc: b@example.test")
    assert bad_email.status_code == 422


def test_invite_link_sets_password_signs_in_and_works_once(client, session):
    user_id = _invite_api(client, session).json()["id"]
    path = mailed_link(session, "new.colleague@example.test", "invite")
    page = client.get(path)
    assert page.status_code == 200 and "New Colleague" in page.text and page.headers["cache-control"] == "no-store"
    weak = client.post(path, data={"password": "short", "password_again": "short", "csrf_token": csrf(client)})
    assert weak.status_code == 422 and "at least 12 characters" in weak.text
    named = client.post(path, data={"password": "new.colleague2024", "password_again": "new.colleague2024",
                                    "csrf_token": csrf(client)})
    assert named.status_code == 422 and "name or email" in named.text
    done = client.post(path, data={"password": NEW_PASSWORD, "password_again": NEW_PASSWORD,
                                   "csrf_token": csrf(client)}, follow_redirects=False)
    assert done.status_code == 303
    assert client.get("/my/scorecards").status_code == 200  # signed in as the new interviewer
    assert session.get(User, user_id).password_hash.startswith("$argon2id$")
    again = client.post(path, data={"password": NEW_PASSWORD, "password_again": NEW_PASSWORD,
                                    "csrf_token": csrf(client)})
    assert again.status_code == 410 and "already used" in again.text


def test_expired_and_unknown_invite_links_are_refused(client, session):
    _invite_api(client, session)
    path = mailed_link(session, "new.colleague@example.test", "invite")
    link = session.exec(select(StaffLink)).all()[-1]
    link.expires_at = link.created_at - timedelta(seconds=1)
    session.add(link)
    session.flush()
    assert client.get(path).status_code == 410 and "expired" in client.get(path).text
    assert client.get("/invite/not-a-real-token").status_code == 404


def _admin_client(client, session):  # type: ignore[no-untyped-def]
    admin = make_user(session, role="admin")
    sign_in(client, admin)
    return admin


def test_admin_page_invites_and_shows_errors_in_place(client, session):
    _admin_client(client, session)
    taken = make_user(session, role="interviewer")
    response = client.post("/admin/users", data={"email": taken.email, "name": "Again", "role": "interviewer",
                                                 "csrf_token": csrf(client)})
    assert response.status_code == 409 and "a staff member with this email exists" in response.text
    ok = client.post("/admin/users", data={"email": "page.invite@example.test", "name": "Page Invite",
                                           "role": "hiring_manager", "csrf_token": csrf(client)})
    assert ok.status_code == 200 and "Invitation sent." in ok.text and "page.invite@example.test" in ok.text


def test_deactivation_ends_sessions_and_tokens_at_once(client, session, app):
    from fastapi.testclient import TestClient

    _admin_client(client, session)
    interviewer = make_user(session, role="interviewer")
    headers = bearer(session, interviewer)
    with TestClient(app, base_url="http://testserver") as theirs:
        sign_in(theirs, interviewer)
        assert theirs.get("/my/scorecards").status_code == 200
        response = client.post(f"/admin/users/{interviewer.id}/deactivate", data={"csrf_token": csrf(client)})
        assert response.status_code == 200 and "deactivated" in response.text
        assert theirs.get("/my/scorecards", follow_redirects=False).status_code == 303  # back to sign-in
    assert client.get("/api/v1/interviews/x", headers=headers).status_code == 401
    assert all(t.revoked_at is not None for t in session.exec(select(ApiToken).where(ApiToken.user_id == interviewer.id)))


def test_last_admin_keeps_role_and_cannot_deactivate_self(client, session):
    admin = _admin_client(client, session)
    for other in session.exec(select(User).where(User.role == "admin", User.id != admin.id)).all():
        other.is_active = False
        session.add(other)
    session.flush()
    demote = client.post(f"/admin/users/{admin.id}/role", data={"role": "interviewer", "csrf_token": csrf(client)})
    assert demote.status_code == 409 and "last active admin" in demote.text
    assert client.post(f"/admin/users/{admin.id}/deactivate", data={"csrf_token": csrf(client)}).status_code == 403


def test_password_reset_by_email_replaces_password_and_is_rate_limited(client, session, app):
    from fastapi.testclient import TestClient

    _admin_client(client, session)
    person = make_user(session, role="hiring_manager")
    assert client.post(f"/admin/users/{person.id}/reset", data={"csrf_token": csrf(client)}).status_code == 200
    path = mailed_link(session, person.email, "reset")
    with TestClient(app, base_url="http://testserver") as theirs:
        done = theirs.post(path, data={"password": NEW_PASSWORD, "password_again": NEW_PASSWORD,
                                       "csrf_token": csrf(theirs)}, follow_redirects=False)
        assert done.status_code == 303
    session.refresh(person)
    from app.auth.security import verify_password
    assert verify_password(person.password_hash, NEW_PASSWORD) and not verify_password(person.password_hash, PASSWORD)
    for _ in range(2):
        client.post(f"/admin/users/{person.id}/reset", data={"csrf_token": csrf(client)})
    limited = client.post(f"/admin/users/{person.id}/reset", data={"csrf_token": csrf(client)})
    assert limited.status_code == 429
