"""Reading the one-time links out of the mail the outbox holds."""

from __future__ import annotations

import re

from sqlmodel import select

from app.mail.models import MailMessage


def mailed_link(session, email: str, kind: str) -> str:  # type: ignore[no-untyped-def]
    """The path of the newest `/invite/…` or `/reset/…` link mailed to `email`."""
    message = session.exec(select(MailMessage).where(MailMessage.to_addr == email)
                           .order_by(MailMessage.id.desc())).first()  # type: ignore[union-attr]
    assert message is not None, f"no mail to {email}"
    found = re.search(rf"https?://[^/\s]+(/{kind}/[A-Za-z0-9_-]+)", message.text_body)
    assert found, message.text_body
    return found.group(1)
