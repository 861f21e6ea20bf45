"""Scores, dashboards and reliability through the JSON API, against hand-computed figures."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.models import Scorecard, utcnow
from tests.dashboard.helpers import SPEC, add_scorecard, run_aggregates, scored_interview
from tests.factories import bearer, make_interview, make_user

ALL = ["financial_systems_design", "distributed_systems_reliability", "postgres_schema_design",
       "production_ownership", "fastapi_kafka_systems"]
REQUIRED = ["python_production", "postgres_transactional_sql", "distributed_systems_fundamentals",
            "production_incident_ownership"]


def test_score_api_weighted_overall_final_when_complete_and_fully_covered(client: TestClient, session: Session) -> None:
    # fsd 4,5 → 87.5; dsr 3,3 → 50; psd 2 → 25; po 5 → 100; fks 1 → 0
    a = {"financial_systems_design": 4, "distributed_systems_reliability": 3, "postgres_schema_design": 2,
         "production_ownership": 5, "fastapi_kafka_systems": 1}
    b = {"financial_systems_design": 5, "distributed_systems_reliability": 3}
    interview = scored_interview(session, [{"ratings": a, "must_haves": dict.fromkeys(REQUIRED, "met")},
                                           {"ratings": b}])
    body = client.get(f"/api/v1/interviews/{interview.id}/score", headers=bearer(session, make_user(session))).json()
    expected = 0.30 * 87.5 + 0.25 * 50 + 0.20 * 25 + 0.15 * 100 + 0.10 * 0
    assert body["overall"] == pytest.approx(expected, abs=0.05)
    assert body["status"] == "final"
    assert body["coverage"] == pytest.approx(1.0)
    assert body["knocked_out"] is False
    assert body["competencies"]["financial_systems_design"] == {**body["competencies"]["financial_systems_design"],
                                                               "score": pytest.approx(87.5), "n": 2}
    assert body["competencies"]["financial_systems_design"]["band"] is not None
    assert body["competencies"]["production_ownership"]["band"] is None
    assert body["must_haves"]["python_production"] == "met"
    assert body["level_estimate"]["level"] in ("senior", "mid", "staff")
    assert body["adjusted_overall"] is not None


def test_score_api_provisional_with_partial_coverage_and_no_evidence_not_a_one(client: TestClient,
                                                                              session: Session) -> None:
    ratings = {"financial_systems_design": 3, "distributed_systems_reliability": 5, "postgres_schema_design": None}
    interview = scored_interview(session, [{"ratings": ratings}])
    body = client.get(f"/api/v1/interviews/{interview.id}/score", headers=bearer(session, make_user(session))).json()
    assert body["coverage"] == pytest.approx(0.55)
    assert body["overall"] == pytest.approx((0.30 * 50 + 0.25 * 100) / 0.55, abs=0.05)  # 72.73
    assert body["status"] == "provisional"
    assert body["competencies"]["postgres_schema_design"] == {**body["competencies"]["postgres_schema_design"],
                                                             "score": None, "n": 0}


def test_score_api_unfinished_interview_is_provisional_even_when_fully_rated(client: TestClient,
                                                                             session: Session) -> None:
    interview = scored_interview(session, [{"ratings": dict.fromkeys(ALL, 3)}], completed=False)
    body = client.get(f"/api/v1/interviews/{interview.id}/score", headers=bearer(session, make_user(session))).json()
    assert (body["overall"], body["status"], body["coverage"]) == (pytest.approx(50.0), "provisional", pytest.approx(1.0))


def test_score_api_knocked_out_when_required_must_have_not_met_and_tie_unresolved(client: TestClient,
                                                                                 session: Session) -> None:
    interview = scored_interview(session, [
        {"ratings": dict.fromkeys(ALL, 4), "must_haves": {"python_production": "not_met", "postgres_transactional_sql": "met"}},
        {"ratings": dict.fromkeys(ALL, 4), "must_haves": {"python_production": "not_met", "postgres_transactional_sql": "not_met"}},
        {"ratings": dict.fromkeys(ALL, 4), "must_haves": {"python_production": "met", "postgres_transactional_sql": "met",
                                                          "distributed_systems_fundamentals": "not_assessed"}},
    ])
    body = client.get(f"/api/v1/interviews/{interview.id}/score", headers=bearer(session, make_user(session))).json()
    assert body["knocked_out"] is True
    assert body["must_haves"]["python_production"] == "failed"
    assert body["must_haves"]["postgres_transactional_sql"] == "met"
    assert body["must_haves"]["distributed_systems_fundamentals"] == "not_assessed"
    assert body["overall"] == pytest.approx(75.0)


def test_score_api_tie_on_required_must_have_is_unresolved_not_knocked_out(client: TestClient, session: Session) -> None:
    interview = scored_interview(session, [{"must_haves": {"python_production": "met"}},
                                           {"must_haves": {"python_production": "not_met"}}])
    body = client.get(f"/api/v1/interviews/{interview.id}/score", headers=bearer(session, make_user(session))).json()
    assert body["must_haves"]["python_production"] == "unresolved"
    assert body["knocked_out"] is False
    assert body["overall"] is None and body["coverage"] == 0


def test_score_api_draft_scorecards_do_not_count(client: TestClient, session: Session) -> None:
    interview = scored_interview(session, [{"ratings": {"financial_systems_design": 5}},
                                           {"ratings": {"financial_systems_design": 1}, "submitted": False}])
    body = client.get(f"/api/v1/interviews/{interview.id}/score", headers=bearer(session, make_user(session))).json()
    assert body["competencies"]["financial_systems_design"]["n"] == 1
    assert body["overall"] == pytest.approx(100.0)


def test_dashboard_api_hand_computed_counts_completion_averages_and_n(client: TestClient, session: Session) -> None:
    # A: fsd 3 → 50, dsr 5 → 100: overall (15 + 25) / .55 = 72.73
    scored_interview(session, [{"ratings": {"financial_systems_design": 3, "distributed_systems_reliability": 5}}])
    # B: all 4 → 75
    scored_interview(session, [{"ratings": dict.fromkeys(ALL, 4)}])
    # C, D: unfinished (one rated, one untouched)
    scored_interview(session, [{"ratings": dict.fromkeys(ALL, 5)}], completed=False)
    make_interview(session)
    body = client.get(f"/api/v1/job-specs/{SPEC}/dashboard", headers=bearer(session, make_user(session))).json()
    assert (body["interviews"], body["completed"]) == (4, 2)
    assert body["completion_rate"] == pytest.approx(0.5)
    assert body["avg_score"] == pytest.approx((72.727 + 75) / 2, abs=0.05)
    comp = {c["id"]: c for c in body["competencies"]}
    assert list(comp) == ALL
    assert comp["financial_systems_design"] == {"id": "financial_systems_design", "name": "Financial Systems Design",
                                                "weight": 0.30, "avg_score": pytest.approx(62.5), "n": 2}
    assert comp["distributed_systems_reliability"]["avg_score"] == pytest.approx(87.5)
    assert comp["postgres_schema_design"]["n"] == 1
    assert comp["postgres_schema_design"]["avg_score"] == pytest.approx(75.0)


def test_reliability_api_reports_iccs_and_leniency(client: TestClient, session: Session) -> None:
    lenient, severe = make_user(session, role="interviewer"), make_user(session, role="interviewer")
    for base in (2, 3, 4):
        scored_interview(session, [{"interviewer": lenient, "ratings": {"financial_systems_design": base + 1}},
                                   {"interviewer": severe, "ratings": {"financial_systems_design": base}}])
    headers = bearer(session, make_user(session))
    assert client.get(f"/api/v1/job-specs/{SPEC}/reliability", headers=headers).json()["computed_at"] is None
    run_aggregates(session)
    body = client.get(f"/api/v1/job-specs/{SPEC}/reliability", headers=headers).json()
    assert body["computed_at"] is not None
    fsd = next(c for c in body["competencies"] if c["id"] == "financial_systems_design")
    assert (fsd["targets"], fsd["raters"]) == (3, 2)
    assert fsd["icc"]["ICC(3,1)"] == pytest.approx(1.0)
    raters = {r["rater"]: r for r in body["leniency"]}
    assert raters[lenient.email] == {"rater": lenient.email, "leniency": pytest.approx(1.0), "n": 3}
    assert raters[severe.email]["leniency"] == pytest.approx(-1.0)


def test_score_api_interviewer_sees_only_after_submitting_own_scorecard(client: TestClient, session: Session) -> None:
    mine, other = make_user(session, role="interviewer"), make_user(session, role="interviewer")
    interview = scored_interview(session, [{"interviewer": mine, "submitted": False, "ratings": {"financial_systems_design": 4}}])
    url = f"/api/v1/interviews/{interview.id}/score"
    mine_h, other_h = bearer(session, mine), bearer(session, other)
    session.commit()  # a refused request rolls back what it did not commit
    assert client.get(url, headers=mine_h).status_code == 403
    assert client.get(url, headers=other_h).status_code == 404
    add_scorecard(session, interview, interviewer=mine, round_key="round_02", ratings={"distributed_systems_reliability": 3})
    session.commit()
    assert client.get(url, headers=mine_h).status_code == 403  # one of their two scorecards is still a draft
    draft = session.exec(select(Scorecard).where(Scorecard.interview_id == interview.id,
                                                 Scorecard.status == "draft")).one()
    draft.status, draft.submitted_at = "submitted", utcnow()
    session.add(draft)
    session.flush()
    assert client.get(url, headers=mine_h).status_code == 200


def test_dashboard_and_reliability_api_are_for_managers_only(client: TestClient, session: Session) -> None:
    interviewer = bearer(session, make_user(session, role="interviewer"))
    admin = bearer(session, make_user(session, role="admin"))
    session.commit()
    for path in ("dashboard", "reliability"):
        assert client.get(f"/api/v1/job-specs/{SPEC}/{path}", headers=interviewer).status_code == 403
        assert client.get(f"/api/v1/job-specs/{SPEC}/{path}").status_code == 401
        assert client.get(f"/api/v1/job-specs/no-such-spec/{path}", headers=admin).status_code == 404


def test_score_api_unknown_interview_is_404(client: TestClient, session: Session) -> None:
    headers = bearer(session, make_user(session))
    session.commit()
    assert client.get("/api/v1/interviews/nope/score", headers=headers).status_code == 404
