"""A small closed-loop HTTP load generator: N keep-alive connections for a fixed time.

It speaks just enough HTTP/1.1 over asyncio streams (one request at a time per connection,
`Content-Length` bodies) that the generator itself stays cheap: a general-purpose client with a
shared connection pool spends more time on its own bookkeeping than the servers under test take
to answer, and at 64 connections it becomes the bottleneck it is meant to measure."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

RequestFactory = Callable[[int, int], tuple[str, str, dict]]  # (worker, n) -> (method, path, json)


@dataclass
class LoadResult:
    requests: int
    errors: int
    seconds: float
    latencies: list[float]

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        """Latency percentile in milliseconds."""
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000


class Connection:
    """One keep-alive HTTP/1.1 connection; reconnects after the server closes it."""

    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(self, method: str, path: str, body: dict | None) -> int:
        """Send one request and read the whole response; returns its status code."""
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        payload = json.dumps(body).encode() if body is not None else b""
        head = (f"{method} {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
                f"Content-Type: application/json\r\nAccept: application/json\r\n"
                f"Content-Length: {len(payload)}\r\n\r\n").encode()
        self.writer.write(head + payload)
        await self.writer.drain()
        status_line = await self.reader.readline()
        if not status_line:
            raise ConnectionError("server closed the connection")
        status = int(status_line.split()[1])
        length, close = 0, False
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            name = name.strip().lower()
            if name == "content-length":
                length = int(value)
            elif name == "connection" and value.strip().lower() == "close":
                close = True
        if length:
            await self.reader.readexactly(length)
        if close:
            await self.close()
        return status

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            try:
                await self.writer.wait_closed()
            except OSError:
                pass
        self.reader = self.writer = None


async def _run(base_url: str, make: RequestFactory, connections: int, seconds: float,
               ok: Callable[[int], bool]) -> LoadResult:
    parts = urlsplit(base_url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    latencies: list[float] = []
    errors = 0
    stop = time.perf_counter() + seconds

    async def worker(w: int) -> None:
        nonlocal errors
        conn = Connection(host, port)
        n = 0
        while time.perf_counter() < stop:
            n += 1
            method, path, body = make(w, n)
            started = time.perf_counter()
            try:
                good = ok(await conn.request(method, path, body))
            except (OSError, ConnectionError, ValueError, IndexError, asyncio.IncompleteReadError):
                good = False
                await conn.close()
            latencies.append(time.perf_counter() - started)
            errors += not good
        await conn.close()

    began = time.perf_counter()
    await asyncio.gather(*(worker(w) for w in range(connections)))
    elapsed = time.perf_counter() - began
    return LoadResult(len(latencies), errors, elapsed, latencies)


def run_load(base_url: str, make: RequestFactory, *, connections: int = 64, seconds: float = 5.0,
             ok: Callable[[int], bool] = lambda status: status < 400) -> LoadResult:
    """Drive the server with `connections` concurrent clients for `seconds`."""
    return asyncio.run(_run(base_url, make, connections, seconds, ok))
