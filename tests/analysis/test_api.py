"""Question analysis through the API and the page, on the hand-computed interviews of
tests/scoring/question_case.py written into the database."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from tests.analysis.helpers import build, hand_case
from tests.factories import bearer, make_user, sign_in
from tests.scoring.question_case import EXPECTED

URL = "/api/v1/job-specs/{slug}/questions/analysis"


def test_analysis_api_matches_the_hand_computed_case(client: TestClient, session: Session) -> None:
    spec = build(session, *hand_case(), slug="hand-computed")
    headers = bearer(session, make_user(session))
    session.commit()
    response = client.get(URL.format(slug=spec.slug), headers=headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["slug"] == "hand-computed" and body["computed_at"]
    by_id = {q["id"]: q for q in body["questions"]}
    assert set(by_id) == set(EXPECTED)
    for qid, expected in EXPECTED.items():
        for key, value in expected.items():
            got = by_id[qid][key]
            assert got == (pytest.approx(value, abs=1e-6) if isinstance(value, float) else value), (qid, key)
    assert [q["id"] for q in body["questions"]][0] == "q2"  # flagged first
    q2 = by_id["q2"]
    assert q2["round"] == "r1" and q2["competencies"] == ["b"] and q2["text"].startswith("Question q2")
    assert q2["replace_url"] == "/specs/hand-computed/questions?replace=q2"


def test_analysis_is_for_managers(client: TestClient, session: Session) -> None:
    spec = build(session, *hand_case())
    interviewer = bearer(session, make_user(session, role="interviewer"))
    session.commit()
    assert client.get(URL.format(slug=spec.slug), headers=interviewer).status_code == 403
    assert client.get(URL.format(slug=spec.slug)).status_code == 401
    manager = bearer(session, make_user(session))
    session.commit()
    assert client.get(URL.format(slug="no-such-spec"), headers=manager).status_code == 404


def test_analysis_of_a_spec_without_interviews_is_empty(client: TestClient, session: Session) -> None:
    headers = bearer(session, make_user(session))
    session.commit()
    body = client.get(URL.format(slug="senior-backend-payments"), headers=headers).json()
    assert body["questions"] == []


def test_analysis_page_flags_and_links_to_the_editor(client: TestClient, session: Session) -> None:
    spec = build(session, *hand_case(), slug="hand-page")
    manager = make_user(session)
    session.commit()
    sign_in(client, manager)
    page = client.get(f"/specs/{spec.slug}/questions/analysis")
    assert page.status_code == 200
    row = re.search(r'<tr data-question="q2" class="flagged">(.*?)</tr>', page.text, re.S).group(1)
    assert "0.18" in row and "review" in row and "33%" in row and "2.5 min" in row
    assert 'href="/specs/hand-page/questions?replace=q2"' in row
    q4 = re.search(r'<tr data-question="q4">(.*?)</tr>', page.text, re.S).group(1)
    assert "3 of 5" in q4 and "67" in q4
    assert "No interviewer has compared" in page.text
    editor = client.get("/specs/hand-page/questions?replace=q2")
    assert editor.status_code == 200 and "Replace question 2" in editor.text
