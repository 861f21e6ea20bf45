"""The candidate's transparency page on their link: what is assessed with which weights, how the
score is formed, their accommodation, and how to ask for their data or its deletion."""

from __future__ import annotations

import html

from app.interviews.service import interview_content
from tests.factories import make_interview, make_user


def test_transparency_page_explains_the_assessment(client, session):
    manager = make_user(session, name="Rhea Contact")
    created = make_interview(session, spec_slug="senior-backend-payments", time_factor=1.5, actor=manager)
    content = interview_content(session, created.interview)
    session.commit()
    landing = client.get(f"/take/{created.token}")
    assert f"/take/{created.token}/about" in landing.text
    page = client.get(f"/take/{created.token}/about")
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    for competency in content.competencies:
        assert html.escape(competency.name) in page.text and f"{competency.weight * 100:.0f}%" in page.text
    assert "Meets the bar for this level" in page.text and "(mean − 1) ÷ 4 × 100" in page.text
    assert "× 1.5" in page.text  # their accommodation
    assert "type your answers instead" in page.text  # seed 002's Round 02 is spoken
    assert "Rhea Contact" in page.text and manager.email in page.text
    assert "deleted" in page.text


def test_transparency_page_needs_a_live_link(client, session):
    assert client.get("/take/" + "x" * 43 + "/about").status_code == 404
