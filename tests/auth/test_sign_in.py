"""Sign-in, sessions, CSRF, rate limits and security headers."""

from sqlmodel import select

from app.models import WebSession
from tests.factories import PASSWORD, csrf, make_user, sign_in


def test_password_is_stored_as_argon2id(session):
    user = make_user(session)
    assert user.password_hash.startswith("$argon2id$") and PASSWORD not in user.password_hash


def test_sign_in_sets_secure_session_cookie_and_reaches_specs(client, session):
    user = make_user(session, role="hiring_manager")
    response = client.post("/login", data={"email": user.email.upper(), "password": PASSWORD,
                                           "csrf_token": csrf(client), "next": "/specs"}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/specs"
    cookie = next(h for h in response.headers.get_list("set-cookie") if h.startswith("calibrate_session="))
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie.replace("Lax", "lax")
    page = client.get("/specs")
    assert page.status_code == 200 and "Senior Backend Engineer — Payments Platform" in page.text


def test_sign_in_cookie_is_secure_under_https(app, session):
    from fastapi.testclient import TestClient
    user = make_user(session)
    with TestClient(app, base_url="https://testserver") as https_client:
        response = https_client.post("/login", data={"email": user.email, "password": PASSWORD,
                                                     "csrf_token": csrf(https_client)}, follow_redirects=False)
    cookie = next(h for h in response.headers.get_list("set-cookie") if h.startswith("calibrate_session="))
    assert "Secure" in cookie


def test_wrong_password_rerenders_form_with_error(client, session):
    user = make_user(session)
    response = client.post("/login", data={"email": user.email, "password": "wrong password!",
                                           "csrf_token": csrf(client)})
    assert response.status_code == 401 and "Email or password is not right." in response.text
    assert f'value="{user.email}"' in response.text


def test_login_without_csrf_token_is_refused(client, session):
    user = make_user(session)
    client.get("/login")
    response = client.post("/login", data={"email": user.email, "password": PASSWORD}, follow_redirects=False)
    assert response.status_code == 403 and "CSRF" in response.text
    assert "calibrate_session" not in response.headers.get("set-cookie", "")


def test_csrf_token_of_another_browser_is_refused(client, session):
    user = make_user(session)
    sign_in(client, user)
    stolen = "0" * 64
    response = client.post("/logout", data={"csrf_token": stolen}, follow_redirects=False)
    assert response.status_code == 403
    assert client.get("/specs", follow_redirects=False).status_code == 200


def test_sign_in_rate_limited_per_account_even_with_right_password(client, session):
    user = make_user(session)
    for _ in range(5):
        assert client.post("/login", data={"email": user.email, "password": "nope nope nope",
                                           "csrf_token": csrf(client)}).status_code == 401
    response = client.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": csrf(client)})
    assert response.status_code == 429
    assert "Too many failed attempts for this account" in response.text and response.headers["retry-after"]


def test_sign_in_rate_limited_per_address(client, session):
    users = [make_user(session) for _ in range(3)]
    for i in range(20):
        client.post("/login", data={"email": users[i % 2].email if i < 8 else f"ghost{i}@example.test",
                                    "password": "nope nope nope", "csrf_token": csrf(client)})
    response = client.post("/login", data={"email": users[2].email, "password": PASSWORD, "csrf_token": csrf(client)})
    assert response.status_code == 429 and "from your address" in response.text


def test_sign_out_ends_the_session_server_side(client, session):
    user = make_user(session)
    sign_in(client, user)
    cookie = client.cookies["calibrate_session"]
    assert client.post("/logout", data={"csrf_token": csrf(client)}, follow_redirects=False).status_code == 303
    assert session.exec(select(WebSession).where(WebSession.user_id == user.id)).all() == []
    client.cookies.set("calibrate_session", cookie)
    assert client.get("/specs", follow_redirects=False).headers["location"].startswith("/login")


def test_security_headers_on_every_page(client):
    response = client.get("/login")
    csp = response.headers["content-security-policy"]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp and "frame-ancestors 'none'" in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "same-origin"
    assert "calibrate_csrf" in response.headers["set-cookie"]


def test_next_parameter_cannot_redirect_off_site(client, session):
    user = make_user(session)
    response = client.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": csrf(client),
                                           "next": "//evil.example/"}, follow_redirects=False)
    assert response.headers["location"] == "/"
