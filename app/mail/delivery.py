"""Delivering queued mail: the `mail.send` job kind, run by the worker.

At most once after acceptance: the moment the SMTP server answers the end of DATA with 250, the
message is marked sent in a transaction of its own, before the job itself is finished; any later
attempt (a retry, another worker whose lease took over) finds it sent and stops. What remains is
the window between the server's 250 and that commit (a crash or a lost database connection
there): the message is then sent again on the retry, with the same Message-ID, so a receiving
server or client that deduplicates by Message-ID still shows it once."""

from __future__ import annotations

import logging
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from urllib.parse import unquote, urlsplit

from sqlmodel import Session, select

from app.jobs import queue
from app.jobs.registry import JobKind
from app.jobs.worker import JobRun
from app.mail import compose
from app.mail.models import ERASED_BODY, KEPT, QUEUED, SENT, MailMessage
from app.mail.outbox import SEND
from app.models import utcnow
from app.settings import get_settings

log = logging.getLogger("calibrate.mail")


@dataclass(frozen=True)
class SmtpServer:
    """Where to send: `smtp://[user:pass@]host[:port]` (STARTTLS when offered) or `smtps://…`."""

    host: str
    port: int
    implicit_tls: bool
    username: str
    password: str

    @classmethod
    def from_url(cls, url: str) -> SmtpServer:
        """Parse CALIBRATE_SMTP_URL; a bad URL is an error that names no password."""
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ValueError("CALIBRATE_SMTP_URL must look like smtp://user:pass@host:port or smtps://…")
        implicit = parts.scheme == "smtps"
        return cls(parts.hostname, parts.port or (465 if implicit else 25), implicit,
                   unquote(parts.username or ""), unquote(parts.password or ""))


def send(server: SmtpServer, email: EmailMessage, *, timeout: float) -> str:
    """Hand one message to the server; returns its answer to DATA (raises when it refused)."""
    context = ssl.create_default_context()
    smtp_class = smtplib.SMTP_SSL if server.implicit_tls else smtplib.SMTP
    kwargs = {"context": context} if server.implicit_tls else {}
    with smtp_class(server.host, server.port, timeout=timeout, **kwargs) as smtp:
        smtp.ehlo()
        if not server.implicit_tls and smtp.has_extn("starttls"):
            smtp.starttls(context=context)
            smtp.ehlo()
        if server.username:
            smtp.login(server.username, server.password)
        return _transact(smtp, email)


def _transact(smtp: smtplib.SMTP, email: EmailMessage) -> str:
    """MAIL, RCPT, DATA by hand (send_message drops the server's answer to DATA, our receipt)."""
    sender, recipient = email["From"].addresses[0].addr_spec, email["To"].addresses[0].addr_spec
    code, answer = smtp.mail(sender)
    if code != 250:
        raise smtplib.SMTPSenderRefused(code, answer, sender)
    code, answer = smtp.rcpt(recipient)
    if code not in (250, 251):
        raise smtplib.SMTPRecipientsRefused({recipient: (code, answer)})
    code, answer = smtp.data(email.as_bytes(policy=SMTP_POLICY))
    if code != 250:
        raise smtplib.SMTPDataError(code, answer)
    return f"{code} {answer.decode(errors='replace')}"[:500]


def deliver(job: JobRun) -> None:
    """The `mail.send` handler: send one queued message, or keep it when no server is configured."""
    settings = get_settings()
    with job.transaction() as session:
        message = session.get(MailMessage, job.payload["message_id"])
        if message is None or message.status != QUEUED:
            job.finish(session)
            return
        message.attempts += 1
        session.add(message)
        email = compose.email_message(message)
        number, recipient, subject = message.id, message.to_addr, message.subject
    if not settings.smtp_url:
        _keep(job, number)
        log.info("mail kept (no CALIBRATE_SMTP_URL): read it at /admin/mail",
                 extra={"mail": number, "to": recipient, "subject": subject})
        return
    try:
        answer = send(SmtpServer.from_url(settings.smtp_url), email, timeout=settings.smtp_timeout_seconds)
    except Exception as exc:
        _record_error(job, number, f"{type(exc).__name__}: {exc}")
        raise
    _mark_sent(job, number, answer)
    log.info("mail sent", extra={"mail": number, "to": recipient, "subject": subject})


def _keep(job: JobRun, number: int) -> None:
    with job.transaction() as session:
        message = session.get(MailMessage, number)
        if message is not None and message.status == QUEUED:
            message.status = KEPT
            session.add(message)
        job.finish(session)


def _record_error(job: JobRun, number: int, error: str) -> None:
    with job.transaction() as session:
        message = session.get(MailMessage, number)
        if message is not None:
            message.last_error = error[:2000]
            session.add(message)


def _mark_sent(job: JobRun, number: int, answer: str) -> None:
    """Sent, committed on its own first (so nothing sends it again), then the job is finished."""
    with job.transaction() as session:
        message = session.get(MailMessage, number)
        if message is not None:
            message.status, message.sent_at, message.smtp_response = SENT, utcnow(), answer
            message.last_error = None
            if message.holds_secret:
                message.text_body = message.html_body = ERASED_BODY
            session.add(message)
    with job.transaction() as session:
        job.finish(session)


def requeue_kept(session: Session, *, limit: int = 1000) -> int:
    """Queue the kept messages again (once an SMTP server is configured); returns how many."""
    rows = session.exec(select(MailMessage).where(MailMessage.status == KEPT).limit(limit)).all()
    for message in rows:
        message.status = QUEUED
        session.add(message)
        queue.enqueue(session, SEND, {"message_id": message.id}, key=str(message.id))
    session.flush()
    return len(rows)


KIND = JobKind(SEND, deliver, max_attempts=20, lease_seconds=300.0, backoff_seconds=10.0, backoff_cap_seconds=3600.0)
