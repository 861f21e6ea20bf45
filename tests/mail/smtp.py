"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives, parsed."""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller

from app.settings import get_settings
from tests.server import free_port


class Inbox:
    """The aiosmtpd handler: every accepted message, as bytes and parsed."""

    def __init__(self, delay: float = 0.0) -> None:
        self.raw: list[bytes] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.delay = delay
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        if self.delay:
            await asyncio.sleep(self.delay)
        with self.lock:
            self.raw.append(envelope.original_content or envelope.content)
            self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 2.0.0 Ok: queued"

    @property
    def messages(self) -> list[EmailMessage]:
        """What arrived, parsed with the modern email policy."""
        with self.lock:
            return [message_from_bytes(raw, policy=policy.default) for raw in self.raw]  # type: ignore[misc]


class SmtpServer:
    """An SMTP server on a fixed loopback port that can be stopped and started again."""

    def __init__(self, inbox: Inbox | None = None) -> None:
        self.port = free_port()
        self.inbox = inbox or Inbox()
        self.controller: Controller | None = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@contextmanager
def mail_settings(**values: str) -> Iterator[None]:
    """Set CALIBRATE_* mail settings for the block (the cached settings are rebuilt)."""
    before = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    get_settings.cache_clear()
    try:
        yield
    finally:
        for key, value in before.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        get_settings.cache_clear()


def body_text(message: EmailMessage, kind: str) -> str:
    """The plain (`plain`) or HTML (`html`) part of a received message."""
    part = message.get_body(preferencelist=(kind,))
    assert part is not None, f"no {kind} part"
    return part.get_content()
