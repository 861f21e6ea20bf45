"""A real server (uvicorn in a thread of this process) on the test database, with committed users."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest
import uvicorn
from sqlalchemy import Engine, delete
from sqlmodel import Session

from app.models import ApiToken, User, WebSession
from tests.factories import bearer, make_user


@dataclass
class ThreadServer:
    base_url: str
    server: uvicorn.Server
    thread: threading.Thread
    app: object


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def thread_server(engine: Engine) -> Iterator[ThreadServer]:
    """The app served by uvicorn on a free port, using the test database directly (commits are real)."""
    from app.main import create_app

    app = create_app(migrate_on_start=False)
    app.state.sse_heartbeat = 0.3
    port = _free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", timeout_graceful_shutdown=3)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "server did not start"
        time.sleep(0.02)
    yield ThreadServer(f"http://127.0.0.1:{port}", server, thread, app)
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def committed_manager(engine: Engine) -> Iterator[dict[str, str]]:
    """Bearer headers of a hiring manager committed to the test database (removed afterwards)."""
    with Session(engine, expire_on_commit=False) as session:
        user = make_user(session, role="hiring_manager")
        headers = bearer(session, user)
        session.commit()
    yield headers
    with Session(engine) as session:
        session.execute(delete(ApiToken).where(ApiToken.user_id == user.id))
        session.execute(delete(WebSession).where(WebSession.user_id == user.id))
        session.execute(delete(User).where(User.id == user.id))
        session.commit()


class SSEReader:
    """Reads SSE messages from a streaming httpx response, with a deadline."""

    def __init__(self, response: httpx.Response):
        self.lines = response.iter_lines()

    def next_event(self, name: str, timeout: float = 10.0) -> str:
        """The data of the next message called `name` (other messages and comments are skipped)."""
        deadline = time.monotonic() + timeout
        event, data = None, []
        for line in self.lines:
            if time.monotonic() > deadline:
                break
            if line.startswith("event: "):
                event = line[len("event: "):]
            elif line.startswith("data: "):
                data.append(line[len("data: "):])
            elif line == "":
                if event == name:
                    return "\n".join(data)
                event, data = None, []
        raise AssertionError(f"no '{name}' event within {timeout}s")
