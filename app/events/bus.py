"""Dashboard events and their fan-out to the SSE streams of this process.

`LiveDashboards`, a change handler, never delivers anything that was not committed:

* on Postgres it runs `pg_notify` inside the caller's transaction; Postgres delivers the
  notification on commit (and drops it on rollback) to every listening process, this one
  included through its listener (app/events/listener.py);
* on SQLite it hands the committed changes to the in-process broker (app/changes.py calls it
  after the commit; a rollback discards them).

The broker keeps one asyncio queue per subscriber together with the loop that owns it, so events
published from worker threads reach the streams through `call_soon_threadsafe`.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import asdict, dataclass

from sqlalchemy import text
from sqlalchemy.orm import Session as OrmSession

from app.changes import Change

log = logging.getLogger("calibrate.events")

CHANNEL = "calibrate_events"
CLOSED = None  # the sentinel a subscriber receives when the broker closes (server shutdown)


@dataclass(frozen=True)
class Event:
    """Something changed for a spec's dashboard."""

    spec_id: str
    kind: str

    def to_json(self) -> str:
        """The NOTIFY payload."""
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, payload: str) -> Event | None:
        """Parse a NOTIFY payload; None when it is not ours."""
        try:
            data = json.loads(payload)
            return cls(spec_id=str(data["spec_id"]), kind=str(data["kind"]))
        except (ValueError, KeyError, TypeError):
            return None


class Broker:
    """In-process fan-out from publishers (any thread) to subscribers (asyncio queues)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._subscribers: dict[asyncio.Queue, asyncio.AbstractEventLoop] = {}
        self.closed = False

    @asynccontextmanager
    async def subscribe(self) -> AsyncIterator[asyncio.Queue]:
        """A queue receiving every event (and `CLOSED` on shutdown) until the block exits."""
        queue: asyncio.Queue = asyncio.Queue(maxsize=256)
        with self._lock:
            self._subscribers[queue] = asyncio.get_running_loop()
        if self.closed:
            queue.put_nowait(CLOSED)
        try:
            yield queue
        finally:
            with self._lock:
                self._subscribers.pop(queue, None)

    @property
    def subscriber_count(self) -> int:
        """How many streams are listening in this process."""
        with self._lock:
            return len(self._subscribers)

    def deliver(self, item: Event | None) -> None:
        """Hand an event (or CLOSED) to every subscriber; safe from any thread."""
        with self._lock:
            targets = list(self._subscribers.items())
        for queue, loop in targets:
            try:
                loop.call_soon_threadsafe(_offer, queue, item)
            except RuntimeError:  # the subscriber's loop is gone
                with self._lock:
                    self._subscribers.pop(queue, None)

    def close(self) -> None:
        """End every stream (server shutdown)."""
        self.closed = True
        self.deliver(CLOSED)

    def reopen(self) -> None:
        """Accept streams again (a new app lifespan in the same process, as in tests)."""
        self.closed = False


def _offer(queue: asyncio.Queue, item: Event | None) -> None:
    if queue.full() and item is not CLOSED:
        return  # a stalled stream only needs to know that something changed
    if queue.full():
        queue.get_nowait()
    queue.put_nowait(item)


broker = Broker()


def notify(session: OrmSession, item: Event) -> None:
    """Queue a NOTIFY in the session's transaction (Postgres delivers it on commit, drops it on rollback)."""
    session.connection().execute(text("SELECT pg_notify(:channel, :payload)"),
                                 {"channel": CHANNEL, "payload": item.to_json()})


def _is_postgres(session: OrmSession) -> bool:
    return session.get_bind().dialect.name == "postgresql"


class LiveDashboards:
    """Change handler (app/changes.py): every recorded change reaches the spec's open dashboards.

    On Postgres through NOTIFY inside the transaction, so every process hears it on commit; on
    SQLite straight to this process's broker once the transaction has committed."""

    def in_transaction(self, session: OrmSession, change: Change) -> None:
        """On Postgres: NOTIFY with the change (one that moves nothing on a dashboard is not sent)."""
        if _is_postgres(session) and change.kind.moves_scores:
            notify(session, Event(change.spec_id, change.kind.value))

    def after_commit(self, session: OrmSession, changes: Sequence[Change]) -> None:
        """On SQLite: each distinct event of the committed changes to the broker."""
        if not _is_postgres(session):
            for item in dict.fromkeys(Event(c.spec_id, c.kind.value) for c in changes if c.kind.moves_scores):
                broker.deliver(item)
