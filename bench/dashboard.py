"""The dashboard benchmarks: the dashboard JSON against the raw aggregate SQL, autosave with open
dashboard streams, and a change reaching the streams of every worker."""

from __future__ import annotations

import asyncio
import statistics
import time

import httpx
from sqlalchemy import text

from app.db import make_engine
from bench.autosave import autosave_factory
from bench.data import RAW_COUNTS_SQL, RAW_DASHBOARD_SQL
from bench.load import run_load


def timed(fn, repeat: int) -> float:  # type: ignore[no-untyped-def]
    """Median seconds of `repeat` calls."""
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def dashboard_times(url: str, server_url: str, bearer: str, spec_id: str, repeat: int) -> tuple[float, float]:
    """(dashboard JSON seconds, raw aggregate SQL seconds), medians."""
    engine = make_engine(url)
    client = httpx.Client(base_url=server_url, headers={"Authorization": f"Bearer {bearer}"}, timeout=120)
    client.get("/api/v1/job-specs/senior-backend-payments/dashboard").raise_for_status()

    def raw() -> None:
        with engine.connect() as conn:
            conn.execute(text(RAW_COUNTS_SQL), {"spec": spec_id}).all()
            conn.execute(text(RAW_DASHBOARD_SQL), {"spec": spec_id}).all()

    raw()
    api = timed(lambda: client.get("/api/v1/job-specs/senior-backend-payments/dashboard").raise_for_status(), repeat)
    sql = timed(raw, repeat)
    client.close()
    engine.dispose()
    return api, sql


SPEC_STREAM = "/specs/senior-backend-payments/events"


async def hold_streams(server_url: str, bearer: str, count: int, ready: asyncio.Event, stop: asyncio.Event,
                       path: str = SPEC_STREAM) -> int:
    """Open `count` SSE streams of `path` (the spec page's, by default) and keep them open until `stop`."""
    limits = httpx.Limits(max_connections=count + 10)
    opened = 0
    async with httpx.AsyncClient(base_url=server_url, headers={"Authorization": f"Bearer {bearer}"},
                                 limits=limits, timeout=None) as client:
        async def one() -> None:
            nonlocal opened
            async with client.stream("GET", path) as response:
                opened += response.status_code == 200
                if opened >= count:
                    ready.set()
                async for _ in response.aiter_bytes():
                    if stop.is_set():
                        break
        tasks = [asyncio.create_task(one()) for _ in range(count)]
        await asyncio.wait_for(ready.wait(), timeout=120)
        await stop.wait()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    return opened


def _hold_streams_process(server_url: str, bearer: str, count: int, ready, stop, opened,  # type: ignore[no-untyped-def]
                          path: str = SPEC_STREAM) -> None:
    """Child process: hold the streams until the parent says stop (multiprocessing events)."""
    async def main() -> None:
        ready_a, stop_a = asyncio.Event(), asyncio.Event()

        async def relay() -> None:
            while not stop.is_set():
                if ready_a.is_set():
                    ready.set()
                await asyncio.sleep(0.1)
            stop_a.set()

        relay_task = asyncio.create_task(relay())
        opened.value = await hold_streams(server_url, bearer, count, ready_a, stop_a, path)
        await relay_task

    asyncio.run(main())


def sse_throughput(server_url: str, bearer: str, streams: int, tokens, seconds: float,  # type: ignore[no-untyped-def]
                   path: str = SPEC_STREAM) -> tuple[float, int, int]:
    """Autosave req/s while `streams` SSE streams of `path` stay open. The streams are held by another
    process, so the load generator does not share its interpreter with them."""
    import multiprocessing
    ctx = multiprocessing.get_context("spawn")
    ready, stop, opened = ctx.Event(), ctx.Event(), ctx.Value("i", 0)
    holder = ctx.Process(target=_hold_streams_process, args=(server_url, bearer, streams, ready, stop, opened, path),
                         daemon=True)
    holder.start()
    ready.wait(timeout=150)
    try:
        load = run_load(server_url, autosave_factory(tokens), seconds=seconds).require_clean("autosave with streams")
    finally:
        stop.set()
        holder.join(timeout=30)
        if holder.is_alive():
            holder.kill()
    return load.rps, opened.value, load.errors


async def live_streams(server_url: str, bearer: str, streams: int) -> tuple[int, int]:
    """Open dashboard streams (the kernel spreads them over the workers), change the spec's weights
    through the API (served by one worker), and count the streams the update reaches."""
    headers = {"Authorization": f"Bearer {bearer}"}
    reached = 0
    async with httpx.AsyncClient(base_url=server_url, headers=headers, timeout=30,
                                 limits=httpx.Limits(max_connections=streams + 4)) as client:
        opened = asyncio.Event()
        changed = asyncio.Event()
        ready = 0

        async def one() -> None:
            nonlocal ready, reached
            async with client.stream("GET", "/specs/senior-backend-payments/events") as response:
                ready += 1
                if ready == streams:
                    opened.set()
                async for line in response.aiter_lines():
                    if changed.is_set() and line.startswith("event:") and "bye" not in line:
                        reached += 1
                        return

        tasks = [asyncio.create_task(one()) for _ in range(streams)]
        await asyncio.wait_for(opened.wait(), timeout=60)
        await asyncio.sleep(0.5)
        spec = (await client.get("/api/v1/job-specs/senior-backend-payments")).json()
        comps = spec["competencies"]
        a, b = next((x, y) for x in comps for y in comps if x["weight"] != y["weight"])
        changed.set()
        response = await client.patch("/api/v1/job-specs/senior-backend-payments/weights",
                                      json={"weights": {a["id"]: b["weight"], b["id"]: a["weight"]}})
        response.raise_for_status()
        await asyncio.wait(tasks, timeout=20)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    return reached, streams
