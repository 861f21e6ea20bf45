"""The ranking, the interviews list and the candidates list page by cursor: complete and stable
(every row there when paging began appears exactly once, while new ones arrive between pages), in
every sort and filter; the page, "more", the API and the streamed CSV."""

from __future__ import annotations

import csv
import io
import random

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.specs.service import get_spec
from tests.dashboard.helpers import SPEC, scored_interview
from tests.factories import bearer, make_candidate, make_interview, make_user

HTMX = {"HX-Request": "true"}
ALL = ["financial_systems_design", "distributed_systems_reliability", "postgres_schema_design",
       "production_ownership", "fastapi_kafka_systems"]


def _random_interview(session: Session, rng: random.Random) -> str:
    ratings = {cid: rng.choice((None, 1, 2, 3, 3, 4, 5)) for cid in rng.sample(ALL, rng.randint(0, 5))}
    cards = [{"ratings": ratings, "must_haves": {"python_production": rng.choice(("met", "met", "not_met"))}}]
    interview = scored_interview(session, cards, completed=rng.random() < 0.7)
    interview.candidate_id = make_candidate(session, name=f"Person {rng.randint(0, 20)}").id
    session.add(interview)
    session.flush()
    return interview.id


def _walk(fetch, arrive) -> list[str]:  # type: ignore[no-untyped-def]
    """Every id over all pages, with `arrive()` called between pages."""
    seen, cursor = [], ""
    while True:
        ids, cursor = fetch(cursor)
        seen += ids
        if cursor is None:
            return seen
        arrive()


@pytest.mark.parametrize("query", ["", "sort=adjusted", "sort=coverage", "sort=date", "sort=overall&order=asc",
                                   "sort=date&order=asc", "status=completed", "knocked_out=no", "status=final"])
def test_ranking_api_pages_are_complete_and_stable_while_interviews_arrive(client: TestClient, session: Session,
                                                                           query: str) -> None:
    rng = random.Random(hash(query) & 0xFFFF)
    before = {_random_interview(session, rng) for _ in range(23)}
    headers = bearer(session, make_user(session))
    arrived: set[str] = set()

    def fetch(cursor: str):  # type: ignore[no-untyped-def]
        response = client.get(f"/api/v1/job-specs/{SPEC}/ranking?{query}&limit=4&cursor={cursor}", headers=headers)
        assert response.status_code == 200, response.text
        body = response.json()
        return [row["interview_id"] for row in body["items"]], body["next_cursor"]

    everything = _walk(fetch, lambda: arrived.add(_random_interview(session, rng)))
    mine = [i for i in everything if i in before]
    expected = set(_walk(fetch, lambda: None)) & before  # what the filter keeps, read again
    assert len(everything) == len(set(everything)), "an interview appeared twice"
    assert sorted(mine) == sorted(expected), "an interview that was there from the start was skipped"
    if not query:
        assert len(expected) == len(before)


def test_ranking_api_sorts_best_first_and_filters(client: TestClient, session: Session) -> None:
    strong = scored_interview(session, [{"ratings": dict.fromkeys(ALL, 5)}])
    weak = scored_interview(session, [{"ratings": dict.fromkeys(ALL, 2)}], completed=False)
    out = scored_interview(session, [{"ratings": dict.fromkeys(ALL, 5), "must_haves": {"python_production": "not_met"}}])
    unscored = make_interview(session).interview
    headers = bearer(session, make_user(session))
    url = f"/api/v1/job-specs/{SPEC}/ranking?limit=200"
    ids = [r["interview_id"] for r in client.get(url, headers=headers).json()["items"]]
    mine = [i for i in ids if i in {strong.id, weak.id, out.id, unscored.id}]
    assert mine == [strong.id, weak.id, out.id, unscored.id]
    row = next(r for r in client.get(url, headers=headers).json()["items"] if r["interview_id"] == strong.id)
    assert (row["overall"], row["status"], row["coverage"], row["knocked_out"]) == (pytest.approx(100.0), "final",
                                                                                   pytest.approx(1.0), False)
    assert row["scorecards"] == "1/1" and row["version"].startswith("v")
    for query, kept, dropped in (("status=in_progress", weak, strong), ("knocked_out=yes", out, strong),
                                 ("status=provisional", weak, strong)):
        found = {r["interview_id"] for r in client.get(f"{url}&{query}", headers=headers).json()["items"]}
        assert kept.id in found and dropped.id not in found, query
    assert client.get(f"{url}&sort=nonsense", headers=headers).status_code == 422
    assert client.get(f"/api/v1/job-specs/{SPEC}/ranking?limit=201", headers=headers).status_code == 422
    garbage = client.get(f"{url}&cursor=not-a-cursor", headers=headers)
    assert garbage.status_code == 200  # an unreadable cursor starts over


