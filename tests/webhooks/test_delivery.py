"""Deliveries to a real receiver on loopback: signatures, retries, outages, order, give-up."""

from __future__ import annotations

import json
import socket

import pytest

from app.webhooks.models import DELIVERED, FAILED, PENDING
from tests.webhooks.conftest import deliveries, drain, make_endpoint, send
from tests.webhooks.receiver import Receiver, documented_verify

pytestmark = pytest.mark.usefixtures("loopback_allowed")


@pytest.fixture
def unaudited(monkeypatch):
    """Service calls on committed rows without leaving audit rows (the audit log refuses deletes)."""
    from app.webhooks import service

    monkeypatch.setattr(service.audit, "record", lambda *args, **kwargs: None)


@pytest.fixture
def receiver():
    started = Receiver().start()
    yield started
    started.stop()


def test_delivery_retries_500_three_times_then_arrives_once_with_one_id(committed, worker, clock, receiver):
    receiver.script = [500, 500, 500]
    endpoint, receiver.secret = make_endpoint(committed, receiver.url)
    event = send(committed, [endpoint])
    drain(worker, clock, steps=8, minutes=5)
    assert [r.status for r in receiver.received] == [500, 500, 500, 200]
    assert len(receiver.acknowledged) == 1
    assert all(r.signature_ok for r in receiver.received)
    assert {r.headers["Calibrate-Event-Id"] for r in receiver.received} == {event.id}
    assert {json.loads(r.body)["id"] for r in receiver.received} == {event.id}
    body = json.loads(receiver.acknowledged[0].body)
    assert set(body) == {"id", "type", "created_at", "data"} and body["type"] == "round.submitted"
    [row] = deliveries(committed, event)
    assert (row.status, row.attempts, row.response_code) == (DELIVERED, 4, 200)
    assert row.duration_ms is not None and row.finished_at is not None


def test_delivery_waits_for_a_receiver_that_was_down(committed, worker, clock):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    receiver = Receiver(port=port)
    endpoint, receiver.secret = make_endpoint(committed, receiver.url)
    events = [send(committed, [endpoint], interview=f"i-{n}") for n in range(3)]
    drain(worker, clock, steps=2, minutes=1)
    rows = [r for e in events for r in deliveries(committed, e)]
    assert all(r.status == PENDING and r.attempts >= 1 and r.response_code is None for r in rows)
    assert all("ConnectError" in (r.error or "") for r in rows)
    receiver.start()
    try:
        drain(worker, clock, steps=6, minutes=30)
    finally:
        receiver.stop()
    assert sorted(json.loads(r.body)["id"] for r in receiver.acknowledged) == sorted(e.id for e in events)
    assert all(r.status == DELIVERED for e in events for r in deliveries(committed, e))


def test_delivery_replayed_body_is_rejected_by_the_documented_verification(committed, worker, clock, receiver):
    endpoint, receiver.secret = make_endpoint(committed, receiver.url)
    send(committed, [endpoint])
    worker.run_once()
    [got] = receiver.received
    verify, header = documented_verify(), got.headers["Calibrate-Signature"]
    signed_at = int(header.split(",")[0].removeprefix("t="))
    assert verify(receiver.secret, got.body, header)
    assert not verify(receiver.secret, got.body, header, now=signed_at + 6 * 60)  # replayed 6 minutes later
    assert not verify(receiver.secret, got.body.replace(b"round", b"rounx"), header)  # tampered body
    assert not verify("whsec_someone-else", got.body, header)


def test_delivery_keeps_interview_order_while_other_interviews_go_on(committed, worker, clock, receiver):
    receiver.script = [503]
    endpoint, receiver.secret = make_endpoint(committed, receiver.url)
    first = send(committed, [endpoint], interview="a", event_type="interview.created")
    second = send(committed, [endpoint], interview="a", event_type="round.submitted")
    other = send(committed, [endpoint], interview="b", event_type="interview.created")
    worker.run_once(limit=50)
    ids = [json.loads(r.body)["id"] for r in receiver.received]
    assert ids.count(first.id) == 1 and second.id not in ids and other.id in ids  # "a" waits behind its retry
    drain(worker, clock, steps=3, minutes=5)
    order = [json.loads(r.body)["id"] for r in receiver.received if json.loads(r.body)["data"]["interview_id"] == "a"]
    assert order == [first.id, first.id, second.id]


def test_delivery_given_up_after_24_hours_is_kept_and_the_lane_moves_on(committed, worker, clock, receiver):
    receiver.script = [500] * 40
    endpoint, receiver.secret = make_endpoint(committed, receiver.url)
    doomed = send(committed, [endpoint])
    drain(worker, clock, steps=12, hours=3)
    [row] = deliveries(committed, doomed)
    assert row.status == FAILED and row.attempts >= 9 and row.response_code == 500
    receiver.script = []
    later = send(committed, [endpoint])
    worker.run_once()
    assert deliveries(committed, later)[0].status == DELIVERED


def test_delivery_does_not_follow_redirects(committed, worker, clock, receiver):
    elsewhere = Receiver().start()
    try:
        receiver.script, receiver.location = [302], elsewhere.url
        endpoint, receiver.secret = make_endpoint(committed, receiver.url)
        event = send(committed, [endpoint])
        worker.run_once()
        [row] = deliveries(committed, event)
        assert (row.status, row.response_code) == (PENDING, 302) and "redirects are not followed" in row.error
        assert elsewhere.received == []
    finally:
        elsewhere.stop()


def test_delivery_after_rotation_carries_both_signatures(committed, worker, clock, receiver, unaudited):
    from app.webhooks import service

    endpoint, old = make_endpoint(committed, receiver.url)
    new = service.rotate_secret(committed, endpoint, actor=None)
    committed.commit()
    send(committed, [endpoint])
    worker.run_once()
    [got] = receiver.received
    verify, header = documented_verify(), got.headers["Calibrate-Signature"]
    assert header.count("v1=") == 2
    assert verify(old, got.body, header) and verify(new, got.body, header)


def test_delivery_of_a_paused_endpoint_waits_for_resume(committed, worker, clock, receiver, unaudited):
    from app.webhooks import service

    endpoint, receiver.secret = make_endpoint(committed, receiver.url, paused=True)
    event = send(committed, [endpoint])
    worker.run_once()
    assert receiver.received == []
    service.set_paused(committed, endpoint, paused=False, actor=None)
    committed.commit()
    worker.run_once()
    assert [json.loads(r.body)["id"] for r in receiver.acknowledged] == [event.id]
