"""A candidate takes timed rounds in Chromium: autosave that survives a reload and an outage, the
clock running out into a submitted, read-only round, and behavioral prompts one at a time."""

from __future__ import annotations

import re

from playwright.sync_api import expect
from sqlmodel import select

from app.models import Answer, RoundAttempt
from tests.browser.conftest import axe_violations
from tests.factories import make_interview
from tests.take.helpers import timed_spec


def _invite(live_server, *, minutes: float) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    with live_server.session() as session:
        created = make_interview(session, spec_slug=timed_spec(session, minutes=minutes))
        session.commit()
        return created.interview.id, created.token


def _stored(live_server, interview_id: str, question_id: str) -> Answer | None:  # type: ignore[no-untyped-def]
    with live_server.session() as session:
        attempt = session.exec(select(RoundAttempt).where(RoundAttempt.interview_id == interview_id)).first()
        if attempt is None:
            return None
        return session.exec(select(Answer).where(Answer.attempt_id == attempt.id, Answer.question_id == question_id)).first()


def test_typed_answer_is_saved_and_still_there_after_reload(page, live_server):
    interview_id, token = _invite(live_server, minutes=30)
    page.goto(f"/take/{token}")
    expect(page.get_by_text("What is timed:")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Start Written").click()
    expect(page.get_by_role("timer")).to_have_text(re.compile(r"^(29|30):\d\d$"))
    assert axe_violations(page) == []
    answer = page.get_by_label("Answer to question 1")
    answer.press_sequentially("Two accounts per entry, debits equal credits.", delay=10)
    expect(page.get_by_role("status").filter(has_text="Saved at")).to_have_text(re.compile(r"Saved at \d\d:\d\d:\d\d"))
    page.reload()
    expect(page.get_by_label("Answer to question 1")).to_have_value("Two accounts per entry, debits equal credits.")
    stored = _stored(live_server, interview_id, "q_ledger")
    assert stored is not None and stored.text == "Two accounts per entry, debits equal credits." and stored.revision >= 1
    assert page.console_errors == []


def test_unsent_text_survives_an_outage_and_a_reload(page, live_server):
    interview_id, token = _invite(live_server, minutes=30)
    page.route("**/answers/**", lambda route: route.abort())  # the outage, in place before the round opens
    page.goto(f"/take/{token}")
    page.get_by_role("button", name="Start Written").click()
    page.get_by_label("Answer to question 2").fill("Idempotency keys stored with the payment.")
    expect(page.locator("#save-status")).to_have_text("Not saved — retrying")
    page.reload()
    expect(page.get_by_label("Answer to question 2")).to_have_value("Idempotency keys stored with the payment.")
    page.unroute("**/answers/**")
    expect(page.locator("#save-status")).to_have_text(re.compile("Saved at"), timeout=15000)
    stored = _stored(live_server, interview_id, "q_retry")
    assert stored is not None and stored.text == "Idempotency keys stored with the payment."
    assert [e for e in page.console_errors if "ERR_FAILED" not in e] == []


def test_text_typed_before_the_script_loads_is_saved(page, live_server):
    interview_id, token = _invite(live_server, minutes=30)
    held = []
    page.route("**/static/js/take.js", lambda route: held.append(route))  # the script arrives late, as on a slow line
    page.goto(f"/take/{token}")
    page.get_by_role("button", name="Start Written").click()
    page.get_by_label("Answer to question 1").fill("Typed while the page was still loading.")
    for _ in range(50):
        if held:
            break
        page.wait_for_timeout(100)
    assert len(held) == 1
    held[0].continue_()
    expect(page.locator("#save-status")).to_have_text(re.compile("Saved at"))
    stored = _stored(live_server, interview_id, "q_ledger")
    assert stored is not None and stored.text == "Typed while the page was still loading."
    assert page.console_errors == []


def test_clock_runs_out_and_round_is_submitted_read_only(page, live_server):
    interview_id, token = _invite(live_server, minutes=0.1)
    page.goto(f"/take/{token}")
    page.get_by_role("button", name="Start Written").click()
    page.get_by_label("Answer to question 1").fill("Written against the clock.")
    expect(page.get_by_role("heading", name="Round submitted")).to_be_visible(timeout=20000)
    expect(page.get_by_text("The time ran out")).to_be_visible()
    expect(page.get_by_label("Answer to question 1")).to_have_value("Written against the clock.")
    expect(page.get_by_label("Answer to question 1")).not_to_be_editable()
    expect(page.get_by_role("button", name="Submit round")).to_have_count(0)
    assert axe_violations(page) == []
    with live_server.session() as session:
        attempt = session.exec(select(RoundAttempt).where(RoundAttempt.interview_id == interview_id)).one()
        assert attempt.submitted_at == attempt.deadline and attempt.closed_by == "timer"
    assert _stored(live_server, interview_id, "q_ledger").text == "Written against the clock."
    assert page.console_errors == []


def test_behavioral_prompts_come_one_at_a_time(page, live_server):
    _, token = _invite(live_server, minutes=30)
    page.goto(f"/take/{token}")
    page.get_by_role("button", name="Start Behavioral").click()
    expect(page.get_by_role("heading", name="Prompt 1 of 2")).to_be_visible()
    expect(page.get_by_role("heading", name="Prompt 2 of 2")).to_be_hidden()
    next_button = page.get_by_role("button", name="Next prompt")
    expect(next_button).to_be_disabled()
    page.get_by_label("Answer to prompt 1").fill("The settlement outage of 2024.")
    expect(next_button).to_be_enabled()
    next_button.click()
    expect(page.get_by_role("heading", name="Prompt 2 of 2")).to_be_visible()
    expect(page.get_by_label("Answer to prompt 2")).to_be_focused()
    page.get_by_label("Answer to prompt 2").fill("We disagreed about retries.")
    expect(page.locator("#save-status")).to_have_text(re.compile("Saved at"))
    page.get_by_role("button", name="Submit round").click()
    expect(page.get_by_role("heading", name="Round submitted")).to_be_visible()
    expect(page.get_by_text("You submitted this round")).to_be_visible()
    assert page.console_errors == []


def test_last_minute_is_announced_to_screen_readers(page, live_server):
    _, token = _invite(live_server, minutes=1.05)
    page.goto(f"/take/{token}")
    page.get_by_role("button", name="Start Written").click()
    announcer = page.locator("#clock-announce")
    expect(announcer).to_have_attribute("aria-live", "assertive")
    expect(announcer).to_have_text("1 minute left.", timeout=10000)
    assert page.console_errors == []


def test_reopening_the_link_resumes_the_round_with_answers_and_running_clock(page, browser, live_server):
    _, token = _invite(live_server, minutes=30)
    page.goto(f"/take/{token}")
    page.get_by_role("button", name="Start Written").click()
    page.get_by_label("Answer to question 1").fill("Saved before closing the browser.")
    expect(page.locator("#save-status")).to_have_text(re.compile("Saved at"))
    page.context.close()

    fresh = browser.new_context(base_url=live_server.base_url)
    try:
        again = fresh.new_page()
        again.goto(f"/take/{token}")
        again.get_by_role("link", name="Continue Written").click()
        expect(again.get_by_label("Answer to question 1")).to_have_value("Saved before closing the browser.")
        expect(again.get_by_role("timer")).to_have_text(re.compile(r"^29:\d\d$"))
    finally:
        fresh.close()
