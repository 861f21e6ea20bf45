"""The webhooks API: admins only, exact answers, `{detail, errors}` refusals."""

from __future__ import annotations

import pytest
from sqlmodel import select

from app.webhooks.models import WebhookEndpoint
from tests.factories import bearer, make_interview, make_user

pytestmark = pytest.mark.usefixtures("loopback_allowed")
URL = "http://127.0.0.1:9/hook"


@pytest.fixture
def admin(session):  # type: ignore[no-untyped-def]
    headers = bearer(session, make_user(session, role="admin"))
    session.commit()  # a refused request rolls its transaction back; the token must outlive it
    return headers


def create(client, headers, **body):  # type: ignore[no-untyped-def]
    return client.post("/api/v1/webhooks", json={"url": URL, "events": ["interview.created"], **body}, headers=headers)


def test_api_create_returns_the_secret_once(client, session, admin):
    created = create(client, admin)
    assert created.status_code == 201 and set(created.json()) == {"id", "secret"}
    assert created.json()["secret"].startswith("whsec_")
    endpoint = session.get(WebhookEndpoint, created.json()["id"])
    assert created.json()["secret"] not in endpoint.secret_sealed
    listed = client.get("/api/v1/webhooks", headers=admin).json()
    assert [e["id"] for e in listed] == [created.json()["id"]] and "secret" not in listed[0]
    one = client.get(f"/api/v1/webhooks/{created.json()['id']}", headers=admin).json()
    assert one["url"] == URL and one["events"] == ["interview.created"] and one["paused"] is False


@pytest.mark.parametrize("role", ["hiring_manager", "interviewer"])
def test_api_is_admin_only(client, session, admin, role):
    endpoint_id = create(client, admin).json()["id"]
    other = bearer(session, make_user(session, role=role))
    session.commit()
    for method, path in [("get", "/api/v1/webhooks"), ("get", f"/api/v1/webhooks/{endpoint_id}"),
                         ("delete", f"/api/v1/webhooks/{endpoint_id}"),
                         ("get", f"/api/v1/webhooks/{endpoint_id}/deliveries"),
                         ("post", f"/api/v1/webhooks/{endpoint_id}/rotate-secret")]:
        answer = client.request(method.upper(), path, headers=other)
        assert answer.status_code == 403 and "detail" in answer.json(), (method, path)
    assert create(client, other).status_code == 403
    assert client.get("/api/v1/webhooks").status_code == 401


@pytest.mark.parametrize(("url", "msg"), [("https://169.254.169.254/latest", "link-local"),
                                          ("https://10.0.0.8/hook", "private"),
                                          ("ftp://example.com/x", "https")])
def test_api_refuses_unsafe_urls_with_field_errors(client, admin, url, msg):
    answer = create(client, admin, url=url)
    assert answer.status_code == 422
    [error] = answer.json()["errors"]
    assert error["loc"] == ["body", "url"] and msg in error["msg"]


def test_api_refuses_http_without_the_setting(client, admin, monkeypatch):
    from app.settings import get_settings

    monkeypatch.setattr(get_settings(), "allow_http_webhooks", False)
    answer = create(client, admin)
    assert answer.status_code == 422 and "https" in answer.json()["errors"][0]["msg"]


def test_api_refuses_unknown_events(client, admin):
    answer = create(client, admin, events=["interview.deleted"])
    assert answer.status_code == 422 and answer.json()["errors"][0]["loc"][:2] == ["body", "events"]
    assert create(client, admin, events=[]).status_code == 422


def test_api_deliveries_are_paged_and_redelivered(client, session, admin):
    endpoint_id = create(client, admin).json()["id"]
    for _ in range(3):
        make_interview(session)
    first = client.get(f"/api/v1/webhooks/{endpoint_id}/deliveries?limit=2", headers=admin).json()
    assert len(first["items"]) == 2 and first["next_cursor"]
    rest = client.get(f"/api/v1/webhooks/{endpoint_id}/deliveries?limit=2&cursor={first['next_cursor']}",
                      headers=admin).json()
    assert len(rest["items"]) == 1 and rest["next_cursor"] is None
    item = first["items"][0]
    assert item["status"] == "pending" and item["event_type"] == "interview.created" and item["attempts"] == 0
    again = client.post(f"/api/v1/webhooks/{endpoint_id}/deliveries/{item['id']}/redeliver", headers=admin)
    assert again.status_code == 202 and again.json()["event_id"] == item["event_id"]
    missing = client.post(f"/api/v1/webhooks/{endpoint_id}/deliveries/2147483647/redeliver", headers=admin)
    assert missing.status_code == 404
    too_big = client.post(f"/api/v1/webhooks/{endpoint_id}/deliveries/32192408350654599168/redeliver", headers=admin)
    assert too_big.status_code == 422
    assert client.get(f"/api/v1/webhooks/{endpoint_id}/deliveries?cursor=abc", headers=admin).status_code == 422


def test_api_rotate_pause_resume_delete(client, session, admin):
    created = create(client, admin).json()
    rotated = client.post(f"/api/v1/webhooks/{created['id']}/rotate-secret", headers=admin).json()
    assert rotated["secret"] != created["secret"] and rotated["previous_secret_expires_at"]
    assert client.post(f"/api/v1/webhooks/{created['id']}/pause", headers=admin).json()["paused"] is True
    assert client.post(f"/api/v1/webhooks/{created['id']}/resume", headers=admin).json()["paused"] is False
    assert client.delete(f"/api/v1/webhooks/{created['id']}", headers=admin).status_code == 204
    gone = client.get(f"/api/v1/webhooks/{created['id']}", headers=admin)
    assert gone.status_code == 404 and gone.json() == {"detail": "no such webhook endpoint"}
    assert session.exec(select(WebhookEndpoint)).all() == []
