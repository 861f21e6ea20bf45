"""The scorecard reminder (24 h after the round was submitted, once per scorecard) and the admins'
preview of every mail template."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from app.mail import compose
from app.mail.models import MailMessage
from app.interviews.mail import remind_open_scorecards
from tests.factories import make_user, sign_in
from tests.scorecards.helpers import answer_round, card_of, interview_for


def _reminders(session) -> list[MailMessage]:  # type: ignore[no-untyped-def]
    return list(session.exec(select(MailMessage).where(MailMessage.template == "scorecard_reminder")).all())


def test_reminder_goes_once_24_hours_after_the_round_and_only_for_open_scorecards(session):
    waiting, done = make_user(session, role="interviewer"), make_user(session, role="interviewer")
    interview = interview_for(session, interviewers={"round_01": [waiting, done]})
    attempt = answer_round(session, interview)
    finished = card_of(session, interview, done)
    finished.status = "submitted"
    session.add(finished)
    session.flush()

    assert remind_open_scorecards(session, attempt.submitted_at + timedelta(hours=23)) == 0
    assert remind_open_scorecards(session, attempt.submitted_at + timedelta(hours=25)) == 1
    assert remind_open_scorecards(session, attempt.submitted_at + timedelta(hours=49)) == 0  # once, not daily
    [reminder] = _reminders(session)
    assert reminder.to_addr == waiting.email
    assert f"/scorecards/{card_of(session, interview, waiting).id}" in reminder.text_body


def test_reminder_skips_interviewers_who_were_deactivated(session):
    gone = make_user(session, role="interviewer")
    interview = interview_for(session, interviewers={"round_01": [gone]})
    attempt = answer_round(session, interview)
    gone.is_active = False
    session.add(gone)
    session.flush()
    assert remind_open_scorecards(session, attempt.submitted_at + timedelta(hours=25)) == 0
    assert _reminders(session) == []


def test_admin_previews_every_template_as_html_and_text(client, session):
    admin = make_user(session, role="admin")
    session.commit()
    sign_in(client, admin)
    names = compose.templates()
    assert {"candidate_invitation", "candidate_link_reissued", "interviewer_assignment", "scorecard_reminder",
            "staff_invitation", "password_reset"} <= set(names)
    for name in names:
        html = client.get(f"/admin/mail/preview/{name}")
        assert html.status_code == 200 and "<html" in html.text.lower(), name
        assert "sandbox" in html.headers["content-security-policy"]
        text = client.get(f"/admin/mail/preview/{name}?part=text")
        assert text.status_code == 200 and text.text.startswith("Subject: ") and "{{" not in text.text, name
    assert client.get("/admin/mail/preview/no_such_template").status_code == 404
