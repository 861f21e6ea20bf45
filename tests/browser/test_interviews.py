"""A hiring manager invites a candidate in Chromium: rounds follow the chosen spec, the link is
shown once with a copy button, and the interview page shows the link's state."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, axe_violations, sign_in


def test_manager_invites_candidate_and_manages_link(page, live_server):
    sign_in(page, ADMIN_EMAIL, ADMIN_PASSWORD)
    page.goto("/interviews")
    assert axe_violations(page) == []
    page.get_by_role("link", name="Invite a candidate").first.click()
    page.get_by_label("Job spec").select_option("senior-golang-fintech")
    expect(page.get_by_label(re.compile("System design"))).to_be_visible()
    page.get_by_label("Job spec").select_option("senior-backend-payments")
    expect(page.get_by_label(re.compile("System design"))).to_have_count(0)
    expect(page.get_by_label(re.compile("Round 01 — Written"))).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_label("New candidate's name").fill("Katherine Johnson")
    page.get_by_label("New candidate's email").fill("katherine@browser.test")
    page.get_by_label(re.compile("Round 01 — Written")).fill(ADMIN_EMAIL)
    page.get_by_label(re.compile("Time factor")).fill("1.5")
    page.get_by_role("button", name="Create interview").click()
    expect(page.get_by_role("heading", name="Interview created")).to_be_visible()
    page.wait_for_load_state()  # "Copy link" is wired by app.js
    link = page.get_by_role("textbox", name="Link").input_value()
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/take/[A-Za-z0-9_-]{43}", link)
    assert axe_violations(page) == []
    page.get_by_role("button", name="Copy link").click()
    expect(page.get_by_role("button", name=re.compile("Copied|Press Ctrl\\+C"))).to_be_visible()
    page.get_by_role("link", name="Go to the interview").click()
    expect(page.get_by_role("heading", name="Katherine Johnson")).to_be_visible()
    expect(page.locator("#link-state")).to_contain_text("Active")
    assert axe_violations(page) == []
    expect(page.get_by_role("rowheader", name=re.compile("Round 01"))).to_be_visible()
    page.get_by_role("button", name="Revoke link").click()
    expect(page.locator("#link-state")).to_contain_text("Revoked")
    assert page.context.request.get(link).status == 410
    assert page.console_errors == []
