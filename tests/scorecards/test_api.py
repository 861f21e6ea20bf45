"""The scorecard API: blind until submitted, validation, 401/404/409/422, amendments."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import Session, select

from app.models import User
from tests.factories import bearer, csrf, make_user, sign_in
from tests.scorecards.helpers import FULL, answer_round, card_of, interview_for, interviewers


def _put(client, session: Session, user: User, card_id: str, body: dict):  # type: ignore[no-untyped-def]
    return client.put(f"/api/v1/scorecards/{card_id}", json=body, headers=bearer(session, user))


def _submit(client, session: Session, user: User, card_id: str):  # type: ignore[no-untyped-def]
    return client.post(f"/api/v1/scorecards/{card_id}/submit", headers=bearer(session, user))


def test_list_two_interviewers_second_sees_first_only_after_submitting(client, session: Session) -> None:
    alice, bob = interviewers(session, 2)
    interview = interview_for(session, interviewers={"round_01": [alice, bob]})
    answer_round(session, interview)
    a_card, b_card = card_of(session, interview, alice), card_of(session, interview, bob)
    notes = {"financial_systems_design": "secret-evidence-from-alice"}
    assert _put(client, session, alice, a_card.id, {"ratings": FULL, "notes": notes}).status_code == 200
    assert _submit(client, session, alice, a_card.id).status_code == 200

    url = f"/api/v1/interviews/{interview.id}/scorecards"
    before = client.get(url, headers=bearer(session, bob))
    assert before.status_code == 200
    assert [c["id"] for c in before.json()] == [b_card.id]
    assert "secret-evidence-from-alice" not in before.text
    assert client.get(f"/api/v1/scorecards/{a_card.id}", headers=bearer(session, bob)).status_code == 404

    assert _put(client, session, bob, b_card.id, {"ratings": FULL}).status_code == 200
    assert _submit(client, session, bob, b_card.id).status_code == 200
    after = client.get(url, headers=bearer(session, bob)).json()
    seen = {c["interviewer"]: c for c in after}
    assert set(seen) == {alice.email, bob.email}
    assert seen[alice.email]["notes"] == notes and seen[alice.email]["ratings"] == FULL
    assert seen[alice.email]["round"] == "round_01" and seen[alice.email]["status"] == "submitted"


def test_list_managers_see_only_submitted_and_outsiders_get_404(client, session: Session) -> None:
    alice, bob = interviewers(session, 2)
    manager, outsider = make_user(session, role="hiring_manager"), make_user(session, role="interviewer")
    interview = interview_for(session, interviewers={"round_01": [alice, bob]})
    a_card = card_of(session, interview, alice)
    _put(client, session, alice, a_card.id, {"ratings": FULL})
    url = f"/api/v1/interviews/{interview.id}/scorecards"
    assert client.get(url, headers=bearer(session, manager)).json() == []
    _submit(client, session, alice, a_card.id)
    assert [c["id"] for c in client.get(url, headers=bearer(session, manager)).json()] == [a_card.id]
    assert client.get(url, headers=bearer(session, outsider)).status_code == 404
    assert client.get("/api/v1/interviews/nope/scorecards", headers=bearer(session, manager)).status_code == 404


def test_anonymous_gets_401_everywhere(client, session: Session) -> None:
    [alice] = interviewers(session, 1)
    interview = interview_for(session, interviewers={"round_01": [alice]})
    card = card_of(session, interview, alice)
    assert client.get(f"/api/v1/interviews/{interview.id}/scorecards").status_code == 401
    assert client.get(f"/api/v1/scorecards/{card.id}").status_code == 401
    assert client.put(f"/api/v1/scorecards/{card.id}", json={"ratings": FULL}).status_code == 401
    assert client.post(f"/api/v1/scorecards/{card.id}/submit").status_code == 401
    assert client.post(f"/api/v1/scorecards/{card.id}/amend", json={"reason": "x"}).status_code == 401


@pytest.mark.parametrize("body,loc", [
    ({"ratings": {"financial_systems_design": 6}}, ["body", "ratings", "financial_systems_design"]),
    ({"ratings": {"financial_systems_design": 0}}, ["body", "ratings", "financial_systems_design"]),
    ({"ratings": {"financial_systems_design": "3"}}, ["body", "ratings", "financial_systems_design"]),
    ({"ratings": {"not_a_competency": 3}}, ["body", "ratings", "not_a_competency"]),
    ({"notes": {"not_a_competency": "x"}}, ["body", "notes", "not_a_competency"]),
    ({"must_haves": {"python_production": "sort_of"}}, ["body", "must_haves", "python_production"]),
    ({"recommendation": "maybe"}, ["body", "recommendation"]),
])
def test_put_invalid_values_422(client, session: Session, body: dict, loc: list) -> None:
    [alice] = interviewers(session, 1)
    card = card_of(session, interview_for(session, interviewers={"round_01": [alice]}), alice)
    response = _put(client, session, alice, card.id, body)
    assert response.status_code == 422
    assert loc in [e["loc"][:len(loc)] for e in response.json()["errors"]]
    assert client.get(f"/api/v1/scorecards/{card.id}", headers=bearer(session, alice)).json()["ratings"] == {}


def test_put_competency_not_covered_by_round_422(client, session: Session) -> None:
    [alice] = interviewers(session, 1)
    card = card_of(session, interview_for(session, interviewers={"round_02": [alice]}), alice, "round_02")
    response = _put(client, session, alice, card.id, {"ratings": {"postgres_schema_design": 3}})
    assert response.status_code == 422
    assert "not covered" in response.json()["errors"][0]["msg"]


def test_put_someone_elses_scorecard_404_and_submitted_409(client, session: Session) -> None:
    alice, bob = interviewers(session, 2)
    manager = make_user(session, role="hiring_manager")
    interview = interview_for(session, interviewers={"round_01": [alice, bob]})
    a_card = card_of(session, interview, alice)
    assert _put(client, session, bob, a_card.id, {"ratings": FULL}).status_code == 404
    assert _put(client, session, manager, a_card.id, {"ratings": FULL}).status_code == 404
    assert _submit(client, session, bob, a_card.id).status_code == 404
    _put(client, session, alice, a_card.id, {"ratings": FULL, "recommendation": "yes"})
    assert _submit(client, session, alice, a_card.id).status_code == 200
    conflict = _put(client, session, alice, a_card.id, {"ratings": {"financial_systems_design": 4}})
    assert conflict.status_code == 409 and "amend" in conflict.json()["detail"]
    again = _submit(client, session, alice, a_card.id)
    assert again.status_code == 409 and "amend" in again.json()["detail"]


def test_put_is_partial_and_null_means_no_evidence(client, session: Session) -> None:
    [alice] = interviewers(session, 1)
    card = card_of(session, interview_for(session, interviewers={"round_01": [alice]}), alice)
    _put(client, session, alice, card.id, {"ratings": {"financial_systems_design": 3}})
    body = _put(client, session, alice, card.id, {"ratings": {"postgres_schema_design": None},
                                                 "must_haves": {"python_production": "met"}}).json()
    assert body["ratings"] == {"financial_systems_design": 3, "postgres_schema_design": None}
    assert body["must_haves"] == {"python_production": "met"} and body["status"] == "draft"


def test_submit_incomplete_422_with_errors_per_competency(client, session: Session) -> None:
    [alice] = interviewers(session, 1)
    card = card_of(session, interview_for(session, interviewers={"round_01": [alice]}), alice)
    _put(client, session, alice, card.id, {"ratings": {"financial_systems_design": 5, "production_ownership": 3}})
    response = _submit(client, session, alice, card.id)
    assert response.status_code == 422
    locs = {tuple(e["loc"]) for e in response.json()["errors"]}
    assert locs == {("notes", "financial_systems_design"), ("ratings", "distributed_systems_reliability"),
                    ("ratings", "postgres_schema_design"), ("ratings", "fastapi_kafka_systems")}


def test_amend_requires_reason_and_returns_latest_values(client, session: Session) -> None:
    [alice] = interviewers(session, 1)
    card = card_of(session, interview_for(session, interviewers={"round_01": [alice]}), alice)
    _put(client, session, alice, card.id, {"ratings": FULL})
    _submit(client, session, alice, card.id)
    url = f"/api/v1/scorecards/{card.id}/amend"
    for body in ({"ratings": {"production_ownership": 3}}, {"ratings": {"production_ownership": 3}, "reason": "  "}):
        assert client.post(url, json=body, headers=bearer(session, alice)).status_code == 422
    response = client.post(url, json={"ratings": {"production_ownership": 3}, "reason": "misread the incident answer"},
                           headers=bearer(session, alice))
    assert response.status_code == 200
    assert response.json()["changes"] == [{"field": "ratings.production_ownership", "old": 2, "new": 3}]
    latest = client.get(f"/api/v1/scorecards/{card.id}", headers=bearer(session, alice)).json()
    assert latest["ratings"]["production_ownership"] == 3 and latest["status"] == "submitted"


def test_put_with_session_cookie_needs_csrf_header(client, session: Session) -> None:
    [alice] = interviewers(session, 1)
    card = card_of(session, interview_for(session, interviewers={"round_01": [alice]}), alice)
    sign_in(client, alice)
    url = f"/api/v1/scorecards/{card.id}"
    assert client.put(url, json={"ratings": {"financial_systems_design": 3}}).status_code == 403
    ok = client.put(url, json={"ratings": {"financial_systems_design": 3}}, headers={"X-CSRF-Token": csrf(client)})
    assert ok.status_code == 200 and ok.json()["ratings"] == {"financial_systems_design": 3}


JSON_VALUES = st.one_of(st.none(), st.booleans(), st.integers(-10, 10), st.text(max_size=5),
                        st.lists(st.integers(), max_size=2))


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(ratings=st.dictionaries(st.sampled_from([*FULL, "nope", ""]), JSON_VALUES, max_size=4),
       must=st.dictionaries(st.sampled_from(["python_production", "x"]), JSON_VALUES, max_size=2),
       recommendation=JSON_VALUES)
def test_put_any_body_is_saved_or_refused_never_an_error(client, session: Session, ratings, must,  # type: ignore[no-untyped-def]
                                                          recommendation) -> None:
    user = session.exec(select(User).where(User.email == "fuzz-scorer@example.test")).first() or \
        make_user(session, role="interviewer", email="fuzz-scorer@example.test")
    interview = interview_for(session, interviewers={"round_01": [user]})
    card = card_of(session, interview, user)
    body = {"ratings": ratings, "must_haves": must, "recommendation": recommendation}
    response = _put(client, session, user, card.id, body)
    assert response.status_code in (200, 422), response.text
    valid = all(v is None or (type(v) is int and 1 <= v <= 5) for v in ratings.values()) and set(ratings) <= set(FULL) \
        and all(k == "python_production" and v in ("met", "not_met", "not_assessed") for k, v in must.items()) \
        and recommendation in (None, "strong_no", "no", "yes", "strong_yes")
    assert (response.status_code == 200) == valid
