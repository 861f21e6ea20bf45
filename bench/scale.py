"""The scale benchmark (DESIGN: Scale; README: Performance): what a person opens costs the same at
100,000 interviews on a spec as at 1,000.

The spec grows by `calibrate demo --interviews N` (the same change path as any other change), and
the server's own worker recomputes the background aggregates; each size is measured once they have
settled. At each size, p50 of: the dashboard page, a candidate's detail, a page of the ranking API
(walking its cursor), a page of the interviews list (walking its cursor) and the reliability API.
At the largest size: the CSV export's time and the server's peak memory above its resting size
while it streams; the what-if re-ranking at each size. Then autosave throughput with and without
1,000 open dashboard-view streams while a scorecard is submitted every second, in alternating
windows on a server whose background worker is off (`stream_figures` says why).

Every request must succeed: any other answer stops the bench (BenchRefused), no figures printed."""

from __future__ import annotations

import random
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import select
from sqlmodel import Session

from app.db import make_engine
from bench.autosave import autosave_factory, log, measured
from bench.dashboard import sse_throughput
from bench.load import BenchRefused
from bench.servers import ROOT

SLUG = "senior-backend-payments"
SIZES, QUICK_SIZES = (1_000, 10_000, 100_000), (1_000, 10_000)
PAGES = ("dashboard", "candidate", "ranking", "interviews", "reliability")
WHAT_IF = "w_distributed_systems_reliability=0.9&w_financial_systems_design=0.05"
SUBMITTERS = 600  # draft scorecards ready to be submitted, one a second


def grow(env: dict[str, str], count: int) -> float:
    """Add `count` completed interviews with `calibrate demo --interviews`; seconds it took."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "app.cli", "demo", "--interviews", str(count), "--spec", SLUG],
                          env=env, cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        raise BenchRefused(f"demo --interviews {count} failed: {done.stderr[-2000:]}")
    return time.perf_counter() - started


def settle(client: httpx.Client, since: datetime, timeout: float = 900.0) -> datetime:
    """Wait until the worker has recomputed the aggregates from every row added before `since`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        computed = ok(client.get(f"/api/v1/job-specs/{SLUG}/reliability"), "reliability").json()["computed_at"]
        if computed and datetime.fromisoformat(computed) > since:
            return datetime.fromisoformat(computed)
        time.sleep(1.0)
    raise BenchRefused("the background aggregates were not recomputed in time")


def ok(response: httpx.Response, name: str) -> httpx.Response:
    """The response, or BenchRefused when it is not a success."""
    if response.status_code != 200:
        raise BenchRefused(f"{name}: {response.status_code} {response.text[:300]}")
    return response


def p50_ms(request: Callable[[], httpx.Response], name: str, repeat: int) -> float:
    """Median milliseconds of `repeat` successful requests (after two unmeasured ones)."""
    for _ in range(2):
        ok(request(), name)
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        ok(request(), name)
        samples.append(time.perf_counter() - started)
    return statistics.median(samples) * 1000


def walker(client: httpx.Client, path: str, cursor_of: Callable[[httpx.Response], str | None]
           ) -> Callable[[], httpx.Response]:
    """Each call fetches the next page of `path` (back to the first after the last)."""
    state = {"cursor": ""}

    def fetch() -> httpx.Response:
        separator = "&" if "?" in path else "?"
        response = client.get(f"{path}{separator}cursor={state['cursor']}" if state["cursor"] else path)
        state["cursor"] = cursor_of(response) if response.status_code == 200 else ""
        state["cursor"] = state["cursor"] or ""
        return response
    return fetch


def _html_cursor(response: httpx.Response) -> str | None:
    marker = "cursor="
    text = response.text
    at = text.rfind(marker)
    return text[at + len(marker):].split('"')[0].split("&")[0] if at >= 0 and "Next page" in text else None


