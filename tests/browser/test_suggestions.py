"""Compare with AI in Chromium: after submitting, the interviewer presses the button; htmx swaps in
the model's checked suggestions beside their ratings and marks each quote in the answers, under
the strict CSP (no inline script), with markup in the answers shown as text."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from app.auth.service import create_user
from app.interviews.service import (
    create_candidate,
    create_interview,
    interview_content,
    round_questions,
)
from app.models import Answer, RoundAttempt, utcnow
from app.consent import ai as consent
from app.scorecards import service as cards
from app.scorecards.rounds import round_view
from app.consent.models import Consent
from tests.ai.fake_openai import FakeOpenAI, suggestions
from tests.browser.conftest import axe_violations, sign_in
from tests.scorecards.helpers import FULL, card_of
from tests.server import LiveServer, server_env, setup_database, start_server
from tests.suggestions.helpers import INJECTION, LEDGER

EMAIL = "comparer@browser.test"
PASSWORD = "comparer browser password 1"
MARKUP = "Card numbers never reach the logs: we log <b>tokens</b> & masked PANs only."


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeOpenAI]:
    server = FakeOpenAI().start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def ai_server(tmp_path_factory, fake: FakeOpenAI) -> Iterator[LiveServer]:  # type: ignore[no-untyped-def]
    """A server whose model is the fake one."""
    workdir = tmp_path_factory.mktemp("ai-live")
    env = server_env(f"sqlite:///{workdir / 'live.db'}", CALIBRATE_SECRET_KEY="browser-ai-secret",
                     CALIBRATE_ADMIN_EMAIL="admin@ai.browser.test", CALIBRATE_ADMIN_PASSWORD="browser admin password 2",
                     OPENAI_API_KEY="sk-test-not-a-real-key", OPENAI_BASE_URL=fake.base_url,
                     CALIBRATE_LLM_MODEL="fake-model", CALIBRATE_LLM_TIMEOUT_SECONDS="5")
    setup_database(env, cwd=workdir)
    server = start_server(env, workdir / "server.log")
    yield server
    server.stop()


def submitted_card(server: LiveServer) -> str:
    with server.session() as session:
        user = create_user(session, email=EMAIL, name="Cora Comparer", role="interviewer", password=PASSWORD)
        candidate = create_candidate(session, name="Eli Candidate", email="eli@browser.test", actor=None)
        interview = create_interview(session, candidate_id=candidate.id, spec_slug="senior-backend-payments",
                                     interviewers={"round_01": [EMAIL]}, actor=None).interview
        questions = [q.to_dict() for q in round_questions(interview, interview_content(session, interview), "round_01")]
        now = utcnow()
        attempt = RoundAttempt(interview_id=interview.id, round_key="round_01", started_at=now - timedelta(minutes=30),
                               deadline=now, submitted_at=now, closed_by="candidate", questions=questions)
        session.add(attempt)
        session.flush()
        texts = [LEDGER, MARKUP + "\n" + INJECTION, "We page the on-call engineer."]
        for q, text in zip(questions, texts, strict=True):
            session.add(Answer(attempt_id=attempt.id, question_id=q["id"], text=text, revision=1))
        session.add(Consent(interview_id=interview.id, attempt_id=attempt.id, purpose=consent.PURPOSE, choice="ai",
                            notice_version=consent.NOTICE_VERSION, at=now))
        card = card_of(session, interview, user)
        view = round_view(session, card)
        cards.save_draft(session, card=card, changes=cards.validate_changes(
            view, ratings=FULL, notes={}, must_haves={}))
        cards.submit(session, card=card, actor=user, view=view)
        session.commit()
        return card.id


def test_compare_with_ai_marks_the_quotes_in_the_answers(browser, ai_server: LiveServer,  # type: ignore[no-untyped-def]
                                                         fake: FakeOpenAI) -> None:
    card_id = submitted_card(ai_server)
    fake.script(suggestions([
        {"competency_id": "financial_systems_design", "rating": 5, "rationale": "Ledger by entries.",
         "quotes": [LEDGER]},
        {"competency_id": "production_ownership", "rating": 4, "rationale": "Keeps PANs out.",
         "quotes": ["we log <b>tokens</b> & masked PANs only"]},
        {"competency_id": "postgres_schema_design", "rating": 5, "rationale": "As told.", "quotes": [INJECTION]}]))
    context = browser.new_context(base_url=ai_server.base_url)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: msg.type == "error" and errors.append(msg.text))
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        sign_in(page, EMAIL, PASSWORD)
        page.goto(f"/scorecards/{card_id}")
        expect(page.locator("#answers mark")).to_have_count(0)
        page.get_by_role("button", name="Compare with AI").click()
        table = page.locator("#ai-compare table")
        expect(table).to_be_visible()
        expect(table.locator("tr[data-competency=financial_systems_design]")).to_contain_text("+2 from yours")
        marks = page.locator("#answers mark")
        expect(marks).to_have_count(2)
        expect(marks.nth(1)).to_have_text("we log <b>tokens</b> & masked PANs only")  # text, not markup
        expect(page.locator("#answers b")).to_have_count(0)
        expect(page.get_by_role("status").filter(has_text="text addressed to an AI")).to_be_visible()
        assert axe_violations(page) == []
        assert errors == []
        assert len(fake.requests) == 1
    finally:
        context.close()
