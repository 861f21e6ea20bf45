"""The admission limit: never more requests inside the handlers than connections to serve them,
and a stream leaves the count once its headers are sent."""

from __future__ import annotations

import asyncio

from app.middleware import AdmissionLimit
from tests import aio


def test_a_burst_never_has_more_than_the_limit_inside_and_everyone_is_served() -> None:
    inside = peak = 0

    async def handler(scope, receive, send) -> None:  # type: ignore[no-untyped-def]
        nonlocal inside, peak
        inside += 1
        peak = max(peak, inside)
        await asyncio.sleep(0.01)
        inside -= 1
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    limited = AdmissionLimit(handler, limit=3)
    sent: list[int] = []

    async def one() -> None:
        async def send(message) -> None:  # type: ignore[no-untyped-def]
            if message["type"] == "http.response.start":
                sent.append(message["status"])
        await limited({"type": "http", "path": "/x"}, None, send)

    async def burst() -> None:
        await asyncio.gather(*(one() for _ in range(40)))

    aio.run(burst())
    assert peak == 3 and sent == [200] * 40


def test_streams_release_their_slot_when_headers_are_sent_and_failures_release_too() -> None:
    async def scenario() -> list[str]:
        done = asyncio.Event()
        log: list[str] = []

        async def streaming(scope, receive, send) -> None:  # type: ignore[no-untyped-def]
            if scope["path"] == "/boom":
                raise RuntimeError("handler failed")
            await send({"type": "http.response.start", "status": 200, "headers": []})
            log.append("stream open")
            await done.wait()
            await send({"type": "http.response.body", "body": b""})

        limited = AdmissionLimit(streaming, limit=1)

        async def noop(message) -> None:  # type: ignore[no-untyped-def]
            return None

        async def failing() -> None:
            try:
                await limited({"type": "http", "path": "/boom"}, None, noop)
            except RuntimeError:
                log.append("failed")

        streams = [asyncio.create_task(limited({"type": "http", "path": "/s"}, None, noop)) for _ in range(3)]
        await failing()
        await asyncio.sleep(0.05)
        log.append(f"open before release: {log.count('stream open')}")
        done.set()
        await asyncio.wait_for(asyncio.gather(*streams), timeout=1)
        return log

    log = aio.run(scenario())
    assert "open before release: 3" in log and "failed" in log
