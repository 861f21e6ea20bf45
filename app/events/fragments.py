"""One render per spec, view and process, shared by every open dashboard stream (DESIGN: Scale).

Streams of one spec and view share a channel. The channel alone listens to the broker: when the
spec's dashboard moves it renders the fragments once, in a worker thread, keeps only those that
changed since its last render, formats them as one SSE message block, encodes it once, and hands
the same bytes to every stream's queue. Renders are coalesced: at most one per `MIN_INTERVAL`
seconds per channel, and every event that arrives meanwhile is answered by the next render, which
reads the latest rows. So a scorecard submitted while a thousand managers watch costs one render
and sends the few fragments it moved (the live cards and charts; the ranking's first page and the
reliability panel only when they changed), not a thousand renders of the whole page.

Everything here runs on the event loop of the streams (one per process under uvicorn); channels
are kept per loop, so tests that serve from several loops do not share one."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from anyio import to_thread

from app.events.bus import CLOSED, Event, broker
from app.metrics import SSE_CLIENTS

log = logging.getLogger("calibrate.events")
MIN_INTERVAL = 1.0
Fragments = list[tuple[str, str]]
Renderer = Callable[[], Fragments]


def sse_message(event: str, data: str) -> str:
    """One SSE message; every line of `data` becomes a `data:` line."""
    lines = "".join(f"data: {line}\n" for line in data.splitlines() or [""])
    return f"event: {event}\n{lines}\n"


def _offer(queue: asyncio.Queue, item: bytes | None) -> None:
    """Latest wins: a stream that has not sent the previous fragments yet only needs the newest."""
    while queue.full():
        queue.get_nowait()
    queue.put_nowait(item)


def _drain(queue: asyncio.Queue) -> list[Event | None]:
    items = []
    while not queue.empty():
        items.append(queue.get_nowait())
    return items


@dataclass
class Channel:
    """The streams of one spec and view in this process, and the task that renders for them."""

    spec_id: str
    render: Renderer
    interval: float
    streams: set[asyncio.Queue] = field(default_factory=set)
    renders: int = 0
    task: asyncio.Task | None = None
    sent: dict[str, str] = field(default_factory=dict)  # the last text of each fragment

    def publish(self, item: bytes | None) -> None:
        """Hand a block of SSE messages (or CLOSED) to every open stream."""
        for queue in list(self.streams):
            _offer(queue, item)

    def changed(self, fragments: Fragments) -> bytes:
        """The SSE messages of the fragments whose text moved since the last render, encoded once."""
        moved = [(name, html) for name, html in fragments if self.sent.get(name) != html]
        self.sent.update(moved)
        return "".join(sse_message(name, html) for name, html in moved).encode()

    async def run(self) -> None:
        """Wait for the spec's events; render at most once per interval; publish to every stream."""
        loop = asyncio.get_running_loop()
        last = float("-inf")
        async with broker.subscribe() as events:
            while True:
                items = [await events.get()] + _drain(events)
                if CLOSED in items:
                    return self.publish(CLOSED)
                if not any(i.spec_id == self.spec_id for i in items):
                    continue
                if (wait := last + self.interval - loop.time()) > 0:
                    await asyncio.sleep(wait)  # what arrives meanwhile is in the render below
                    if CLOSED in _drain(events):
                        return self.publish(CLOSED)
                last = loop.time()
                try:
                    fragments = await to_thread.run_sync(self.render)
                except Exception:  # noqa: BLE001 - a failed render must not end the streams
                    log.exception("dashboard fragments failed to render", extra={"spec_id": self.spec_id})
                    continue
                self.renders += 1
                if block := self.changed(fragments):
                    self.publish(block)


class FragmentHub:
    """The channels of this process."""

    def __init__(self, interval: float = MIN_INTERVAL) -> None:
        self.interval = interval
        self.channels: dict[tuple[int, str, str], Channel] = {}

    @property
    def stream_count(self) -> int:
        """How many streams are open in this process."""
        return sum(len(c.streams) for c in list(self.channels.values()))

    @asynccontextmanager
    async def subscribe(self, spec_id: str, view: str, render: Renderer) -> AsyncIterator[asyncio.Queue]:
        """A queue receiving the spec's changed fragments for `view` as SSE bytes (and CLOSED on
        shutdown) until the block exits.
        Every stream of a spec and view renders the same fragments, so the first one's `render` serves all."""
        key = (id(asyncio.get_running_loop()), spec_id, view)
        channel = self.channels.get(key)
        if channel is None:
            channel = self.channels[key] = Channel(spec_id, render, self.interval)
            channel.task = asyncio.get_running_loop().create_task(channel.run(), name=f"calibrate-fragments-{view}")
        queue: asyncio.Queue = asyncio.Queue(maxsize=1)
        channel.streams.add(queue)
        if broker.closed:
            queue.put_nowait(CLOSED)
        try:
            yield queue
        finally:
            channel.streams.discard(queue)
            if not channel.streams and self.channels.get(key) is channel:
                del self.channels[key]
                if channel.task is not None:
                    channel.task.cancel()


hub = FragmentHub()
SSE_CLIENTS.set_function(lambda: hub.stream_count)
