"""JSON logs with request ids, Prometheus metrics, nothing secret in either."""

import json
import logging

from tests.factories import bearer, make_user


def test_metrics_exposes_request_histogram_by_route_template(client):
    client.get("/take/not-a-real-token-abcdef")
    client.get("/healthz")
    body = client.get("/metrics").text
    assert "calibrate_request_duration_seconds_bucket" in body
    assert 'route="/healthz"' in body
    assert "not-a-real-token-abcdef" not in body
    for name in ("calibrate_autosaves_total", "calibrate_sse_clients", "calibrate_scorecards_submitted_total"):
        assert name in body


def test_metrics_refused_to_remote_non_admins(app, session):
    from fastapi.testclient import TestClient
    manager = bearer(session, make_user(session, role="hiring_manager"))
    admin = bearer(session, make_user(session, role="admin"))
    session.commit()
    with TestClient(app, client=("203.0.113.9", 5555)) as remote:
        assert remote.get("/metrics").status_code == 403
        assert remote.get("/metrics", headers=manager).status_code == 403
        assert remote.get("/metrics", headers=admin).status_code == 200


def test_logs_are_json_with_request_id_and_no_secrets(client, session, caplog):
    user = make_user(session)
    logger = logging.getLogger("calibrate.access")
    logger.addHandler(caplog.handler)
    try:
        response = client.post("/login", data={"email": user.email, "password": "my secret password 123",
                                                "csrf_token": "x"})
    finally:
        logger.removeHandler(caplog.handler)
    from app.logs import JsonFormatter
    lines = [JsonFormatter().format(r) for r in caplog.records if r.name == "calibrate.access"]
    record = json.loads(lines[-1])
    assert record["request_id"] == response.headers["x-request-id"]
    assert record["route"] == "/login" and record["status"] == 403
    assert "my secret password" not in "\n".join(lines)
