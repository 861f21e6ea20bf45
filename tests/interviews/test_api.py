"""Interviews API: candidates, interviews bound to the current version, the once-shown link, roles."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from app.models import AuditEvent, RoundAttempt, Scorecard
from tests.factories import bearer, make_interview, make_user


def _manager(session):  # type: ignore[no-untyped-def]
    headers = bearer(session, make_user(session, role="hiring_manager"))
    session.commit()
    return headers


def test_create_candidate_and_interview_returns_link_that_works(client, session):
    headers = _manager(session)
    interviewer = make_user(session, role="interviewer")
    candidate = client.post("/api/v1/candidates", json={"name": "Ada Lovelace", "email": "ada@example.test"}, headers=headers)
    assert candidate.status_code == 201
    created = client.post("/api/v1/interviews", headers=headers, json={
        "candidate_id": candidate.json()["id"], "job_spec": "senior-backend-payments",
        "interviewers": {"round_01": [interviewer.email]}, "time_factor": 1.5})
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["version"].startswith("v1-") and body["candidate_url"].startswith("http://testserver/take/")
    token = body["candidate_url"].rsplit("/", 1)[1]
    assert token not in str(session.exec(select(AuditEvent.detail)).all())
    landing = client.get(f"/api/v1/take/{token}").json()
    assert landing["time_factor"] == 1.5 and landing["rounds"][0]["duration_seconds"] == 45 * 60 * 1.5

    detail = client.get(f"/api/v1/interviews/{body['id']}", headers=headers).json()
    assert detail["status"] == "invited" and detail["link"]["state"] == "active"
    assert [r["key"] for r in detail["rounds"]] == ["round_01", "round_02"]
    assert detail["assignments"] == [{"scorecard_id": detail["assignments"][0]["scorecard_id"], "interviewer": interviewer.email,
                                      "interviewer_name": interviewer.name, "status": "draft", "submitted_at": None,
                                      "overdue": False, "round": "round_01"}]


def test_create_interview_rejects_bad_input_with_errors(client, session):
    headers = _manager(session)
    candidate_id = client.post("/api/v1/candidates", json={"name": "Bo", "email": "bo@example.test"}, headers=headers).json()["id"]
    bad = client.post("/api/v1/interviews", headers=headers, json={
        "candidate_id": candidate_id, "job_spec": "senior-backend-payments",
        "interviewers": {"round_09": ["nobody@example.test"], "round_01": ["ghost@example.test"]}})
    assert bad.status_code == 422 and len(bad.json()["errors"]) == 2
    assert client.post("/api/v1/interviews", headers=headers, json={
        "candidate_id": candidate_id, "job_spec": "senior-backend-payments", "time_factor": 0.5}).status_code == 422
    assert client.post("/api/v1/interviews", headers=headers, json={
        "candidate_id": candidate_id, "job_spec": "no-such-spec"}).status_code == 404
    assert client.post("/api/v1/candidates", json={"name": "", "email": "nope"}, headers=headers).status_code == 422


def test_only_managers_create_and_interviewers_see_only_their_interviews(client, session):
    interviewer = make_user(session, role="interviewer")
    headers = bearer(session, interviewer)
    mine = make_interview(session, interviewers={"round_02": [interviewer.email]}).interview
    other = make_interview(session).interview
    session.commit()
    assert client.post("/api/v1/candidates", json={"name": "X", "email": "x@example.test"}, headers=headers).status_code == 403
    assert client.get(f"/api/v1/interviews/{mine.id}", headers=headers).status_code == 200
    assert client.get(f"/api/v1/interviews/{other.id}", headers=headers).status_code == 404
    assert client.get(f"/api/v1/interviews/{mine.id}").status_code == 401


def test_detail_closes_overdue_round_and_flags_overdue_scorecards(client, session, monkeypatch):
    from tests.take.helpers import FakeClock, timed_spec
    clock = FakeClock()
    monkeypatch.setattr("app.clock.now", clock)
    headers = _manager(session)
    interviewer = make_user(session, role="interviewer")
    slug = timed_spec(session, minutes=0.1)
    created = make_interview(session, spec_slug=slug, interviewers={"written": [interviewer.email]})
    session.commit()
    client.post(f"/api/v1/take/{created.token}/rounds/written/start")
    clock.advance(60)
    detail = client.get(f"/api/v1/interviews/{created.interview.id}", headers=headers).json()
    written = detail["rounds"][0]
    assert written["status"] == "closed_by_timer" and written["submitted_at"] == written["deadline"]
    assert detail["status"] == "in_progress" and written["assignments"][0]["overdue"] is False
    clock.advance(timedelta(hours=48).total_seconds())
    later = client.get(f"/api/v1/interviews/{created.interview.id}", headers=headers).json()
    assert later["rounds"][0]["assignments"][0]["overdue"] is True
    attempt = session.exec(select(RoundAttempt).where(RoundAttempt.interview_id == created.interview.id)).one()
    assert attempt.closed_by == "timer"
    card = session.exec(select(Scorecard).where(Scorecard.interview_id == created.interview.id)).one()
    assert card.status == "draft"


def test_nul_characters_are_refused_not_crashing(client, session):
    headers = _manager(session)
    assert client.post("/api/v1/candidates", json={"name": "A\x00", "email": "a@example.test"}, headers=headers).status_code == 422
    assert client.post("/api/v1/interviews", json={"candidate_id": "x\x00", "job_spec": "senior-backend-payments"},
                       headers=headers).status_code == 404
    assert client.post("/api/v1/interviews", json={"candidate_id": "x", "job_spec": "a\x00"}, headers=headers).status_code == 422
    assert client.get("/api/v1/interviews/x%00y", headers=headers).status_code == 404


def test_candidate_name_with_line_breaks_or_a_bad_address_is_refused_with_reasons(client, session):
    from tests.factories import bearer, make_user
    headers = bearer(session, make_user(session, role="hiring_manager"))
    session.commit()
    refused = client.post("/api/v1/candidates", headers=headers,
                          json={"name": "Eve\r\nBcc: victim@example.test", "email": "eve@example"})
    assert refused.status_code == 422
    assert {e["msg"] for e in refused.json()["errors"]} == {"name must be one line of text", "not an email address"}
    accepted = client.post("/api/v1/candidates", headers=headers, json={"name": "Eve Adams", "email": "eve@example.test"})
    assert accepted.status_code == 201


def test_list_filters_with_nul_are_invalid_input_not_a_server_error(client, session):
    from tests.factories import bearer, make_user
    headers = bearer(session, make_user(session, role="hiring_manager"))
    session.commit()
    for url in ("/api/v1/interviews?job_spec=a%00b", "/api/v1/interviews?q=%00", "/api/v1/candidates?q=x%00",
                "/api/v1/job-specs/senior-backend-payments/ranking?version=%00"):
        response = client.get(url, headers=headers)
        assert response.status_code == 422 and response.json()["errors"], url
    assert client.get("/api/v1/interviews?q=ann", headers=headers).status_code == 200
