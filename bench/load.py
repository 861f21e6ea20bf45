"""A small closed-loop HTTP load generator: N keep-alive connections for a fixed time.

It speaks just enough HTTP/1.1 over asyncio streams (one request at a time per connection,
`Content-Length` bodies) that the generator itself stays cheap: a general-purpose client with a
shared connection pool spends more time on its own bookkeeping than the servers under test take
to answer, and at 64 connections it becomes the bottleneck it is meant to measure."""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

RequestFactory = Callable[[int, int], tuple[str, str, dict]]  # (worker, n) -> (method, path, json)


class BenchRefused(RuntimeError):
    """A measured run had failures: its figures would not mean what they say, so none is printed."""


@dataclass
class LoadResult:
    """What one closed-loop run saw. Only successful responses count as throughput."""

    requests: int
    errors: int
    seconds: float
    latencies: list[float]  # of the successful responses
    failures: Counter = field(default_factory=Counter)  # status code or exception name -> count

    @property
    def ok(self) -> int:
        return self.requests - self.errors

    @property
    def rps(self) -> float:
        """Successful responses per second."""
        return self.ok / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        """Latency percentile of the successful responses, in milliseconds."""
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000

    @classmethod
    def combined(cls, results: Sequence[LoadResult]) -> LoadResult:
        """Several runs of the same server as one."""
        failures: Counter = Counter()
        for result in results:
            failures.update(result.failures)
        return cls(sum(r.requests for r in results), sum(r.errors for r in results), sum(r.seconds for r in results),
                   [t for r in results for t in r.latencies], failures)

    def require_clean(self, name: str) -> LoadResult:
        """This result, or BenchRefused when any request failed or none succeeded."""
        if self.errors or not self.ok:
            seen = ", ".join(f"{what} ×{n}" for what, n in self.failures.most_common(5)) or "no responses"
            raise BenchRefused(f"{name}: {self.errors} of {self.requests} requests failed ({seen})")
        return self


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
        try:  # the whole head at once: a response's header count must not cost the generator
            head = await self.reader.readuntil(b"\r\n\r\n")
        except asyncio.IncompleteReadError as exc:
            raise ConnectionError("server closed the connection") from exc
        status_line, *lines = head[:-4].decode("latin-1").split("\r\n")
        status = int(status_line.split()[1])
        length, close = 0, False
        for line in lines:
            name, _, value = line.partition(":")
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


async def _run(base_urls: Sequence[str], make: RequestFactory, connections: int, seconds: float,
               ok: Callable[[int], bool]) -> LoadResult:
    addresses = [(parts.hostname or "127.0.0.1", parts.port or 80) for parts in map(urlsplit, base_urls)]
    latencies: list[float] = []
    failures: Counter = Counter()
    requests = 0
    stop = time.perf_counter() + seconds

    async def worker(w: int) -> None:
        nonlocal requests
        conn = Connection(*addresses[w % len(addresses)])  # connections spread over the servers
        n = 0
        while time.perf_counter() < stop:
            n += 1
            method, path, body = make(w, n)
            started = time.perf_counter()
            try:
                status = await conn.request(method, path, body)
                failure = None if ok(status) else str(status)
            except (OSError, ConnectionError, ValueError, IndexError, asyncio.IncompleteReadError) as exc:
                failure = type(exc).__name__
                await conn.close()
            requests += 1
            if failure is None:
                latencies.append(time.perf_counter() - started)
            else:
                failures[failure] += 1
        await conn.close()

    began = time.perf_counter()
    await asyncio.gather(*(worker(w) for w in range(connections)))
    elapsed = time.perf_counter() - began
    return LoadResult(requests, sum(failures.values()), elapsed, latencies, failures)


def run_load(base_url: str | Sequence[str], make: RequestFactory, *, connections: int = 64, seconds: float = 5.0,
             ok: Callable[[int], bool] = lambda status: status < 400) -> LoadResult:
    """Drive the server (or several, connections spread over them) with `connections` concurrent
    clients for `seconds`."""
    urls = [base_url] if isinstance(base_url, str) else list(base_url)
    return asyncio.run(_run(urls, make, connections, seconds, ok))
