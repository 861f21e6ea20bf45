"""The autosave benchmarks: the real endpoint against the bare one, and throughput by processes.

Every run is checked: a run in which any request failed (on either side) raises `BenchRefused`,
so no ratio is ever computed from a broken server's error responses."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlmodel import Session, select

from bench.load import LoadResult, RequestFactory, run_load
from bench.servers import Server, app_server, bare_server, environment

WARM_UP_SECONDS = 2.0  # load before each measured run, not counted
SLICE_SECONDS = 3.0  # bare and autosave alternate in slices of about this length
CONNECTIONS = 64
ROUND = "round_01"


def log(message: str) -> None:
    print(f"[bench] {message}", flush=True)


def setup_app_data(url: str, candidates: int) -> dict[str, Any]:
    """Migrate, load specs, and start one written round for each simulated candidate."""
    os.environ["DATABASE_URL"] = url
    from app.db import get_engine, make_engine
    from app.settings import get_settings

    get_settings.cache_clear()
    get_engine.cache_clear()  # a second database in the same run gets its own engine
    from app.setup import first_run

    list(first_run({"CALIBRATE_ADMIN_PASSWORD": "bench admin password"}))
    from app.auth.service import create_api_token, create_user, user_by_email
    from app.interviews.service import create_candidate, create_interview
    from app.models import JobSpec
    from app import clock
    from app.take import service as take

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
            attempt = take.start_round(session, new.interview, ROUND, now=clock.now())
            tokens.append((new.token, attempt.questions[0]["id"]))
        spec = session.exec(select(JobSpec).where(JobSpec.slug == "senior-backend-payments")).one()
        session.commit()
    engine.dispose()
    return {"bearer": bearer, "tokens": tokens, "spec_id": spec.id, "raters": [r.id for r in raters]}


_REVISIONS: dict[str, int] = {}  # last revision sent per link, so a later run keeps counting up


def autosave_factory(tokens: list[tuple[str, str]]) -> RequestFactory:
    """Each connection saves ever newer revisions of its own candidate's answer (one link per
    connection, so no save is ever stale and every refusal is a failure)."""
    def make(worker: int, n: int) -> tuple[str, str, dict]:
        token, question = tokens[worker % len(tokens)]
        revision = _REVISIONS[token] = _REVISIONS.get(token, 0) + 1
        return "PUT", f"/api/v1/take/{token}/rounds/{ROUND}/answers/{question}", {"text": f"draft {n} " * 20,
                                                                                   "revision": revision}
    return make


def bare_factory(worker: int, n: int) -> tuple[str, str, dict]:
    return "PUT", f"/bare/answer-{worker}", {"text": f"draft {n} " * 20, "revision": n}


def measured(servers: list[Server], make: RequestFactory, seconds: float, name: str) -> LoadResult:
    """A warm-up, then the measured run; BenchRefused if either had a failure or a server died."""
    urls = [s.base_url for s in servers]
    run_load(urls, make, connections=CONNECTIONS, seconds=WARM_UP_SECONDS).require_clean(f"{name} (warm-up)")
    result = run_load(urls, make, connections=CONNECTIONS, seconds=seconds).require_clean(name)
    for server in servers:
        server.require_running(name)
    log(f"{name}: {result.rps:.0f} req/s ({result.ok} responses), p50 {result.percentile(50):.1f} ms, "
        f"p99 {result.percentile(99):.1f} ms, errors {result.errors}")
    return result


def compare(bare: LoadResult, save: LoadResult, prefix: str = "") -> dict[str, str]:
    """The autosave figures of two clean runs; BenchRefused when either had errors."""
    bare.require_clean(f"{prefix}bare endpoint")
    save.require_clean(f"{prefix}autosave endpoint")
    return {f"{prefix}autosave_ratio": f"{save.rps / bare.rps:.2f}", f"{prefix}autosave_rps": f"{save.rps:.0f}",
            f"{prefix}bare_rps": f"{bare.rps:.0f}", f"{prefix}autosave_p50_ms": f"{save.percentile(50):.1f}",
            f"{prefix}autosave_p99_ms": f"{save.percentile(99):.1f}",
            f"{prefix}bare_p99_ms": f"{bare.percentile(99):.1f}",
            f"{prefix}autosave_errors": str(save.errors), f"{prefix}bare_errors": str(bare.errors)}


def head_to_head(bare: Server, app: Server, make: RequestFactory, seconds: float,
                 prefix: str = "") -> tuple[LoadResult, LoadResult]:
    """The bare endpoint and the autosave endpoint, both servers up, measured in alternating slices
    (bare, autosave, bare, …) of `seconds` each in all: whatever else the machine is doing falls on
    both alike. BenchRefused on any failure."""
    slices = max(2, round(seconds / SLICE_SECONDS))
    sides = ((f"{prefix}bare", bare, bare_factory), (f"{prefix}autosave", app, make))
    for name, server, factory in sides:
        run_load(server.base_url, factory, connections=CONNECTIONS,
                 seconds=WARM_UP_SECONDS).require_clean(f"{name} (warm-up)")
    runs: dict[str, list[LoadResult]] = {name: [] for name, _, _ in sides}
    for _ in range(slices):
        for name, server, factory in sides:
            runs[name].append(run_load(server.base_url, factory, connections=CONNECTIONS,
                                       seconds=seconds / slices).require_clean(name))
            server.require_running(name)
    results = []
    for name, _, _ in sides:
        result = LoadResult.combined(runs[name])
        log(f"{name}: {result.rps:.0f} req/s ({result.ok} responses in {slices} slices), "
            f"p50 {result.percentile(50):.1f} ms, p99 {result.percentile(99):.1f} ms, errors {result.errors}")
        results.append(result)
    return results[0], results[1]


def with_app(env: dict[str, str], workers: int, workdir: Path, name: str,
             body: Callable[[list[Server]], Any], instances: int = 1) -> Any:
    """Start `instances` app servers of `workers` processes each, run `body`, stop them."""
    servers: list[Server] = []
    try:
        for i in range(instances):
            servers.append(app_server(env, workers, workdir / f"{name}-{i}.log"))
        return body(servers)
    finally:
        for server in servers:
            server.stop()


def scaling(env: dict[str, str], tokens: list[tuple[str, str]], seconds: float, workdir: Path) -> dict[str, str]:
    """Autosave req/s with 1, 2 and 4 worker processes, and with two one-process instances on
    different ports sharing the database (connections alternate between them)."""
    figures: dict[str, str] = {}
    make = autosave_factory(tokens)
    for workers in (1, 2, 4):
        name = f"autosave {workers} worker{'s' * (workers > 1)}"
        result = with_app(env, workers, workdir, f"scale-{workers}",
                          lambda servers: measured(servers, make, seconds, name))
        figures[f"scale_{workers}w_rps"] = f"{result.rps:.0f}"
    result = with_app(env, 1, workdir, "scale-2apps", lambda servers: measured(servers, make, seconds,
                                                                               "autosave 2 instances × 1 worker"),
                      instances=2)
    figures["scale_2apps_rps"] = f"{result.rps:.0f}"
    return figures


def sqlite_comparison(workdir: Path, seconds: float, workers: int) -> dict[str, str]:
    """The same comparison on SQLite (a file of its own) against the bare sqlite3 endpoint."""
    url = f"sqlite:///{workdir / 'bench-sqlite.db'}"
    data = setup_app_data(url, CONNECTIONS)
    env = environment(url)
    bare = bare_server(env, workers, workdir / "sqlite-bare.log")
    try:
        results = with_app(env, workers, workdir, "sqlite-app", lambda servers: head_to_head(
            bare, servers[0], autosave_factory(data["tokens"]), seconds, prefix="sqlite "))
    finally:
        bare.stop()
    return compare(*results, prefix="sqlite_")
