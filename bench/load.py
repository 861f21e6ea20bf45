"""A small closed-loop HTTP load generator: N concurrent connections for a fixed time."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx

RequestFactory = Callable[[int, int], tuple[str, str, dict]]  # (worker, n) -> (method, url, json)


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


async def _run(base_url: str, make: RequestFactory, connections: int, seconds: float,
               ok: Callable[[int], bool]) -> LoadResult:
    latencies: list[float] = []
    errors = 0
    stop = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)

    async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=30) as client:
        async def worker(w: int) -> None:
            nonlocal errors
            n = 0
            while time.perf_counter() < stop:
                n += 1
                method, url, body = make(w, n)
                started = time.perf_counter()
                try:
                    response = await client.request(method, url, json=body)
                    good = ok(response.status_code)
                except httpx.HTTPError:
                    good = False
                latencies.append(time.perf_counter() - started)
                errors += not good

        began = time.perf_counter()
        await asyncio.gather(*(worker(w) for w in range(connections)))
        elapsed = time.perf_counter() - began
    return LoadResult(len(latencies), errors, elapsed, latencies)


def run_load(base_url: str, make: RequestFactory, *, connections: int = 64, seconds: float = 5.0,
             ok: Callable[[int], bool] = lambda status: status < 400) -> LoadResult:
    """Drive the server with `connections` concurrent clients for `seconds`."""
    return asyncio.run(_run(base_url, make, connections, seconds, ok))