def test_dashboard_page_shows_fifty_and_more_loads_the_next(client: TestClient, session: Session) -> None:
    rng = random.Random(5)
    for _ in range(53):
        _random_interview(session, rng)
    headers = bearer(session, make_user(session))
    page = client.get(f"/specs/{SPEC}/dashboard", headers=headers).text
    assert page.count("<tr data-interview=") == 50 and "More</a>" in page
    more = page.split('class="more-row"')[1].split('hx-get="')[1].split('"')[0].replace("&amp;", "&")
    assert more.startswith(f"/specs/{SPEC}/dashboard/ranking?cursor=")
    rest = client.get(more, headers={**headers, **HTMX}).text
    assert "<html" not in rest and rest.count("<tr data-interview=") >= 3
    assert "<td>51</td>" in rest
    plain = client.get(more, headers=headers).text  # followed without htmx: the whole page around those rows
    assert "<html" in plain and "<td>51</td>" in plain
    sorted_page = client.get(f"/specs/{SPEC}/dashboard?sort=coverage&order=asc", headers=headers).text
    assert '<option value="coverage" selected>' in sorted_page


def test_csv_export_streams_every_row_once(client: TestClient, session: Session) -> None:
    from app.dashboard import views
    rng = random.Random(9)
    made = {_random_interview(session, rng) for _ in range(12)}
    headers = bearer(session, make_user(session))
    views_page, views.CSV_PAGE = views.CSV_PAGE, 5  # several pages in one export
    try:
        with client.stream("GET", f"/specs/{SPEC}/dashboard.csv", headers=headers) as response:
            assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
            body = "".join(response.iter_text())
    finally:
        views.CSV_PAGE = views_page
    rows = list(csv.DictReader(io.StringIO(body)))
    ids = [r["interview_id"] for r in rows]
    assert len(ids) == len(set(ids)) and made <= set(ids)
    assert [int(r["rank"]) for r in rows] == list(range(1, len(rows) + 1))


def test_interviews_api_pages_search_and_sort(client: TestClient, session: Session) -> None:
    spec = get_spec(session, SPEC)
    made = []
    for n in range(9):
        candidate = make_candidate(session, name=f"Zelda Quux {n}" if n % 3 == 0 else f"Other {n}")
        made.append(make_interview(session, candidate=candidate).interview.id)
    headers = bearer(session, make_user(session))
    arrivals: list[str] = []

    def fetch(query: str):  # type: ignore[no-untyped-def]
        def one(cursor: str):  # type: ignore[no-untyped-def]
            body = client.get(f"/api/v1/interviews?{query}&limit=2&cursor={cursor}", headers=headers).json()
            return [i["id"] for i in body["items"]], body["next_cursor"]
        return one

    arrive = lambda: arrivals.append(make_interview(session).interview.id)  # noqa: E731
    for query in (f"job_spec={SPEC}", f"job_spec={SPEC}&sort=oldest"):
        seen = _walk(fetch(query), arrive)
        assert len(seen) == len(set(seen)) and set(made) <= set(seen), query
    found = _walk(fetch("q=zelda quux"), arrive)
    assert set(found) == {made[0], made[3], made[6]}
    body = client.get(f"/api/v1/interviews?q=ZELDA&job_spec={SPEC}&status=invited", headers=headers).json()
    assert {i["id"] for i in body["items"]} == {made[0], made[3], made[6]}
    item = body["items"][0]
    assert item["job_spec"] == SPEC and item["status"] == "invited" and item["candidate"]["name"].startswith("Zelda")
    other = client.get(f"/api/v1/interviews?q=zelda&job_spec={spec.slug}-nope", headers=headers).json()
    assert other == {"items": [], "next_cursor": None}


def test_candidates_api_and_page_page_by_cursor_with_search(client: TestClient, session: Session) -> None:
    made = {make_candidate(session, name=f"Ingrid Paged {n}", email=f"ingrid{n}@paged.example.test").id
            for n in range(7)}
    make_candidate(session, name="Someone Else")
    headers = bearer(session, make_user(session))

    def fetch(cursor: str):  # type: ignore[no-untyped-def]
        body = client.get(f"/api/v1/candidates?q=PAGED.example&limit=3&cursor={cursor}", headers=headers).json()
        return [c["id"] for c in body["items"]], body["next_cursor"]

    seen = _walk(fetch, lambda: make_candidate(session, name="Ingrid Paged late", email="late@paged.example.test"))
    assert len(seen) == len(set(seen)) and made <= set(seen)
    assert client.get("/api/v1/candidates?q=_", headers=headers).status_code == 200  # a wildcard is a letter
    page = client.get("/candidates?q=Ingrid+Paged", headers=headers).text
    assert page.count("Ingrid Paged") >= 7
