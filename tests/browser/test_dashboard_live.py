"""Live dashboards in Chromium: a scorecard submitted in one tab updates the dashboard open in
another tab without a reload (SSE), and the dashboard page works under the strict CSP."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import expect

from app.auth.service import create_user
from app.interviews.service import create_candidate, create_interview, interview_content, round_questions
from app.models import RoundAttempt, utcnow
from tests.browser.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, axe_violations, sign_in

SPEC = "fintech-backend-principal"
EMAIL = "live.scorer@browser.test"
PASSWORD = "live scorer browser password 1"
CANDIDATE = "Lina Livewire"


def _interview_waiting_for_a_scorecard(live_server) -> None:  # type: ignore[no-untyped-def]
    with live_server.session() as session:
        create_user(session, email=EMAIL, name="Lou Scorer", role="interviewer", password=PASSWORD)
        candidate = create_candidate(session, name=CANDIDATE, email="lina@browser.test", actor=None)
        interview = create_interview(session, candidate_id=candidate.id, spec_slug=SPEC,
                                     interviewers={"round_02": [EMAIL]}, actor=None).interview
        content = interview_content(session, interview)
        now = utcnow()
        for rnd in content.candidate_rounds:
            questions = [q.to_dict() for q in round_questions(interview, content, rnd.key)]
            session.add(RoundAttempt(interview_id=interview.id, round_key=rnd.key, closed_by="candidate",
                                     started_at=now - timedelta(minutes=30), deadline=now, submitted_at=now,
                                     questions=questions))
        session.commit()


def test_submitting_a_scorecard_updates_the_open_dashboard_live(browser, live_server, page):  # type: ignore[no-untyped-def]
    _interview_waiting_for_a_scorecard(live_server)
    sign_in(page, ADMIN_EMAIL, ADMIN_PASSWORD)
    page.goto(f"/specs/{SPEC}/dashboard")
    expect(page.get_by_role("heading", name="Live performance")).to_be_visible()
    row = page.locator("#ranking tr", has_text=CANDIDATE)
    expect(row).to_contain_text("in progress")
    completed = page.locator('#live-performance [data-card="interviews"] .muted')
    before = int(completed.inner_text().split()[0])
    expect(page.locator("#live-status")).to_have_text("Live: connected.")
    page.evaluate("() => { window.__notReloaded = true; }")

    scorer_context = browser.new_context(base_url=live_server.base_url)
    scorer = scorer_context.new_page()
    sign_in(scorer, EMAIL, PASSWORD)
    scorer.goto("/my/scorecards")
    scorer.get_by_role("link", name=CANDIDATE).click()
    radios = scorer.get_by_role("radio", name="Meets the bar for principal")
    for k in range(radios.count()):
        radios.nth(k).check()
    expect(scorer.get_by_role("status").filter(has_text="Draft saved")).to_be_visible()
    scorer.get_by_role("group", name="Overall recommendation").get_by_role("radio", name="Yes", exact=True).check()
    scorer.get_by_role("button", name="Submit scorecard").click()
    expect(scorer.locator(".page-head .badge.ok")).to_have_text("submitted")

    # The other tab: no reload, the stream swapped the fragments in (the polling fallback is 30 s).
    expect(row).to_contain_text("50.0", timeout=8000)
    expect(row).not_to_contain_text("in progress")
    expect(completed).to_have_text(f"{before + 1} completed", timeout=8000)
    assert page.evaluate("() => window.__notReloaded === true")
    assert page.console_errors == []
    assert scorer.console_errors == [] if hasattr(scorer, "console_errors") else True
    scorer_context.close()


def test_dashboard_what_if_and_candidate_detail_in_the_browser(page, live_server):  # type: ignore[no-untyped-def]
    sign_in(page, ADMIN_EMAIL, ADMIN_PASSWORD)
    page.goto(f"/specs/{SPEC}/dashboard")
    assert axe_violations(page) == []
    slider = page.get_by_label("System Design")
    slider.fill("0.5")
    expect(page.locator("#out-system_design")).to_have_text("0.50")
    expect(page.locator("#what-if-result")).to_contain_text("system_design 0.50", timeout=5000)
    page.locator("#ranking a").first.click()
    expect(page.get_by_role("heading", name="Competencies")).to_be_visible()
    expect(page.get_by_role("heading", name="Must-haves")).to_be_visible()
    assert axe_violations(page) == []
    assert page.console_errors == []
