"""Scorecard pages: my list, the scorecard form with anchors, submit and amend with errors in place,
and blindness on the page."""

from __future__ import annotations

from sqlmodel import Session

from app.bank.loader import cached_bank
from app.scorecards import service
from app.settings import get_settings
from tests.factories import csrf, make_user, sign_in
from tests.scorecards.helpers import FULL, answer_round, card_of, interview_for, interviewers


def _form(client, values: dict, **extra) -> dict:  # type: ignore[no-untyped-def]
    data = {"csrf_token": csrf(client), **extra}
    for cid, value in values.items():
        data[f"rating__{cid}"] = "none" if value is None else str(value)
    return data


def test_my_scorecards_lists_only_own_with_waiting_time(client, session: Session) -> None:
    alice, bob = interviewers(session, 2)
    interview = interview_for(session, interviewers={"round_01": [alice], "round_02": [bob]})
    answer_round(session, interview)
    sign_in(client, alice)
    page = client.get("/my/scorecards")
    assert page.status_code == 200
    assert "Round 01" in page.text and "Round 02" not in page.text
    assert f"/scorecards/{card_of(session, interview, alice).id}" in page.text
    assert "minute" in page.text and "Senior Backend" in page.text


def test_my_scorecards_anonymous_redirects_to_sign_in(client) -> None:
    response = client.get("/my/scorecards", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/login")


def test_scorecard_page_shows_answers_rubric_and_guide_anchors(client, session: Session) -> None:
    [alice] = interviewers(session, 1)
    interview = interview_for(session, interviewers={"round_01": [alice]})
    answer_round(session, interview, text="Idempotency keys and an outbox")
    sign_in(client, alice)
    page = client.get(f"/scorecards/{card_of(session, interview, alice).id}")
    assert page.status_code == 200
    assert "Idempotency keys and an outbox (1)" in page.text and "Strong signals" in page.text
    staff_anchor = cached_bank(str(get_settings().question_bank_dir)).tags["financial_systems_design"]["anchors"]["staff"]
    assert "Meets the bar for senior" in page.text and staff_anchor.split(";")[0] in page.text
    assert 'name="rating__financial_systems_design" value="none"' in page.text
    assert 'data-autosave-url="/api/v1/scorecards/' in page.text


def test_scorecard_page_someone_elses_draft_is_404(client, session: Session) -> None:
    alice, bob = interviewers(session, 2)
    interview = interview_for(session, interviewers={"round_01": [alice, bob]})
    sign_in(client, bob)
    assert client.get(f"/scorecards/{card_of(session, interview, alice).id}").status_code == 404


def test_scorecard_form_submit_incomplete_shows_errors_in_place(client, session: Session) -> None:
    [alice] = interviewers(session, 1)
    interview = interview_for(session, interviewers={"round_01": [alice]})
    card = card_of(session, interview, alice)
    sign_in(client, alice)
    response = client.post(f"/scorecards/{card.id}", data=_form(client, {"financial_systems_design": 1},
                                                                 action="submit"))
    assert response.status_code == 422
    assert 'id="err-note-financial_systems_design"' in response.text
    assert 'id="err-rating-postgres_schema_design"' in response.text
    session.refresh(card)
    assert card.status == "draft"
    assert service.card_values(session, card)["ratings"] == {"financial_systems_design": 1}  # the draft is kept


def test_scorecard_form_submit_then_amend_with_reason_shows_history(client, session: Session) -> None:
    [alice] = interviewers(session, 1)
    interview = interview_for(session, interviewers={"round_01": [alice]})
    card = card_of(session, interview, alice)
    sign_in(client, alice)
    done = client.post(f"/scorecards/{card.id}", data=_form(client, FULL, action="submit", recommendation="yes"),
                       follow_redirects=False)
    assert done.status_code == 303
    session.refresh(card)
    assert card.status == "submitted"
    changed = {**FULL, "production_ownership": 3}
    no_reason = client.post(f"/scorecards/{card.id}/amend", data=_form(client, changed, reason=""))
    assert no_reason.status_code == 422 and "reason" in no_reason.text
    amended = client.post(f"/scorecards/{card.id}/amend", data=_form(client, changed, reason="second look"),
                          follow_redirects=True)
    assert amended.status_code == 200
    assert "second look" in amended.text and "ratings.production_ownership" in amended.text
    assert service.card_values(session, card)["ratings"]["production_ownership"] == 3
    assert client.post(f"/scorecards/{card.id}", data=_form(client, FULL, action="save")).status_code == 409


def test_scorecard_page_blind_until_submitted(client, session: Session) -> None:
    alice, bob = interviewers(session, 2)
    interview = interview_for(session, interviewers={"round_01": [alice, bob]})
    a_card, b_card = card_of(session, interview, alice), card_of(session, interview, bob)
    sign_in(client, alice)
    client.post(f"/scorecards/{a_card.id}", data={**_form(client, FULL, action="submit"),
                                                   "note__production_ownership": "alice-private-evidence"})
    client.cookies.clear()
    sign_in(client, bob)
    before = client.get(f"/scorecards/{b_card.id}")
    assert "alice-private-evidence" not in before.text and alice.email not in before.text
    client.post(f"/scorecards/{b_card.id}", data=_form(client, FULL, action="submit"))
    after = client.get(f"/scorecards/{b_card.id}")
    assert "alice-private-evidence" in after.text and alice.email in after.text


def test_scorecard_page_manager_reads_only_submitted(client, session: Session) -> None:
    [alice] = interviewers(session, 1)
    manager = make_user(session, role="hiring_manager")
    interview = interview_for(session, interviewers={"round_01": [alice]})
    card = card_of(session, interview, alice)
    session.commit()
    sign_in(client, manager)
    assert client.get(f"/scorecards/{card.id}").status_code == 404
    client.cookies.clear()
    sign_in(client, alice)
    client.post(f"/scorecards/{card.id}", data=_form(client, FULL, action="submit"))
    client.cookies.clear()
    sign_in(client, manager)
    page = client.get(f"/scorecards/{card.id}")
    assert page.status_code == 200 and "Amend" not in page.text and 'name="rating__' not in page.text


def test_scorecard_page_live_round_has_no_answers_and_takes_notes(client, session: Session) -> None:
    [alice] = interviewers(session, 1)
    interview = interview_for(session, interviewers={"round_03": [alice]}, spec_slug="fintech-backend-senior")
    card = card_of(session, interview, alice, "round_03")
    sign_in(client, alice)
    page = client.get(f"/scorecards/{card.id}")
    assert "A live conversation" in page.text and 'name="note__coding"' in page.text
