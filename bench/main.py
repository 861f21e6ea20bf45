"""Calibrate's benchmarks (README: Performance). Prints progress, then one line of figures:

- autosave_ratio: req/s of the real autosave endpoint ÷ req/s of a bare FastAPI endpoint doing one
  INSERT … ON CONFLICT, same machine, same run, 64 connections (plus p50/p99 and errors);
- dashboard_ratio: dashboard JSON time ÷ the raw aggregate SQL time at the base size;
- dashboard_growth: dashboard JSON time at 10× the data ÷ at 1×;
- sse_cost: autosave req/s with N open dashboard streams (held by another process) ÷ without, the
  two runs back to back;
- live_workers: a scorecard submitted through one worker reaches a stream on a multi-worker server.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import text
from sqlmodel import Session, select

from app.db import make_engine, normalise_url
from bench.data import RAW_COUNTS_SQL, RAW_DASHBOARD_SQL, add_interviews
from bench.load import run_load
from bench.servers import app_server, bare_server, environment


WARM_UP_SECONDS = 2.0  # load before each measured run, not counted


def log(message: str) -> None:
    print(f"[bench] {message}", flush=True)


def prepare_database(base_url: str, workdir: Path) -> tuple[str, callable]:
    """A fresh database for this run: a new schema on Postgres, a new file on SQLite."""
    if not base_url.startswith("postgres"):
        return f"sqlite:///{workdir / 'bench.db'}", lambda: None
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    admin = make_engine(base_url)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    separator = "&" if "?" in base_url else "?"
    url = f"{normalise_url(base_url)}{separator}options=-csearch_path%3D{schema}"

    def drop() -> None:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()
    return url, drop


def setup_app_data(url: str, candidates: int) -> dict[str, Any]:
    """Migrate, load specs, and start one written round for each simulated candidate."""
    import os
    os.environ["DATABASE_URL"] = url
    from app.settings import get_settings
    get_settings.cache_clear()
    from app.setup import first_run
    list(first_run({"CALIBRATE_ADMIN_PASSWORD": "bench admin password"}))
    from app.auth.service import create_api_token, create_user, user_by_email
    from app.interviews.service import create_candidate, create_interview
    from app.models import JobSpec
    from app.take import clock, service as take
    engine = make_engine(url)
    tokens: list[tuple[str, str]] = []
    with Session(engine, expire_on_commit=False) as session:
        admin = user_by_email(session, "admin@calibrate.local")
        bearer = create_api_token(session, user=admin)
        raters = [create_user(session, email=f"rater{i}@bench.test", name=f"Rater {i}", role="interviewer",
                              password="bench rater password") for i in range(5)]
        for i in range(candidates):
            cand = create_candidate(session, name=f"Candidate {i}", email=f"c{i}@bench.test", actor=admin)
            new = create_interview(session, candidate_id=cand.id, spec_slug="senior-backend-payments",
                                   interviewers={}, actor=admin)
            attempt = take.start_round(session, new.interview, "round_01", now=clock.now())
            tokens.append((new.token, attempt.questions[0]["id"]))
        spec = session.exec(select(JobSpec).where(JobSpec.slug == "senior-backend-payments")).one()
        session.commit()
    engine.dispose()
    return {"bearer": bearer, "tokens": tokens, "spec_id": spec.id, "raters": [r.id for r in raters]}


_REVISIONS: dict[str, int] = {}  # last revision sent per link, so a later run keeps counting up


def autosave_factory(tokens: list[tuple[str, str]]):  # type: ignore[no-untyped-def]
    def make(worker: int, n: int) -> tuple[str, str, dict]:
        token, question = tokens[worker % len(tokens)]
        revision = _REVISIONS[token] = _REVISIONS.get(token, 0) + 1
        return "PUT", f"/api/v1/take/{token}/rounds/round_01/answers/{question}", {"text": f"draft {n} " * 20, "revision": revision}
    return make


def bare_factory(worker: int, n: int) -> tuple[str, str, dict]:
    return "PUT", f"/bare/answer-{worker}", {"text": f"draft {n} " * 20, "revision": n}


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


async def hold_streams(server_url: str, bearer: str, count: int, ready: asyncio.Event, stop: asyncio.Event) -> int:
    """Open `count` dashboard SSE streams and keep them open until `stop`."""
    limits = httpx.Limits(max_connections=count + 10)
    opened = 0
    async with httpx.AsyncClient(base_url=server_url, headers={"Authorization": f"Bearer {bearer}"},
                                 limits=limits, timeout=None) as client:
        async def one() -> None:
            nonlocal opened
            async with client.stream("GET", "/specs/senior-backend-payments/events") as response:
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


def _hold_streams_process(server_url: str, bearer: str, count: int, ready, stop, opened) -> None:  # type: ignore[no-untyped-def]
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
        opened.value = await hold_streams(server_url, bearer, count, ready_a, stop_a)
        await relay_task

    asyncio.run(main())


def sse_throughput(server_url: str, bearer: str, streams: int, tokens, seconds: float) -> tuple[float, int, int]:  # type: ignore[no-untyped-def]
    """Autosave req/s while `streams` dashboard streams stay open. The streams are held by another
    process, so the load generator does not share its interpreter with them."""
    import multiprocessing
    ctx = multiprocessing.get_context("spawn")
    ready, stop, opened = ctx.Event(), ctx.Event(), ctx.Value("i", 0)
    holder = ctx.Process(target=_hold_streams_process, args=(server_url, bearer, streams, ready, stop, opened),
                         daemon=True)
    holder.start()
    ready.wait(timeout=150)
    load = run_load(server_url, autosave_factory(tokens), seconds=seconds)
    stop.set()
    holder.join(timeout=30)
    if holder.is_alive():
        holder.kill()
    return load.rps, opened.value, load.errors


async def _live_streams(server_url: str, bearer: str, streams: int) -> tuple[int, int]:
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


def main() -> None:
    parser = argparse.ArgumentParser(description="Calibrate benchmarks")
    parser.add_argument("--quick", action="store_true", help="small sizes and short runs")
    args = parser.parse_args()
    import os
    quick = args.quick
    seconds = 3.0 if quick else 15.0
    base_interviews = 1_000 if quick else 10_000
    streams = 200 if quick else 1_000
    workers = 2
    workdir = Path(tempfile.mkdtemp(prefix="calibrate-bench-"))
    url, drop = prepare_database(os.environ.get("DATABASE_URL", ""), workdir)
    figures: dict[str, str] = {"db": "postgresql" if url.startswith("postgres") else "sqlite"}
    try:
        data = setup_app_data(url, 64)
        env = environment(url)
        bare = bare_server(env, workers, workdir / "bare.log")
        run_load(bare.base_url, bare_factory, seconds=WARM_UP_SECONDS)  # pools filled, code paths warm
        bare_load = run_load(bare.base_url, bare_factory, seconds=seconds)
        bare.stop()
        log(f"bare: {bare_load.rps:.0f} req/s, p50 {bare_load.percentile(50):.1f} ms, errors {bare_load.errors}")
        server = app_server(env, workers, workdir / "app.log")
        try:
            run_load(server.base_url, autosave_factory(data["tokens"]), seconds=WARM_UP_SECONDS)
            save = run_load(server.base_url, autosave_factory(data["tokens"]), seconds=seconds)
            log(f"autosave: {save.rps:.0f} req/s, p50 {save.percentile(50):.1f} ms, p99 {save.percentile(99):.1f} ms, errors {save.errors}")
            figures.update(autosave_ratio=f"{save.rps / bare_load.rps:.2f}", autosave_rps=f"{save.rps:.0f}",
                           bare_rps=f"{bare_load.rps:.0f}", autosave_p50_ms=f"{save.percentile(50):.1f}",
                           autosave_p99_ms=f"{save.percentile(99):.1f}", autosave_errors=str(save.errors))
            engine = make_engine(url)
            from app.specs import service as specs
            with Session(engine) as session:
                spec = specs.get_spec(session, "senior-backend-payments")
                version = specs.get_version(session, spec)
                comps = [c["id"] for c in version.content["competencies"]]
                version_id = version.id
            ratings = add_interviews(engine, spec_id=data["spec_id"], version_id=version_id, competencies=comps,
                                     interviewer_ids=data["raters"], count=base_interviews)
            api1, sql1 = dashboard_times(url, server.base_url, data["bearer"], data["spec_id"], 5)
            log(f"dashboard at {base_interviews} interviews / {ratings} ratings: api {api1*1000:.1f} ms, raw SQL {sql1*1000:.1f} ms")
            ratings += add_interviews(engine, spec_id=data["spec_id"], version_id=version_id, competencies=comps,
                                      interviewer_ids=data["raters"], count=base_interviews * 9, seed=11)
            api10, sql10 = dashboard_times(url, server.base_url, data["bearer"], data["spec_id"], 5)
            log(f"dashboard at {base_interviews * 10} interviews / {ratings} ratings: api {api10*1000:.1f} ms, raw SQL {sql10*1000:.1f} ms")
            engine.dispose()
            figures.update(dashboard_ratio=f"{api1 / sql1:.2f}", dashboard_growth=f"{api10 / api1:.2f}",
                           dashboard_ms=f"{api1*1000:.1f}", dashboard_10x_ms=f"{api10*1000:.1f}")
            # The comparison run goes right before the one with streams: same table sizes, same warmth.
            without = run_load(server.base_url, autosave_factory(data["tokens"]), seconds=seconds)
            log(f"autosave again, no streams: {without.rps:.0f} req/s, errors {without.errors}")
            with_streams, opened, stream_errors = sse_throughput(server.base_url, data["bearer"], streams, data["tokens"], seconds)
            log(f"autosave with {opened} open streams: {with_streams:.0f} req/s, errors {stream_errors}")
            figures.update(sse_cost=f"{with_streams / without.rps:.2f}", sse_streams=str(opened))
            reached, total = asyncio.run(_live_streams(server.base_url, data["bearer"], 8))
            log(f"{workers} workers: a weights change reached {reached} of {total} open streams")
            figures.update(live_workers=f"{reached}/{total}")
        finally:
            server.stop()
    finally:
        drop()
    print(" ".join(f"{k}={v}" for k, v in figures.items()))


if __name__ == "__main__":
    main()
