"""An interviewer scores a round in Chromium: anchors chosen by their visible labels, autosaved
draft, a refused submit with the error in place, then a submitted scorecard."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import expect

from app.auth.service import create_user
from app.interviews.service import create_candidate, create_interview, interview_content, round_questions
from app.models import Answer, RoundAttempt, utcnow
from tests.browser.conftest import sign_in

EMAIL = "scorer@browser.test"
PASSWORD = "scorer browser password 1"


def _assigned_interview(live_server) -> dict[str, str]:  # type: ignore[no-untyped-def]
    with live_server.session() as session:
        create_user(session, email=EMAIL, name="Sam Scorer", role="interviewer", password=PASSWORD)
        candidate = create_candidate(session, name="Dana Candidate", email="dana@browser.test", actor=None)
        interview = create_interview(session, candidate_id=candidate.id, spec_slug="senior-backend-payments",
                                     interviewers={"round_02": [EMAIL]}, actor=None).interview
        content = interview_content(session, interview)
        questions = [q.to_dict() for q in round_questions(interview, content, "round_02")]
        now = utcnow()
        attempt = RoundAttempt(interview_id=interview.id, round_key="round_02", started_at=now - timedelta(minutes=30),
                               deadline=now, submitted_at=now, closed_by="candidate", questions=questions)
        session.add(attempt)
        session.flush()
        for q in questions:
            session.add(Answer(attempt_id=attempt.id, question_id=q["id"], text=f"Dana's answer to {q['id']}",
                               revision=1))
        session.commit()
        names = {c.id: c.name for c in content.competencies}
        return {"reliability": names["distributed_systems_reliability"],
                "ownership": names["production_ownership"], "must_have": content.must_haves[0].text}


def test_interviewer_fills_and_submits_scorecard(page, live_server):  # type: ignore[no-untyped-def]
    names = _assigned_interview(live_server)
    sign_in(page, EMAIL, PASSWORD)
    page.goto("/my/scorecards")
    expect(page.get_by_role("heading", name="My scorecards")).to_be_visible()
    page.get_by_role("link", name="Dana Candidate").click()
    expect(page.get_by_role("heading", name="Scorecard: Dana Candidate")).to_be_visible()
    expect(page.get_by_text("Dana's answer to", exact=False).first).to_be_visible()

    ownership = page.get_by_role("group", name=names["ownership"])
    ownership.get_by_role("radio", name="Meets the bar for senior").check()
    expect(page.get_by_role("status").filter(has_text="Draft saved")).to_be_visible()
    page.reload()
    expect(page.get_by_role("group", name=names["ownership"])
           .get_by_role("radio", name="Meets the bar for senior")).to_be_checked()

    reliability = page.get_by_role("group", name=names["reliability"])
    reliability.get_by_role("radio", name="Exceptional").check()
    page.get_by_role("group", name=names["must_have"]).get_by_role("radio", name="Met", exact=True).check()
    page.get_by_role("group", name="Overall recommendation").get_by_role("radio", name="Yes", exact=True).check()
    page.get_by_role("button", name="Submit scorecard").click()
    expect(page.get_by_role("alert")).to_contain_text("a rating of 5 needs an evidence note")
    expect(page.get_by_role("group", name=names["reliability"])
           .get_by_text("a rating of 5 needs an evidence note")).to_be_visible()

    page.get_by_label(f"Evidence note for {names['reliability']}").fill("Designed a saga with compensation unprompted.")
    page.get_by_role("button", name="Submit scorecard").click()
    expect(page.locator(".page-head .badge.ok")).to_have_text("submitted")
    expect(page.get_by_role("cell", name="Designed a saga with compensation unprompted.")).to_be_visible()
    expect(page.get_by_text("Amend this scorecard")).to_be_visible()
    page.goto("/my/scorecards")
    expect(page.get_by_role("cell", name="submitted")).to_be_visible()
    # The refused submit answers 422 by design; Chromium logs that status. Nothing else may fail.
    assert [e for e in page.console_errors if "status of 422" not in e] == []
