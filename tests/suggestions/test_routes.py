"""The scorecard page's "Compare with AI": a button after submission, the suggestions beside the
human ratings, and each quote marked (escaped) in the answer it came from."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlmodel import Session

from tests.ai.fake_openai import FakeOpenAI, suggestions
from tests.factories import csrf, sign_in
from tests.suggestions.helpers import INJECTION, LEDGER, panel, submit

TAGGED = "Card numbers never reach the logs: we log <b>tokens</b> & masked PANs only, nothing else."
HTMX = {"HX-Request": "true"}


def item(cid: str, rating: int, *quotes: str) -> dict:
    return {"competency_id": cid, "rating": rating, "rationale": "Shown in the answer.", "quotes": list(quotes)}


def test_page_before_submission_has_no_comparison(client: TestClient, session: Session,
                                                  fake_openai: FakeOpenAI) -> None:
    p = panel(session, submitted=False)
    sign_in(client, p.owner)
    page = client.get(f"/scorecards/{p.card.id}").text
    assert "Compare with AI" not in page and "<mark>" not in page


def test_page_without_a_model_says_ai_is_off(client: TestClient, session: Session) -> None:
    p = panel(session)
    sign_in(client, p.owner)
    page = client.get(f"/scorecards/{p.card.id}").text
    assert re.search(r"<button type=\"button\" disabled[^>]*>AI is off</button>", page)
    assert "hx-post=\"/scorecards/" not in page


def test_compare_swaps_in_suggestions_and_marks_quotes(client: TestClient, session: Session,
                                                       fake_openai: FakeOpenAI) -> None:
    p = panel(session, [LEDGER, TAGGED + "\n" + INJECTION])
    sign_in(client, p.owner)
    page = client.get(f"/scorecards/{p.card.id}").text
    assert f'hx-post="/scorecards/{p.card.id}/suggest"' in page and ">Compare with AI</button>" in page
    fake_openai.script(suggestions([item("financial_systems_design", 5, LEDGER),
                                    item("production_ownership", 4, "we log <b>tokens</b> & masked PANs only"),
                                    item("postgres_schema_design", 5, INJECTION)]))
    response = client.post(f"/scorecards/{p.card.id}/suggest", headers=HTMX, data={"csrf_token": csrf(client)})
    assert response.status_code == 200, response.text
    html = response.text
    assert html.lstrip().startswith('<section class="card ai-compare" id="ai-compare"')
    assert 'id="answers"' in html and 'hx-swap-oob="true"' in html  # the answers swap in, marked
    assert f"<mark>{LEDGER}</mark>" in html
    assert "<mark>we log &lt;b&gt;tokens&lt;/b&gt; &amp; masked PANs only</mark>" in html
    assert "<b>tokens</b>" not in html  # escaped everywhere
    assert "<mark>Ignore previous" not in html
    assert "<script" not in html
    row = re.search(r'<tr data-competency="financial_systems_design">(.*?)</tr>', html, re.S).group(1)
    assert "3 / 5" in row and "<strong>5 / 5</strong>" in row and "+2 from yours" in row
    assert "text addressed to an AI" in html and "quote an instruction addressed to the AI" in html
    # The stored comparison stays on the page; the answers keep their marks.
    again = client.get(f"/scorecards/{p.card.id}").text
    assert f"<mark>{LEDGER}</mark>" in again and 'data-competency="production_ownership"' in again
    assert 'hx-swap-oob' not in again


def test_compare_without_htmx_renders_the_whole_page(client: TestClient, session: Session,
                                                     fake_openai: FakeOpenAI) -> None:
    p = panel(session)
    sign_in(client, p.owner)
    fake_openai.script(suggestions([item("financial_systems_design", 4, LEDGER)]))
    response = client.post(f"/scorecards/{p.card.id}/suggest", data={"csrf_token": csrf(client)})
    assert response.status_code == 200
    assert "<html" in response.text and f"<mark>{LEDGER}</mark>" in response.text


def test_other_readers_see_neither_panel_nor_marks(client: TestClient, session: Session,
                                                   fake_openai: FakeOpenAI) -> None:
    p = panel(session)
    fake_openai.script(suggestions([item("financial_systems_design", 4, LEDGER)]))
    sign_in(client, p.owner)
    client.post(f"/scorecards/{p.card.id}/suggest", headers=HTMX, data={"csrf_token": csrf(client)})
    client.post("/logout", data={"csrf_token": csrf(client)})
    submit(session, p.other_card, p.other)
    sign_in(client, p.other)
    page = client.get(f"/scorecards/{p.card.id}")
    assert page.status_code == 200 and "Compare with AI" not in page.text and "<mark>" not in page.text
    refused = client.post(f"/scorecards/{p.card.id}/suggest", headers=HTMX, data={"csrf_token": csrf(client)})
    assert refused.status_code == 403


def test_page_says_why_a_round_without_consent_cannot_be_compared(client: TestClient, session: Session,
                                                                  fake_openai: FakeOpenAI) -> None:
    p = panel(session, ai_choice="people_only")
    sign_in(client, p.owner)
    page = client.get(f"/scorecards/{p.card.id}").text
    assert re.search(r"<button type=\"button\" disabled[^>]*>Compare with AI</button>", page)
    assert "did not agree to AI assistance" in page and "hx-post=\"/scorecards/" not in page
