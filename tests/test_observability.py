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


def _submit_a_scorecard(session) -> None:  # type: ignore[no-untyped-def]
    from sqlmodel import select

    from app.models import Scorecard
    from app.scorecards import service
    from app.scorecards.rounds import round_view
    from tests.factories import make_interview

    alice = make_user(session, role="interviewer")
    interview = make_interview(session, interviewers={"round_01": [alice.email]}).interview
    card = session.exec(select(Scorecard).where(Scorecard.interview_id == interview.id)).one()
    view = round_view(session, card)
    draft = service.validate_changes(view, ratings={cid: 3 for cid in view.covered_ids}, notes={}, must_haves={})
    service.save_draft(session, card=card, changes=draft)
    service.submit(session, card=card, actor=alice, view=view)


def _sample(name: str, **labels: str) -> float:
    from app.metrics import REGISTRY
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_metrics_move_with_autosaves_submissions_and_streams(client, session):
    from app.events.fragments import hub
    from tests import aio
    from tests.take.helpers import put_answer, take_link

    _, base = take_link(session)
    client.post(f"{base}/rounds/written/start")
    saved = _sample("calibrate_autosaves_total", outcome="accepted")
    assert put_answer(client, base, "first draft", 1).status_code == 200
    assert put_answer(client, base, "stale", 1).status_code == 409
    assert _sample("calibrate_autosaves_total", outcome="accepted") == saved + 1
    assert _sample("calibrate_autosaves_total", outcome="stale") >= 1

    submitted = _sample("calibrate_scorecards_submitted_total")
    _submit_a_scorecard(session)
    assert _sample("calibrate_scorecards_submitted_total") == submitted  # not committed yet
    session.commit()
    assert _sample("calibrate_scorecards_submitted_total") == submitted + 1
    _submit_a_scorecard(session)
    session.rollback()
    assert _sample("calibrate_scorecards_submitted_total") == submitted + 1

    async def streams_open() -> tuple[float, int]:
        async with hub.subscribe("spec", "dashboard", list), hub.subscribe("spec", "dashboard", list):
            return _sample("calibrate_sse_clients"), hub.stream_count
    gauge, streams = aio.run(streams_open())
    assert gauge == streams == hub.stream_count + 2


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
