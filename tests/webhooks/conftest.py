"""Webhook test helpers: committed endpoints and events (the worker reads them from its own
connections), a clock the tests move instead of sleeping, and a worker driven with run_once."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from sqlalchemy import delete
from sqlmodel import Session, col, select

from app.db import session_scope
from app.jobs.models import Job
from app.jobs.registry import Registry
from app.jobs.worker import Worker
from app.models import new_id, utcnow
from app.settings import get_settings
from app.webhooks import delivery, signing, vault
from app.webhooks.models import WebhookDelivery, WebhookEndpoint, WebhookEvent
from app.webhooks.outbox import EVENT_TYPES, JOB_KIND, publish


@dataclass
class Clock:
    """The worker's idea of now, moved by the test."""

    now: datetime

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def loopback_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    """CALIBRATE_ALLOW_HTTP_WEBHOOKS=1 for this test (receivers listen on loopback)."""
    monkeypatch.setattr(get_settings(), "allow_http_webhooks", True)


def clean(engine) -> None:  # type: ignore[no-untyped-def]
    """Remove what committed webhook tests wrote (other tests share the database)."""
    with Session(engine) as session:
        session.execute(delete(WebhookDelivery))
        session.execute(delete(WebhookEvent))
        session.execute(delete(WebhookEndpoint))
        session.execute(delete(Job).where(col(Job.kind) == JOB_KIND))
        session.commit()


@pytest.fixture
def committed(engine) -> Iterator[Session]:  # type: ignore[no-untyped-def]
    """A session whose commits are real; everything webhook-related is removed afterwards."""
    clean(engine)
    with Session(engine, expire_on_commit=False) as session:
        yield session
    clean(engine)


@pytest.fixture
def clock() -> Clock:
    return Clock(utcnow() + timedelta(seconds=5))  # a little ahead of the rows the test writes


@pytest.fixture
def worker(engine, clock: Clock) -> Worker:  # type: ignore[no-untyped-def]
    """A worker that runs webhook deliveries only, on its own connections, on the test's clock."""
    return Worker(Registry().add_all(delivery.KINDS), lambda: session_scope(engine), clock=clock)


def make_endpoint(session: Session, url: str, *, events: tuple[str, ...] = EVENT_TYPES,
                  paused: bool = False) -> tuple[WebhookEndpoint, str]:
    """An endpoint row with a fresh secret (committed tests skip the audited service path)."""
    endpoint_id, secret = new_id(), signing.new_secret()
    endpoint = WebhookEndpoint(id=endpoint_id, url=url, events=list(events), paused=paused,
                               secret_sealed=vault.seal(secret, endpoint_id=endpoint_id))
    session.add(endpoint)
    session.commit()
    return endpoint, secret


def send(session: Session, endpoints: list[WebhookEndpoint], *, interview: str = "i-1",
         event_type: str = "round.submitted", at: datetime | None = None) -> WebhookEvent:
    """An event of an interview, written and committed as a change would."""
    event = publish(session, event_type, {"interview_id": interview, "job_spec": "spec"}, lane=f"interview:{interview}",
                    endpoints=endpoints)
    if at is not None:
        event.created_at = at
        for row in session.exec(select(WebhookDelivery).where(WebhookDelivery.event_id == event.id)).all():
            row.created_at = row.next_attempt_at = at
            session.add(row)
        for job in session.exec(select(Job).where(col(Job.kind) == JOB_KIND)).all():
            job.run_after = min(job.run_after, at)
            session.add(job)
    session.commit()
    return event


def drain(worker: Worker, clock: Clock, *, steps: int = 30, **step: float) -> None:
    """Run the worker, moving the clock by `step` between passes, until nothing is due."""
    for _ in range(steps):
        worker.run_once(limit=50)
        clock.advance(**(step or {"hours": 1}))


def deliveries(session: Session, event: WebhookEvent) -> list[WebhookDelivery]:
    """The event's deliveries as the worker left them (the read ends at once: SQLite has one writer)."""
    rows = list(session.exec(select(WebhookDelivery).where(WebhookDelivery.event_id == event.id)
                             .order_by(col(WebhookDelivery.id)).execution_options(populate_existing=True)).all())
    session.commit()
    return rows
