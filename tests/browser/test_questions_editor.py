"""A hiring manager edits a question set in Chromium: replace, coverage meter, publish."""

from __future__ import annotations

import re

from app.auth.service import create_user
from tests.browser.conftest import sign_in

SLUG = "senior-backend-payments"
EMAIL = "questions.manager@browser.test"
PASSWORD = "questions manager password 1"


def _manager(live_server) -> None:  # type: ignore[no-untyped-def]
    from app.auth.service import user_by_email
    with live_server.session() as session:
        if user_by_email(session, EMAIL) is None:
            create_user(session, email=EMAIL, name="Quinn Manager", role="hiring_manager", password=PASSWORD)
            session.commit()


def test_questions_editor_replace_updates_coverage_and_publishes(page, live_server) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    _manager(live_server)
    sign_in(page, EMAIL, PASSWORD)
    page.goto(f"/specs/{SLUG}")
    page.get_by_role("link", name="Edit questions").first.click()
    expect(page.get_by_role("heading", name="Question sets", level=1)).to_be_visible()
    page.wait_for_load_state()  # the buttons below are htmx: wait for its script
    old_version = page.get_by_test_id("version-label").inner_text()
    kafka = page.get_by_test_id("covered-fastapi_kafka_systems")
    before = kafka.inner_text()

    page.get_by_role("button", name="Replace question 1 of Round 01 — Written").click()
    panel = page.get_by_role("region", name="Replace question 1")
    expect(panel).to_be_visible()
    expect(panel.get_by_role("heading", name="Replace question 1")).to_be_focused()
    suggestions = panel.locator(".suggestions > li")
    last = suggestions.last
    chosen_text = last.locator("p").first.inner_text()
    last.get_by_role("button").click()

    expect(page.get_by_role("region", name="Replace question 1")).to_have_count(0)
    expect(kafka).not_to_have_text(before)
    expect(page.get_by_label("Question 1").first).to_have_value(chosen_text)
    expect(page.get_by_text("unpublished changes")).to_be_visible()

    page.get_by_role("button", name="Publish as a new version").click()
    expect(page.get_by_role("status").filter(has_text="Published v")).to_be_visible()
    new_version = page.get_by_test_id("version-label").inner_text()
    assert new_version != old_version
    assert int(re.match(r"v(\d+)-", new_version).group(1)) == int(re.match(r"v(\d+)-", old_version).group(1)) + 1
    expect(page.get_by_label("Question 1").first).to_have_value(chosen_text)
    assert page.console_errors == []
