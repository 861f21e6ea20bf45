"""Mail through the outbox to a real SMTP server on loopback."""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlmodel import select

from app.jobs.models import Job
from app.mail.models import ERASED_BODY, KEPT, QUEUED, SENT, MailMessage
from app.mail.outbox import SEND
from tests.factories import make_candidate, make_interview, make_user
from tests.mail.conftest import BASE_URL, mail_worker
from tests.mail.smtp import SmtpServer, body_text, mail_settings


def _messages(session) -> list[MailMessage]:  # type: ignore[no-untyped-def]
    return list(session.exec(select(MailMessage).order_by(MailMessage.id)).all())


def _interview_with_panel(session, interviewers):  # type: ignore[no-untyped-def]
    return make_interview(session, interviewers={"round_01": [u.email for u in interviewers]})


def test_interview_created_writes_invitation_and_assignment_in_its_transaction(session, smtp):
    interviewer = make_user(session, role="interviewer")
    with session.begin_nested() as nested:
        _interview_with_panel(session, [interviewer])
        assert {m.template for m in _messages(session)} == {"candidate_invitation", "interviewer_assignment"}
        nested.rollback()
    assert _messages(session) == []  # rolled back with the interview: no mail about what did not happen
    assert session.exec(select(Job).where(Job.kind == SEND)).all() == []


def test_delivery_sends_text_and_html_with_links_from_base_url(session, client, smtp):
    interviewer = make_user(session, role="interviewer", name="Noor Haddad")
    created = _interview_with_panel(session, [interviewer])
    assert mail_worker(session).run_once(limit=20) == 2
    received = {m["To"].addresses[0].addr_spec: m for m in smtp.inbox.messages}
    candidate_mail = next(m for addr, m in received.items() if addr != interviewer.email)
    link = f"{BASE_URL}/take/{created.token}"
    assert link in body_text(candidate_mail, "plain") and f'href="{link}"' in body_text(candidate_mail, "html")
    assert "minutes" in body_text(candidate_mail, "plain") and "more time" in body_text(candidate_mail, "plain")
    assignment = received[interviewer.email]
    assert assignment["Subject"].startswith("You are interviewing")
    assert f"{BASE_URL}/scorecards/" in body_text(assignment, "plain")
    assert client.get(link.replace(BASE_URL, "")).status_code == 200  # the mailed link is the candidate's
    stored = {m.template: m for m in _messages(session)}
    assert all(m.status == SENT and m.smtp_response.startswith("250") for m in stored.values())
    assert stored["candidate_invitation"].text_body == ERASED_BODY  # the one-time link is not kept once sent
    assert created.token not in stored["candidate_invitation"].html_body


def test_server_down_then_up_every_message_arrives_exactly_once(session):
    server = SmtpServer()  # not started: connections are refused
    with mail_settings(CALIBRATE_SMTP_URL=server.url, CALIBRATE_BASE_URL=BASE_URL):
        panel = [make_user(session, role="interviewer") for _ in range(2)]
        for _ in range(3):
            _interview_with_panel(session, panel)
        assert mail_worker(session).run_once(limit=50) == 9
        stored = _messages(session)
        assert len(stored) == 9 and all(m.status == QUEUED and m.attempts == 1 and m.last_error for m in stored)
        assert mail_worker(session).run_once(limit=50) == 0  # backing off: nothing is due yet
        server.start()
        try:
            assert mail_worker(session, ahead=timedelta(hours=2)).run_once(limit=50) == 9
            assert mail_worker(session, ahead=timedelta(days=2)).run_once(limit=50) == 0
        finally:
            server.stop()
    ids = [m["Message-ID"] for m in server.inbox.messages]
    assert len(ids) == 9 and len(set(ids)) == 9
    assert {m.message_id for m in _messages(session)} == set(ids)
    assert all(m.status == SENT and m.attempts == 2 for m in _messages(session))


def test_sent_message_is_not_sent_again_when_its_job_runs_twice(session, smtp):
    make_interview(session)
    worker = mail_worker(session)
    assert worker.run_once() == 1
    job = session.exec(select(Job).where(Job.kind == SEND)).one()
    job.done_at = None  # as if the worker died after marking the message sent, before finishing the job
    session.add(job)
    session.commit()
    assert mail_worker(session, ahead=timedelta(hours=1)).run_once() == 1
    assert len(smtp.inbox.messages) == 1


def test_without_smtp_url_mail_is_logged_without_secrets_and_kept(session, client, caplog):
    from tests.factories import sign_in

    with mail_settings(CALIBRATE_SMTP_URL="", CALIBRATE_BASE_URL=BASE_URL):
        created = make_interview(session)
        with caplog.at_level(logging.INFO, logger="calibrate.mail"):
            assert mail_worker(session).run_once() == 1
        message = _messages(session)[0]
        assert message.status == KEPT and created.token in message.text_body  # kept, readable by admins
        logged = " ".join(f"{r.getMessage()} {r.__dict__}" for r in caplog.records)
        assert message.to_addr in logged and created.token not in logged
        admin = make_user(session, role="admin")
        sign_in(client, admin)
        page = client.get("/admin/mail")
        assert page.status_code == 200 and "CALIBRATE_SMTP_URL" in page.text and message.subject in page.text
        assert created.token in client.get(f"/admin/mail/{message.id}").text


def test_header_injection_in_stored_names_stays_in_one_header(session, smtp):
    interviewer = make_user(session, role="interviewer")
    candidate = make_candidate(session)
    # The API refuses such a name now; a row written before that rule still must not break a header.
    candidate.name = "Eve\r\nBcc: victim@example.test\r\nSubject: win"
    session.flush()
    make_interview(session, candidate=candidate, interviewers={"round_01": [interviewer.email]})
    mail_worker(session).run_once(limit=10)
    assert len(smtp.inbox.messages) == 2
    for message in smtp.inbox.messages:
        assert message["Bcc"] is None and len(message.get_all("Subject")) == 1
        assert "\n" not in message["Subject"] and "\n" not in str(message["To"])
    assert all(rcpts != ["victim@example.test"] for _, rcpts in smtp.inbox.envelopes)


def test_reissued_link_is_mailed_with_the_new_link(session, smtp):
    from app.interviews.service import reissue_link

    created = make_interview(session)
    token = reissue_link(session, created.interview, actor=None)
    mail_worker(session).run_once(limit=10)
    reissued = [m for m in smtp.inbox.messages if "new link" in m["Subject"]]
    assert len(reissued) == 1 and f"{BASE_URL}/take/{token}" in body_text(reissued[0], "plain")
