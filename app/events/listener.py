"""One LISTEN connection per process: Postgres notifications → the in-process broker.

Started from the app's lifespan (`start`) as a background task on an async psycopg connection
in autocommit mode; it reconnects with a short back-off when the connection drops and stops on
shutdown (`stop`), which also ends every open stream."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal

from sqlalchemy.engine import make_url

from app.events.bus import CHANNEL, Event, broker

log = logging.getLogger("calibrate.events")
RETRY_SECONDS = (0.5, 1, 2, 5)
current: Listener | None = None  # this process's listener while the app runs (Postgres only)


def libpq_url(database_url: str) -> str | None:
    """The plain libpq URL behind a SQLAlchemy Postgres URL; None for other databases."""
    url = make_url(database_url)
    if not url.drivername.startswith("postgres"):
        return None
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


class Listener:
    """The process's LISTEN task."""

    def __init__(self, conninfo: str) -> None:
        self.conninfo = conninfo
        self.ready = asyncio.Event()
        self._task: asyncio.Task | None = None

    def start(self) -> None:
        """Start listening in the background."""
        self._task = asyncio.get_running_loop().create_task(self._run(), name="calibrate-listen")

    async def stop(self) -> None:
        """Stop listening and close the connection."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task

    async def _run(self) -> None:
        import psycopg

        attempt = 0
        while True:
            try:
                async with await psycopg.AsyncConnection.connect(self.conninfo, autocommit=True) as conn:
                    await conn.execute(f"LISTEN {CHANNEL}")
                    self.ready.set()
                    attempt = 0
                    async for note in conn.notifies():
                        if (item := Event.from_json(note.payload)) is not None:
                            broker.deliver(item)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # the connection dropped: retry
                self.ready.clear()
                delay = RETRY_SECONDS[min(attempt, len(RETRY_SECONDS) - 1)]
                attempt += 1
                log.warning("event listener lost its connection (%s); retrying in %ss", exc, delay)
                await asyncio.sleep(delay)


def end_streams_on_exit_signal() -> None:
    """Make uvicorn's exit signal end the SSE streams first, so shutdown need not wait for them.

    Uvicorn waits for open responses before running the lifespan shutdown; a stream never ends
    by itself, so the signal handler closes the broker, and every stream says goodbye and ends.
    """
    try:
        from uvicorn.server import Server
    except ImportError:  # pragma: no cover - uvicorn is a dependency
        return
    original = Server.handle_exit
    if getattr(original, "_calibrate", False):
        return

    def handle_exit(self, sig: int, frame) -> None:  # type: ignore[no-untyped-def]
        if sig in (signal.SIGINT, signal.SIGTERM):
            broker.close()
        original(self, sig, frame)

    handle_exit._calibrate = True  # type: ignore[attr-defined]
    Server.handle_exit = handle_exit  # type: ignore[method-assign]


@contextlib.asynccontextmanager
async def running(database_url: str | None = None):  # type: ignore[no-untyped-def]
    """Lifespan helper: listen on Postgres, end streams on shutdown."""
    if database_url is None:
        from app.settings import get_settings

        database_url = get_settings().database_url
    broker.reopen()
    end_streams_on_exit_signal()
    conninfo = libpq_url(database_url)
    global current
    listener = Listener(conninfo) if conninfo else None
    if listener:
        listener.start()
        current = listener
    try:
        yield listener
    finally:
        broker.close()
        if listener:
            await listener.stop()
            current = None
