"""Dashboard pages: cards, charts, ranking, fragments, CSV, what-if, candidate detail, roles."""

from __future__ import annotations

import csv
import io

from fastapi.testclient import TestClient
from sqlmodel import Session

from tests.dashboard.helpers import SPEC, scored_interview
from tests.factories import bearer, make_candidate, make_user

HTMX = {"HX-Request": "true"}


def _two_candidates(session: Session):  # type: ignore[no-untyped-def]
    # Ada: strong design (5), weak reliability (1); Bob: the opposite. Real weights favour design.
    ada = scored_interview(session, [{"ratings": {"financial_systems_design": 5, "distributed_systems_reliability": 1},
                                      "recommendation": "strong_yes",
                                      "notes": {"financial_systems_design": "Designed a ledger with reversals."}}])
    bob = scored_interview(session, [{"ratings": {"financial_systems_design": 1, "distributed_systems_reliability": 5},
                                      "must_haves": {"python_production": "not_met"}, "recommendation": "no"}])
    ada_c, bob_c = make_candidate(session, name="Ada Lovelace"), make_candidate(session, name="=Bob Tables")
    ada.candidate_id, bob.candidate_id = ada_c.id, bob_c.id
    session.add_all([ada, bob])
    session.flush()
    return ada, bob


def test_dashboard_page_shows_cards_charts_ranking_and_reliability(client: TestClient, session: Session) -> None:
    ada, bob = _two_candidates(session)
    page = client.get(f"/specs/{SPEC}/dashboard", headers=bearer(session, make_user(session)))
    assert page.status_code == 200
    html = page.text
    for text in ("Live performance", "Aggregated from candidates who took this job spec.", "Avg score per competency",
                 "weight 0.30", "Candidate ranking", "Reliability", "Rater leniency", "What if", "<svg",
                 f'sse-connect="/specs/{SPEC}/events?view=dashboard"', 'hx-trigger="every 30s"'):
        assert text in html, text
    assert html.index("Ada Lovelace") < html.index("=Bob Tables")  # Bob is knocked out and lower
    assert "knocked out" in html
    assert " style=" not in html and "<script>" not in html


def test_dashboard_fragment_part_renders_only_that_block(client: TestClient, session: Session) -> None:
    headers = {**bearer(session, make_user(session)), **HTMX}
    part = client.get(f"/specs/{SPEC}/dashboard?part=ranking", headers=headers).text
    assert 'id="ranking"' in part and "<html" not in part and 'id="charts"' not in part
    live = client.get(f"/specs/{SPEC}/live", headers=headers).text
    assert live.lstrip().startswith('<section id="live-performance"')


def test_dashboard_csv_lists_the_ranking_without_formulas(client: TestClient, session: Session) -> None:
    _two_candidates(session)
    response = client.get(f"/specs/{SPEC}/dashboard.csv", headers=bearer(session, make_user(session)))
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [r["candidate"] for r in rows] == ["Ada Lovelace", "'=Bob Tables"]
    assert rows[0]["overall"] == f"{(0.30 * 100 + 0.25 * 0) / 0.55:.2f}"
    assert rows[0]["status"] == "provisional" and rows[1]["knocked_out"] == "yes"
    assert rows[0]["recommendations"] == "strong_yes:1"


def test_what_if_reranks_without_saving(client: TestClient, session: Session) -> None:
    # Real weights: Ada (design 5, reliability 1) 54.5 above Cy (design 1, reliability 5) 45.5.
    for name, fsd, dsr in (("Ada Lovelace", 5, 1), ("Cy Young", 1, 5)):
        interview = scored_interview(session, [{"ratings": {"financial_systems_design": fsd,
                                                            "distributed_systems_reliability": dsr}}])
        interview.candidate_id = make_candidate(session, name=name).id
    session.flush()
    headers = {**bearer(session, make_user(session)), **HTMX}
    query = "w_financial_systems_design=0.05&w_distributed_systems_reliability=1&w_postgres_schema_design=0"
    html = client.get(f"/specs/{SPEC}/dashboard/what-if?{query}", headers=headers).text
    assert "<html" not in html
    assert html.index("Cy Young") < html.index("Ada Lovelace")
    assert f"{100 / 1.05:.1f}" in html and "▲ 1" in html and "▼ 1" in html
    again = client.get(f"/api/v1/job-specs/{SPEC}/dashboard", headers=headers).json()
    assert again["competencies"][0]["weight"] == 0.30  # nothing stored
    page = client.get(f"/specs/{SPEC}/dashboard", headers=bearer(session, make_user(session))).text
    assert page.index("Ada Lovelace") < page.index("Cy Young")


def test_what_if_all_zero_weights_asks_for_a_weight(client: TestClient, session: Session) -> None:
    headers = {**bearer(session, make_user(session)), **HTMX}
    zeros = "&".join(f"w_{c}=0" for c in ("financial_systems_design", "distributed_systems_reliability",
                                          "postgres_schema_design", "production_ownership", "fastapi_kafka_systems"))
    html = client.get(f"/specs/{SPEC}/dashboard/what-if?{zeros}", headers=headers).text
    assert "at least one competency" in html
    assert client.get(f"/specs/{SPEC}/dashboard/what-if?w_financial_systems_design=abc", headers=headers).status_code == 200


def test_candidate_detail_shows_bands_raters_must_haves_notes_and_level(client: TestClient, session: Session) -> None:
    one, two = make_user(session, role="interviewer"), make_user(session, role="interviewer")
    interview = scored_interview(session, [
        {"interviewer": one, "ratings": {"financial_systems_design": 4, "production_ownership": None},
         "notes": {"financial_systems_design": "Clear idempotency keys."}, "must_haves": {"python_production": "met"}},
        {"interviewer": two, "ratings": {"financial_systems_design": 5}, "must_haves": {"python_production": "not_met"}}])
    html = client.get(f"/specs/{SPEC}/dashboard/interviews/{interview.id}", headers=bearer(session, make_user(session))).text
    for text in ("87.5", one.email, two.email, "Clear idempotency keys.", "unresolved", "no evidence", "Level estimate",
                 "Leniency-adjusted"):
        assert text in html, text


def test_dashboard_pages_are_for_managers_interviewer_detail_after_submitting(client: TestClient,
                                                                              session: Session) -> None:
    interviewer = make_user(session, role="interviewer")
    interview = scored_interview(session, [{"interviewer": interviewer, "ratings": {"financial_systems_design": 3}}])
    headers = bearer(session, interviewer)
    session.commit()
    for path in ("dashboard", "dashboard.csv", "live", "dashboard/what-if", "events"):
        assert client.get(f"/specs/{SPEC}/{path}", headers=headers).status_code == 403, path
    assert client.get(f"/specs/{SPEC}/dashboard/interviews/{interview.id}", headers=headers).status_code == 200
    assert client.get(f"/specs/{SPEC}/dashboard", follow_redirects=False).status_code == 303
