"""Fixtures for mail: a loopback SMTP server and a worker that runs inside the test's transaction."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest

from app.jobs.registry import Registry
from app.jobs.worker import Worker
from app.mail import delivery
from app.models import utcnow
from tests.mail.smtp import SmtpServer, mail_settings

BASE_URL = "https://calibrate.example.test"


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    """A running SMTP server, and the settings that point at it."""
    server = SmtpServer()
    server.start()
    with mail_settings(CALIBRATE_SMTP_URL=server.url, CALIBRATE_BASE_URL=BASE_URL,
                       CALIBRATE_MAIL_FROM="Calibrate <hiring@example.test>"):
        yield server
    server.stop()


def shared_sessions(session):  # type: ignore[no-untyped-def]
    """Worker transactions that are savepoints of the test's one transaction."""

    @contextmanager
    def scope():  # type: ignore[no-untyped-def]
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise

    return scope


def mail_worker(session, *, ahead: timedelta = timedelta(0)) -> Worker:  # type: ignore[no-untyped-def]
    """A worker for mail only, whose clock runs `ahead` (to make retries due)."""
    return Worker(Registry().add_all([delivery.KIND]), shared_sessions(session), clock=lambda: utcnow() + ahead)
