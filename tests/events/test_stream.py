"""The SSE stream on a real server: fragments on events, heartbeats, no idle database connection,
clean ends on client disconnect and on server shutdown."""

from __future__ import annotations

import signal
import time

import httpx
import pytest
from sqlalchemy import Engine

from app import changes
from app.changes import ChangeKind
from app.db import Session, get_engine
from app.events import broker
from app.specs.service import get_spec
from tests.dashboard.helpers import SPEC
from tests.events.conftest import SSEReader


def _publish_committed(engine: Engine, kind: ChangeKind = ChangeKind.SCORECARD_SUBMITTED) -> None:
    with Session(engine) as session:
        changes.record(session, kind, spec_id=get_spec(session, SPEC).id)
        session.commit()


def _wait_for(predicate, timeout: float = 5.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "condition not reached"
        time.sleep(0.02)


def test_stream_sends_the_live_block_when_the_spec_moves(thread_server, committed_manager, engine: Engine) -> None:
    url = f"{thread_server.base_url}/specs/{SPEC}/events"
    with httpx.stream("GET", url, headers=committed_manager, timeout=10) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        reader = SSEReader(response)
        _wait_for(lambda: broker.subscriber_count >= 1)
        _wait_for_listener(thread_server)
        _publish_committed(engine)
        html = reader.next_event("live")
        assert 'id="live-performance"' in html
        assert "Aggregated from candidates who took this job spec." in html


def test_dashboard_stream_sends_every_fragment(thread_server, committed_manager, engine: Engine) -> None:
    url = f"{thread_server.base_url}/specs/{SPEC}/events?view=dashboard"
    with httpx.stream("GET", url, headers=committed_manager, timeout=10) as response:
        reader = SSEReader(response)
        _wait_for(lambda: broker.subscriber_count >= 1)
        _wait_for_listener(thread_server)
        _publish_committed(engine, ChangeKind.SPEC_VERSION_CREATED)
        assert 'id="live-performance"' in reader.next_event("live")
        assert 'id="charts"' in reader.next_event("charts")
        assert 'id="ranking"' in reader.next_event("ranking")
        assert 'id="reliability"' in reader.next_event("reliability")


def test_stream_holds_no_database_connection_while_idle(thread_server, committed_manager) -> None:
    with httpx.stream("GET", f"{thread_server.base_url}/specs/{SPEC}/events", headers=committed_manager,
                      timeout=10) as response:
        lines = response.iter_lines()
        assert next(lines).startswith("retry:")
        _wait_for(lambda: broker.subscriber_count >= 1)
        time.sleep(0.7)  # past two heartbeats (0.3 s in tests)
        assert get_engine().pool.checkedout() == 0


def test_stream_heartbeats_and_ends_when_the_client_disconnects(thread_server, committed_manager) -> None:
    before = broker.subscriber_count
    with httpx.stream("GET", f"{thread_server.base_url}/specs/{SPEC}/events", headers=committed_manager,
                      timeout=10) as response:
        lines = response.iter_lines()
        seen = [next(lines) for _ in range(5)]
        assert ": heartbeat" in seen
        assert broker.subscriber_count == before + 1
    _wait_for(lambda: broker.subscriber_count == before)


def test_stream_ends_cleanly_on_server_shutdown(thread_server, committed_manager) -> None:
    with httpx.stream("GET", f"{thread_server.base_url}/specs/{SPEC}/events", headers=committed_manager,
                      timeout=10) as response:
        reader = SSEReader(response)
        _wait_for(lambda: broker.subscriber_count >= 1)
        started = time.monotonic()
        thread_server.server.handle_exit(signal.SIGTERM, None)
        assert reader.next_event("bye") == "server shutting down"
        assert [line for line in reader.lines if line] == []  # the body ends
    thread_server.thread.join(timeout=5)
    assert not thread_server.thread.is_alive()
    assert time.monotonic() - started < 3  # did not wait for the graceful-shutdown timeout


def test_stream_is_for_managers_only(thread_server) -> None:
    response = httpx.get(f"{thread_server.base_url}/specs/{SPEC}/events", timeout=5, follow_redirects=False)
    assert response.status_code in (303, 401)


def _wait_for_listener(thread_server) -> None:  # type: ignore[no-untyped-def]
    from app.events import listener

    if listener.current is not None:
        _wait_for(listener.current.ready.is_set)
