"""The question-set API: GET/PUT a round's published set, POST generate (a draft)."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.specs.service import current_content, get_spec
from tests.factories import bearer, make_user

URL = "/api/v1/job-specs/senior-backend-payments/rounds/{key}/questions"


def test_get_question_set_seed_002_rounds(client: TestClient, session: Session) -> None:
    headers = bearer(session, make_user(session))
    session.commit()
    written = client.get(URL.format(key="round_01"), headers=headers).json()
    behavioral = client.get(URL.format(key="round_02"), headers=headers).json()
    assert len(written["questions"]) == 3 and written["kind"] == "written"
    assert len(behavioral["questions"]) == 4
    assert all(q["kind"] == "behavioral" for q in behavioral["questions"])
    assert written["version"].startswith("v")
    assert written["coverage"]["warnings"] == []


def test_question_set_api_refuses_interviewers_and_anonymous(client: TestClient, session: Session) -> None:
    interviewer = bearer(session, make_user(session, role="interviewer"))
    session.commit()
    assert client.get(URL.format(key="round_01"), headers=interviewer).status_code == 403
    assert client.get(URL.format(key="round_01")).status_code == 401
    assert client.post(URL.format(key="round_01") + "/generate", json={}, headers=interviewer).status_code == 403


def test_get_question_set_unknown_round_is_404(client: TestClient, session: Session) -> None:
    headers = bearer(session, make_user(session))
    session.commit()
    response = client.get(URL.format(key="round_99"), headers=headers)
    assert response.status_code == 404 and "detail" in response.json()


def test_put_question_set_makes_new_version(client: TestClient, session: Session) -> None:
    headers = bearer(session, make_user(session))
    session.commit()
    before = client.get(URL.format(key="round_01"), headers=headers).json()
    questions = before["questions"][:2] + [{
        "id": "custom_ledger", "text": "Sketch a double-entry ledger schema.", "competencies": ["postgres_schema_design"],
        "rubric": {"strong": ["Balanced entries"], "weak": ["Single balance column"]}, "source": "custom"}]
    response = client.put(URL.format(key="round_01"), headers=headers,
                          json={"questions": questions, "base_version": before["version"]})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["created"] is True and body["version_number"] == before["version_number"] + 1
    assert [q["id"] for q in body["questions"]][-1] == "custom_ledger"
    spec = get_spec(session, "senior-backend-payments")
    assert spec.current_version == body["version_number"]
    assert current_content(session, spec.slug).rounds[0].questions[2].kind == "written"


def test_put_question_set_accepts_bank_ids(client: TestClient, session: Session) -> None:
    headers = bearer(session, make_user(session))
    session.commit()
    ids = ["tp_money_transfer_consistency", "tp_idempotent_payments", "ch_mid_retry_backoff"]
    body = client.put(URL.format(key="round_01"), headers=headers, json={"questions": ids}).json()
    assert [q["id"] for q in body["questions"]] == ids
    assert all(q["source"] == "bank" for q in body["questions"])


def test_put_question_set_stale_base_version_is_409(client: TestClient, session: Session) -> None:
    headers = bearer(session, make_user(session))
    session.commit()
    current = client.get(URL.format(key="round_01"), headers=headers).json()
    ids = ["tp_money_transfer_consistency", "tp_idempotent_payments", "ch_mid_retry_backoff"]
    first = client.put(URL.format(key="round_01"), headers=headers,
                       json={"questions": ids, "base_version": current["version"]})
    assert first.status_code == 200
    stale = client.put(URL.format(key="round_01"), headers=headers,
                       json={"questions": ids[::-1], "base_version": current["version"]})
    assert stale.status_code == 409
    assert "current version" in stale.json()["detail"]


def test_put_question_set_invalid_is_422_and_saves_nothing(client: TestClient, session: Session) -> None:
    headers = bearer(session, make_user(session))
    session.commit()
    number = get_spec(session, "senior-backend-payments").current_version
    bad = [{"id": "q1", "text": "", "competencies": ["nope"]}, "not_in_bank", "tp_idempotent_payments"]
    response = client.put(URL.format(key="round_01"), headers=headers, json={"questions": bad})
    assert response.status_code == 422
    locs = [e["loc"] for e in response.json()["errors"]]
    assert ["body", "questions", 0, "text"] in locs and ["body", "questions", 1] in locs
    wrong_count = client.put(URL.format(key="round_01"), headers=headers, json={"questions": ["tp_idempotent_payments"]})
    assert wrong_count.status_code == 422
    behavioral_in_written = client.put(URL.format(key="round_01"), headers=headers,
                                       json={"questions": ["bh_incident_response", "tp_idempotent_payments",
                                                           "tp_money_transfer_consistency"]})
    assert behavioral_in_written.status_code == 422
    assert client.put(URL.format(key="round_01"), headers=headers, json={"questions": "x"}).status_code == 422
    assert get_spec(session, "senior-backend-payments").current_version == number


def test_generate_bank_draft_saves_nothing(client: TestClient, session: Session) -> None:
    headers = bearer(session, make_user(session))
    session.commit()
    number = get_spec(session, "senior-backend-payments").current_version
    response = client.post(URL.format(key="round_01") + "/generate", headers=headers,
                           json={"source": "bank", "count": 3})
    assert response.status_code == 200
    body = response.json()
    assert body["source_used"] == "bank" and body["notice"] is None and len(body["questions"]) == 3
    assert all(q["why"] for q in body["questions"])
    assert get_spec(session, "senior-backend-payments").current_version == number


def test_generate_ai_without_key_says_so(client: TestClient, session: Session) -> None:
    headers = bearer(session, make_user(session, role="admin"))
    session.commit()
    body = client.post(URL.format(key="round_02") + "/generate", headers=headers, json={"source": "ai"}).json()
    assert body["source_used"] == "bank"
    assert body["notice"] == "AI generation is off — drew from the question bank"
    assert len(body["questions"]) == 4


def test_generate_validates_body(client: TestClient, session: Session) -> None:
    headers = bearer(session, make_user(session))
    session.commit()
    for payload in ({"source": "oracle"}, {"count": 0}, {"count": 999}):
        response = client.post(URL.format(key="round_01") + "/generate", headers=headers, json=payload)
        assert response.status_code == 422 and response.json()["errors"]


def test_live_round_has_no_question_set_to_put_or_generate(client: TestClient, session: Session) -> None:
    headers = bearer(session, make_user(session))
    session.commit()
    url = "/api/v1/job-specs/senior-golang-fintech/rounds/round_03/questions"
    assert client.get(url, headers=headers).json()["questions"] == []
    assert client.put(url, headers=headers, json={"questions": []}).status_code == 422
    assert client.post(url + "/generate", headers=headers, json={}).status_code == 422


def test_generated_draft_publishes_through_put(client: TestClient, session: Session) -> None:
    headers = bearer(session, make_user(session))
    session.commit()
    url = URL.format(key="round_02")
    draft = client.post(url + "/generate", headers=headers, json={"source": "bank", "count": 4}).json()
    current = client.get(url, headers=headers).json()
    response = client.put(url, headers=headers,
                          json={"questions": draft["questions"][::-1], "base_version": current["version_number"]})
    assert response.status_code == 200
    assert [q["id"] for q in response.json()["questions"]] == [q["id"] for q in draft["questions"][::-1]]
