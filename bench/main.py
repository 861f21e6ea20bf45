"""Calibrate's benchmarks (README: Performance). Prints progress, then one line of figures:

- autosave_ratio: req/s of the real autosave endpoint ÷ req/s of a bare FastAPI endpoint doing one
  INSERT … ON CONFLICT, same machine, same run, 2 workers each, 64 connections (plus p50/p99 and
  errors of both); on a PostgreSQL run also sqlite_autosave_ratio, the same on a SQLite file
  against a bare sqlite3 endpoint;
- dashboard_ratio: dashboard JSON time ÷ the raw aggregate SQL time at the base size;
- dashboard_growth: dashboard JSON time at 10× the data ÷ at 1×;
- sse_cost: autosave req/s with N open dashboard streams (held by another process) ÷ without, the
  two runs back to back;
- live_workers: a scorecard submitted through one worker reaches a stream on a multi-worker server;
- scale_*w_rps, scale_2apps_rps: autosave req/s with 1, 2 and 4 worker processes, and with two
  one-process app instances on different ports sharing the database;
- scale_<page>_<n>k_ms (section `scale`, bench/scale.py): p50 of the dashboard page, a candidate's
  detail, a ranking API page, an interviews list page and the reliability API at 1,000, 10,000 and
  100,000 interviews on one spec; scale_csv_*: the CSV export at the largest size (time, peak server
  memory above resting); scale_sse_cost: autosave req/s with 1,000 dashboard-view streams ÷ without,
  a scorecard submitted every second in both.

Only successful responses count. A run in which any request failed, on either side, stops the
bench with exit status 1 and prints no figures line: a ratio against a failing server means nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlmodel import Session

from app.db import make_engine, normalise_url
from bench.autosave import (CONNECTIONS, autosave_factory, compare, head_to_head, log, measured, scaling,
                            setup_app_data, sqlite_comparison, with_app)
from bench.data import add_interviews
from bench.dashboard import dashboard_times, live_streams, sse_throughput
from bench.load import BenchRefused
from bench.scale import scale_figures
from bench.servers import Server, bare_server, environment

SECTIONS = ("autosave", "dashboard", "scaling", "sqlite", "scale")
WORKERS = 2


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


def dashboard_figures(url: str, server: Server, data: dict[str, Any], base_interviews: int) -> dict[str, str]:
    """Dashboard JSON against the raw SQL at the base size and at 10× the data."""
    from app.specs import service as specs

    engine = make_engine(url)
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
    return {"dashboard_ratio": f"{api1 / sql1:.2f}", "dashboard_growth": f"{api10 / api1:.2f}",
            "dashboard_ms": f"{api1*1000:.1f}", "dashboard_10x_ms": f"{api10*1000:.1f}"}


def stream_figures(server: Server, data: dict[str, Any], streams: int, seconds: float) -> dict[str, str]:
    """Autosave with and without open dashboard streams, back to back; a change reaching every worker."""
    without = measured([server], autosave_factory(data["tokens"]), seconds, "autosave again, no streams")
    with_streams, opened, _ = sse_throughput(server.base_url, data["bearer"], streams, data["tokens"], seconds)
    log(f"autosave with {opened} open streams: {with_streams:.0f} req/s, errors 0")
    reached, total = asyncio.run(live_streams(server.base_url, data["bearer"], 8))
    log(f"{WORKERS} workers: a weights change reached {reached} of {total} open streams")
    return {"sse_cost": f"{with_streams / without.rps:.2f}", "sse_streams": str(opened),
            "live_workers": f"{reached}/{total}"}


def run(sections: set[str], quick: bool, workdir: Path) -> dict[str, str]:
    """Every asked-for section; the figures in print order."""
    seconds = 3.0 if quick else 15.0
    url, drop = prepare_database(os.environ.get("DATABASE_URL", ""), workdir)
    postgres = url.startswith("postgres")
    figures: dict[str, str] = {"db": "postgresql" if postgres else "sqlite"}
    try:
        data = setup_app_data(url, CONNECTIONS)
        env = environment(url)

        def on_app(servers: list[Server]) -> None:
            server = servers[0]
            if "autosave" in sections:
                bare = bare_server(env, WORKERS, workdir / "bare.log")
                try:
                    figures.update(compare(*head_to_head(bare, server, autosave_factory(data["tokens"]), seconds)))
                finally:
                    bare.stop()
            if "dashboard" in sections:
                figures.update(dashboard_figures(url, server, data, 1_000 if quick else 10_000))
                figures.update(stream_figures(server, data, 200 if quick else 1_000, seconds))

        if sections & {"autosave", "dashboard"}:
            with_app(env, WORKERS, workdir, "app", on_app)
        if "scaling" in sections:
            figures.update(scaling(env, data["tokens"], seconds, workdir))
        if "scale" in sections:
            figures.update(scale_figures(url, env, data, workdir, quick, seconds))
    finally:
        drop()
    if postgres and "sqlite" in sections:
        figures.update(sqlite_comparison(workdir, seconds, WORKERS))
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description="Calibrate benchmarks")
    parser.add_argument("--quick", action="store_true", help="small sizes and short runs")
    parser.add_argument("--only", default=",".join(SECTIONS),
                        help=f"comma-separated sections to run (default: all of {','.join(SECTIONS)})")
    args = parser.parse_args()
    sections = {s.strip() for s in args.only.split(",") if s.strip()}
    if unknown := sections - set(SECTIONS):
        parser.error(f"unknown sections: {', '.join(sorted(unknown))}")
    workdir = Path(tempfile.mkdtemp(prefix="calibrate-bench-"))
    try:
        figures = run(sections, args.quick, workdir)
    except BenchRefused as exc:
        print(f"[bench] REFUSED, no figures: {exc}", file=sys.stderr, flush=True)
        sys.exit(1)
    print(" ".join(f"{k}={v}" for k, v in figures.items()))


if __name__ == "__main__":
    main()
