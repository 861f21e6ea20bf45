"""Writing mail into the outbox, in the caller's transaction."""

from __future__ import annotations

import logging
import secrets
from typing import Any

from sqlmodel import Session, select

from app.errors import Invalid
from app.jobs import queue
from app.mail import compose
from app.mail.models import MailMessage
from app.people import is_address, one_line

log = logging.getLogger("calibrate.mail")
SEND = "mail.send"


def queue_mail(session: Session, *, template: str, to: str, name: str = "", context: dict[str, Any],
               key: str | None = None, holds_secret: bool = False) -> MailMessage | None:
    """Render a message and queue it for the worker; with a `key` that was used before, nothing
    is queued (None) — one reminder per scorecard, say."""
    if key is not None and session.exec(select(MailMessage.id).where(MailMessage.key == key)).first():
        return None
    to = to.strip()
    if not is_address(to):
        raise Invalid("invalid recipient", errors=[{"loc": ["email"], "msg": "not an email address"}])
    rendered = compose.render(template, {"recipient_name": one_line(name), **context})
    message = MailMessage(template=template, key=key, to_addr=to, to_name=one_line(name),
                          subject=rendered.subject, text_body=rendered.text, html_body=rendered.html,
                          holds_secret=holds_secret, message_id="")
    session.add(message)
    session.flush()
    message.message_id = compose.message_id(message.id, secrets.token_hex(6))  # type: ignore[arg-type]
    session.add(message)
    queue.enqueue(session, SEND, {"message_id": message.id}, key=str(message.id))
    return message


def kept(session: Session, *, limit: int = 100, offset: int = 0) -> list[MailMessage]:
    """The newest messages, for the admins' outbox page."""
    query = select(MailMessage).order_by(MailMessage.id.desc()).offset(offset).limit(limit)  # type: ignore[union-attr]
    return list(session.exec(query).all())
