"""On Postgres an event published by another process reaches a stream served by this one."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import httpx
import pytest

from tests.conftest import IS_POSTGRES, ROOT, TEST_DATABASE_URL
from tests.dashboard.helpers import SPEC
from tests.events.conftest import SSEReader
from tests.events.test_stream import _wait_for, _wait_for_listener

pytestmark = pytest.mark.skipif(not IS_POSTGRES, reason="LISTEN/NOTIFY needs PostgreSQL")

PUBLISHER = textwrap.dedent("""
    from app import changes
    from app.changes import ChangeKind
    from app.specs.service import get_spec
    from app.wiring import session_scope
    with session_scope() as session:
        changes.record(session, ChangeKind.SCORECARD_SUBMITTED, spec_id=get_spec(session, {slug!r}).id)
""")


def test_notify_from_another_process_reaches_this_process_stream(thread_server, committed_manager) -> None:
    from app.events import broker

    with httpx.stream("GET", f"{thread_server.base_url}/specs/{SPEC}/events", headers=committed_manager,
                      timeout=15) as response:
        reader = SSEReader(response)
        _wait_for(lambda: broker.subscriber_count >= 1)
        _wait_for_listener(thread_server)
        env = {**os.environ, "DATABASE_URL": TEST_DATABASE_URL}
        subprocess.run([sys.executable, "-c", PUBLISHER.format(slug=SPEC)], cwd=ROOT, env=env, check=True,
                       capture_output=True, timeout=60)
        html = reader.next_event("live", timeout=15)
        assert 'id="live-performance"' in html


def test_listener_is_a_single_connection_per_process(thread_server) -> None:
    from app.events import listener

    _wait_for_listener(thread_server)
    assert listener.current is not None and listener.current.ready.is_set()
