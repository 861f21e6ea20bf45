"""Server-Sent Events: a stream that waits for its spec's re-rendered fragments and sends them.

The stream holds no database connection while idle: the route checks access with its
request session, which FastAPI closes when the handler returns (before the body streams), and
the shared render (app/events/fragments.py) opens a short session of its own only when an event
for the spec arrives."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from fastapi import Request

from app.events.bus import CLOSED
from app.events.fragments import Renderer, hub, sse_message

HEARTBEAT_SECONDS = 15.0
RETRY_MS = 3000


async def event_stream(request: Request, *, spec_id: str, view: str, render: Renderer,
                       heartbeat: float = HEARTBEAT_SECONDS) -> AsyncIterator[str | bytes]:
    """Fragments whenever the spec's dashboard moves (rendered once for every stream of the spec and
    view, app/events/fragments.py), heartbeats while idle, a goodbye at shutdown."""
    async with hub.subscribe(spec_id, view, render) as queue:
        yield f"retry: {RETRY_MS}\n: connected\n\n"
        while True:
            try:
                item = await asyncio.wait_for(queue.get(), timeout=heartbeat)
            except TimeoutError:
                if await request.is_disconnected():
                    return
                yield ": heartbeat\n\n"
                continue
            if item is CLOSED:
                yield sse_message("bye", "server shutting down")
                return
            yield item  # the channel's bytes, formatted and encoded once for every stream
