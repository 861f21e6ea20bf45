"""The admin's webhook pages: add (secret shown once), rotate, pause, delete, the log; CSRF."""

from __future__ import annotations

import re

import pytest
from sqlmodel import select

from app.webhooks.models import WebhookEndpoint
from tests.factories import csrf, make_interview, make_user, sign_in

pytestmark = pytest.mark.usefixtures("loopback_allowed")


@pytest.fixture
def admin_client(client, session):  # type: ignore[no-untyped-def]
    sign_in(client, make_user(session, role="admin"))
    return client


def add(client, **fields):  # type: ignore[no-untyped-def]
    data = {"url": "http://127.0.0.1:9/hook", "events": ["interview.created", "round.submitted"],
            "csrf_token": csrf(client), **fields}
    return client.post("/admin/webhooks", data=data)


def test_pages_add_shows_the_secret_once(admin_client, session):
    page = add(admin_client)
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    secret = re.search(r'value="(whsec_[^"]+)"', page.text).group(1)
    endpoint = session.exec(select(WebhookEndpoint)).one()
    assert endpoint.events == ["interview.created", "round.submitted"]
    listing = admin_client.get("/admin/webhooks")
    assert secret not in listing.text and endpoint.url in listing.text
    assert secret not in admin_client.get(f"/admin/webhooks/{endpoint.id}").text


def test_pages_invalid_url_rerenders_with_errors(admin_client):
    page = add(admin_client, url="https://169.254.169.254/latest")
    assert page.status_code == 422 and "link-local" in page.text and 'aria-invalid="true"' in page.text


def test_pages_refuse_a_form_without_csrf(admin_client):
    page = admin_client.post("/admin/webhooks", data={"url": "http://127.0.0.1:9/hook", "events": ["round.submitted"]})
    assert page.status_code == 403


@pytest.mark.parametrize("role", ["hiring_manager", "interviewer"])
def test_pages_are_admin_only(client, session, role):
    sign_in(client, make_user(session, role=role))
    assert client.get("/admin/webhooks").status_code == 403


def test_pages_rotate_pause_log_redeliver_delete(admin_client, session):
    add(admin_client)
    endpoint = session.exec(select(WebhookEndpoint)).one()
    base = f"/admin/webhooks/{endpoint.id}"
    rotated = admin_client.post(f"{base}/rotate", data={"csrf_token": csrf(admin_client)})
    assert "New secret" in rotated.text and re.search(r'value="whsec_', rotated.text)
    assert admin_client.post(f"{base}/pause", data={"csrf_token": csrf(admin_client)}).status_code == 200
    assert "Resume deliveries" in admin_client.get(base).text
    make_interview(session)
    log = admin_client.get(base).text
    assert "interview.created" in log and "pending" in log
    delivery_id = re.search(r"/deliveries/(\d+)/redeliver", log).group(1)
    again = admin_client.post(f"{base}/deliveries/{delivery_id}/redeliver", data={"csrf_token": csrf(admin_client)},
                              follow_redirects=False)
    assert again.status_code == 303
    assert "Delete endpoint" in admin_client.get(f"{base}/delete").text
    gone = admin_client.post(f"{base}/delete", data={"csrf_token": csrf(admin_client)}, follow_redirects=False)
    assert gone.status_code == 303 and session.exec(select(WebhookEndpoint)).all() == []
