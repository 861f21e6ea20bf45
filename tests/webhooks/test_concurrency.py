"""Several workers (app instances) on PostgreSQL deliver each event once, in order per interview."""

from __future__ import annotations

import json
import threading

import pytest

from tests.conftest import IS_POSTGRES
from tests.webhooks.conftest import make_endpoint, send
from tests.webhooks.receiver import Receiver

pytestmark = [pytest.mark.skipif(not IS_POSTGRES, reason="SKIP LOCKED claims need PostgreSQL"),
              pytest.mark.usefixtures("loopback_allowed")]


def test_two_workers_deliver_each_event_once_in_order(committed, engine, clock):
    from app.db import session_scope
    from app.jobs.registry import Registry
    from app.jobs.worker import Worker
    from app.webhooks import delivery

    receiver = Receiver().start()
    try:
        endpoint, receiver.secret = make_endpoint(committed, receiver.url)
        events = [send(committed, [endpoint], interview=f"i-{n % 4}") for n in range(24)]
        workers = [Worker(Registry().add_all(delivery.KINDS), lambda: session_scope(engine), clock=clock)
                   for _ in range(2)]

        def run(worker: Worker) -> None:
            while worker.run_once(limit=50):
                pass

        threads = [threading.Thread(target=run, args=(w,)) for w in workers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        got = [json.loads(r.body) for r in receiver.acknowledged]
        assert sorted(b["id"] for b in got) == sorted(e.id for e in events)  # each once, none lost
        for n in range(4):
            lane = [b["id"] for b in got if b["data"]["interview_id"] == f"i-{n}"]
            assert lane == [e.id for e in events if e.data["interview_id"] == f"i-{n}"]
    finally:
        receiver.stop()
