"""Server-Sent Events: a stream that waits on the broker and sends re-rendered fragments.

The stream holds no database connection while idle: the route checks access with its
request session, which FastAPI closes when the handler returns (before the body streams), and
`render` opens a short session of its own only when an event for this spec arrives."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable

from anyio import to_thread
from fastapi import Request

from app.events.bus import CLOSED, broker

HEARTBEAT_SECONDS = 15.0
RETRY_MS = 3000

Renderer = Callable[[], list[tuple[str, str]]]


def sse_message(event: str, data: str) -> str:
    """One SSE message; every line of `data` becomes a `data:` line."""
    lines = "".join(f"data: {line}\n" for line in data.splitlines() or [""])
    return f"event: {event}\n{lines}\n"


async def event_stream(request: Request, *, spec_id: str, render: Renderer,
                       heartbeat: float = HEARTBEAT_SECONDS) -> AsyncIterator[str]:
    """Fragments for every change to the spec's dashboard, heartbeats while idle, a goodbye at shutdown."""
    async with broker.subscribe() as queue:
        yield f"retry: {RETRY_MS}\n: connected\n\n"
        while True:
            try:
                item = await asyncio.wait_for(queue.get(), timeout=heartbeat)
            except TimeoutError:
                if await request.is_disconnected():
                    return
                yield ": heartbeat\n\n"
                continue
            items = [item] + _drain(queue)
            if CLOSED in items:
                yield sse_message("bye", "server shutting down")
                return
            if any(i.spec_id == spec_id for i in items):
                for name, html in await to_thread.run_sync(render):
                    yield sse_message(name, html)


def _drain(queue: asyncio.Queue) -> list:
    """Everything else already queued: a burst of events is rendered once."""
    items = []
    while not queue.empty():
        items.append(queue.get_nowait())
    return items