def page_figures(client: httpx.Client, interview_ids: list[str], repeat: int) -> dict[str, float]:
    """p50 ms of every page a person opens."""
    rng = random.Random(1)
    requests = {
        "dashboard": lambda: client.get(f"/specs/{SLUG}/dashboard"),
        "candidate": lambda: client.get(f"/specs/{SLUG}/dashboard/interviews/{rng.choice(interview_ids)}"),
        "ranking": walker(client, f"/api/v1/job-specs/{SLUG}/ranking?limit=50",
                          lambda r: r.json()["next_cursor"]),
        "interviews": walker(client, f"/interviews?job_spec={SLUG}", _html_cursor),
        "reliability": lambda: client.get(f"/api/v1/job-specs/{SLUG}/reliability"),
        # Not one of the pages above (its growth is not in `scale_worst_growth`): the what-if re-ranks
        # every interview under other weights, in the database.
        "what_if": lambda: client.get(f"/specs/{SLUG}/dashboard/what-if?{WHAT_IF}", headers={"HX-Request": "true"}),
    }
    return {name: p50_ms(fetch, name, repeat) for name, fetch in requests.items()}


def rss_kb(pid: int) -> int:
    """The process's resident memory now, in kB (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def csv_figures(client: httpx.Client, pid: int) -> tuple[float, float, int]:
    """(seconds, peak MB above the resting size, rows) of one CSV export, memory sampled meanwhile."""
    resting = rss_kb(pid)
    peak = [resting]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], rss_kb(pid))
            time.sleep(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    started, lines = time.perf_counter(), 0
    with client.stream("GET", f"/specs/{SLUG}/dashboard.csv") as response:
        if response.status_code != 200:
            raise BenchRefused(f"CSV export: {response.status_code}")
        for chunk in response.iter_bytes():
            lines += chunk.count(b"\n")
    seconds = time.perf_counter() - started
    done.set()
    sampler.join()
    return seconds, (peak[0] - resting) / 1024, lines - 1


def prepare_submissions(url: str) -> tuple[str, list[tuple[str, list[str]]]]:
    """An interviewer with a token and draft scorecards to submit: (bearer, [(card id, covered ids)])."""
    from app import wiring
    from app.auth.service import create_api_token, create_user
    from app.interviews.service import create_candidate, create_interview
    from app.models import Scorecard
    from app.scorecards.rounds import round_view

    wiring.install()
    engine = make_engine(url)
    with Session(engine, expire_on_commit=False) as session:
        rater = create_user(session, email="submitter@bench.test", name="Submitter", role="interviewer",
                            password="bench submitter password")
        for i in range(SUBMITTERS):
            candidate = create_candidate(session, name=f"Scored {i}", email=f"scored{i}@bench.test", actor=None)
            create_interview(session, candidate_id=candidate.id, spec_slug=SLUG,
                             interviewers={"round_01": [rater.email]}, actor=None)
        cards = session.execute(select(Scorecard).where(Scorecard.interviewer_id == rater.id)).scalars().all()
        ready = [(card.id, round_view(session, card).covered_ids) for card in cards]
        token = create_api_token(session, user=rater)
        session.commit()
    engine.dispose()
    return token, ready


@contextmanager
def submitting(base_url: str, bearer: str, cards: list[tuple[str, list[str]]]) -> Iterator[list[int]]:
    """Submit one scorecard a second (ratings of 3 on every covered competency) until the block ends."""
    stop, submitted = threading.Event(), [0]
    failures: list[str] = []

    def run() -> None:
        with httpx.Client(base_url=base_url, headers={"Authorization": f"Bearer {bearer}"}, timeout=30) as client:
            for card_id, covered in cards:
                if stop.wait(1.0):
                    return
                saved = client.put(f"/api/v1/scorecards/{card_id}", json={"ratings": dict.fromkeys(covered, 3)})
                done = client.post(f"/api/v1/scorecards/{card_id}/submit")
                if saved.status_code != 200 or done.status_code != 200:
                    failures.append(f"{saved.status_code} {done.status_code} {done.text[:200]}")
                    return
                submitted[0] += 1

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        yield submitted
    finally:
        stop.set()
        thread.join(timeout=30)
    if failures:
        raise BenchRefused(f"scorecard submissions failed: {failures[0]}")


def stream_figures(env: dict[str, str], workdir: Path, data: dict[str, Any], submitter: tuple[str, list],
                   seconds: float, streams: int, rounds: int = 2) -> dict[str, str]:
    """Autosave req/s with `streams` open dashboard-view streams ÷ without, a scorecard submitted every
    second throughout. Windows with and without streams alternate (`rounds` of each), on a server of
    its own whose background worker is off: every scorecard queues the spec's recompute, which reads
    every rating and costs the same with streams or without, so running it here would only add its
    seconds-long bursts to whichever window they fall in (its cost is the aggregates' own figure)."""
    from bench.servers import app_server

    bearer, cards = submitter
    make = autosave_factory(data["tokens"])
    server = app_server({**env, "CALIBRATE_WORKER_IN_SERVE": "false"}, 1, workdir / "streams.log")
    without, with_streams, opened = [], [], streams
    try:
        with submitting(server.base_url, bearer, cards) as submitted:
            for turn in range(1, rounds + 1):
                without.append(measured([server], make, seconds, f"autosave, scorecards every second ({turn})").rps)
                rps, held, _ = sse_throughput(server.base_url, data["bearer"], streams, data["tokens"], seconds,
                                              path=f"/specs/{SLUG}/events?view=dashboard")
                with_streams.append(rps)
                opened = min(opened, held)
                log(f"autosave with {held} dashboard-view streams and a scorecard a second ({turn}): {rps:.0f} req/s")
        server.require_running("autosave with dashboard streams")
    finally:
        server.stop()
    log(f"scorecards submitted meanwhile: {submitted[0]}")
    if opened < streams:
        raise BenchRefused(f"only {opened} of {streams} dashboard streams opened")
    both, alone = statistics.mean(with_streams), statistics.mean(without)
    return {"scale_sse_cost": f"{both / alone:.2f}", "scale_sse_streams": str(opened),
            "scale_sse_autosave_rps": f"{both:.0f}", "scale_autosave_rps": f"{alone:.0f}",
            "scale_sse_scorecards": str(submitted[0])}


def interview_ids(url: str, count: int) -> list[str]:
    """Some interviews of the spec, for the candidate detail."""
    from app.models import Interview, JobSpec

    engine = make_engine(url)
    with Session(engine) as session:
        spec_id = session.execute(select(JobSpec.id).where(JobSpec.slug == SLUG)).scalar_one()
        ids = list(session.execute(select(Interview.id).where(Interview.spec_id == spec_id)
                                   .order_by(Interview.created_at.desc()).limit(count)).scalars())
    engine.dispose()
    return ids


def scale_figures(url: str, env: dict[str, str], data: dict[str, Any], workdir: Path, quick: bool,
                  seconds: float) -> dict[str, str]:
    """Every figure of the scale section (one single-process server, its worker recomputing)."""
    from bench.servers import app_server

    sizes = QUICK_SIZES if quick else SIZES
    repeat = 10 if quick else 25
    submitter = prepare_submissions(url)
    server = app_server({**env, "CALIBRATE_WORKER_IN_SERVE": "true"}, 1, workdir / "scale.log")
    figures: dict[str, str] = {}
    try:
        client = httpx.Client(base_url=server.base_url, headers={"Authorization": f"Bearer {data['bearer']}"},
                              timeout=300)
        have = 0
        for size in sizes:
            took = grow(env, size - have)
            log(f"scale: {size} interviews on {SLUG} (added {size - have} in {took:.0f} s)")
            have = size
            figures[f"scale_demo_{size}_s"] = f"{took:.0f}"
            settle(client, datetime.now(timezone.utc))
            timings = page_figures(client, interview_ids(url, 500), repeat)
            log("scale: " + ", ".join(f"{k} {v:.1f} ms" for k, v in timings.items()))
            figures.update({f"scale_{k}_{size // 1000}k_ms": f"{v:.1f}" for k, v in timings.items()})
            server.require_running(f"scale pages at {size}")
        csv_seconds, csv_mb, rows = csv_figures(client, server.process.pid)
        log(f"scale: CSV export of {rows} rows in {csv_seconds:.1f} s, peak {csv_mb:.1f} MB above resting")
        figures.update({"scale_csv_s": f"{csv_seconds:.1f}", "scale_csv_peak_mb": f"{csv_mb:.1f}",
                        "scale_csv_rows": str(rows)})
        first, last = sizes[0] // 1000, sizes[-1] // 1000
        worst = max(float(figures[f"scale_{p}_{last}k_ms"]) / float(figures[f"scale_{p}_{first}k_ms"]) for p in PAGES)
        figures["scale_worst_growth"] = f"{worst:.2f}"
        client.close()
    finally:
        server.stop()
    figures.update(stream_figures(env, workdir, data, submitter, seconds, 200 if quick else 1_000))
    return figures

