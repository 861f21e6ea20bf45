"""Events are written in the transaction of their change: with it, or not at all; ids only."""

from __future__ import annotations

import json

import pytest
from sqlmodel import col, select

from app.jobs.models import Job
from app.models import utcnow
from app.take import service as take
from app.webhooks import service
from app.webhooks.models import WebhookDelivery, WebhookEvent
from app.webhooks.outbox import JOB_KIND
from tests.factories import make_candidate, make_interview

pytestmark = pytest.mark.usefixtures("loopback_allowed")
ROUND = "round_01"


def events(session, event_type=None):  # type: ignore[no-untyped-def]
    query = select(WebhookEvent).order_by(col(WebhookEvent.created_at))
    if event_type:
        query = query.where(WebhookEvent.type == event_type)
    return list(session.exec(query).all())


def test_outbox_writes_the_event_and_a_delivery_per_subscribed_endpoint(session):
    wanted, _ = service.create_endpoint(session, url="http://127.0.0.1:9/a", events=["interview.created"], actor=None)
    service.create_endpoint(session, url="http://127.0.0.1:9/b", events=["round.submitted"], actor=None)
    candidate = make_candidate(session, name="Ada Lovelace", email="ada@example.test")
    created = make_interview(session, candidate=candidate)
    [event] = events(session, "interview.created")
    assert event.data["interview_id"] == created.interview.id and event.data["job_spec"] == "senior-backend-payments"
    assert event.data["version"].startswith("v")
    assert "Ada" not in json.dumps(event.data) and "ada@" not in json.dumps(event.data)
    [row] = session.exec(select(WebhookDelivery).where(WebhookDelivery.event_id == event.id)).all()
    assert row.endpoint_id == wanted.id and row.lane == f"interview:{created.interview.id}"
    job = session.exec(select(Job).where(Job.kind == JOB_KIND, Job.key == f"{wanted.id}:{row.lane}")).one()
    assert job.payload == {"endpoint_id": wanted.id, "lane": row.lane}


def test_outbox_round_submitted_names_the_round(session):
    service.create_endpoint(session, url="http://127.0.0.1:9/a", events=["round.submitted"], actor=None)
    interview = make_interview(session).interview
    take.start_round(session, interview, ROUND, now=utcnow())
    take.submit_round(session, interview, ROUND, now=utcnow())
    [event] = events(session, "round.submitted")
    assert event.data["round"] == ROUND and event.data["interview_id"] == interview.id


def test_outbox_rolled_back_change_writes_no_event(session):
    service.create_endpoint(session, url="http://127.0.0.1:9/a", events=["interview.created"], actor=None)
    session.flush()
    savepoint = session.begin_nested()
    make_interview(session)
    assert len(events(session, "interview.created")) == 1
    savepoint.rollback()
    assert events(session) == []
    assert session.exec(select(WebhookDelivery)).all() == []
    assert session.exec(select(Job).where(Job.kind == JOB_KIND)).all() == []


def test_outbox_without_endpoints_writes_nothing(session):
    make_interview(session)
    assert events(session) == []


def test_outbox_internal_changes_are_not_delivered(session):
    from app.changes import Change, ChangeKind
    from app.webhooks.outbox import WebhookOutbox

    service.create_endpoint(session, url="http://127.0.0.1:9/a", events=["scorecard.submitted"], actor=None)
    interview = make_interview(session).interview
    for kind in (ChangeKind.SCORECARD_AMENDED, ChangeKind.INTERVIEW_REOPENED, ChangeKind.SUGGESTIONS_STORED):
        WebhookOutbox().in_transaction(session, Change(kind, interview.spec_id, (interview.id,)))
    assert events(session) == []
