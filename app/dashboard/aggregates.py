"""A spec's aggregates that need every row — rater leniency, per-competency reliability, the score
distribution, the leniency-adjusted overall of every interview and the model's agreement with the
panel — recomputed in the background and served as stored, with when they were computed (DESIGN: Scale).

Every recorded change schedules one recompute of its spec (`StoredAggregates`, a change handler):
a job in the outbox (app/jobs/) keyed by the spec, due after a short debounce; a change while one
is waiting joins it, so a burst of scorecards makes one recompute. The job reads in a transaction
that only reads (on SQLite, without the write lock) and writes its results in short transactions.
The next recompute of a spec is due no sooner than `SPACING` times as long as the last one took
after it, so however fast scorecards come in, a worker spends at most about a tenth of its time here.

The figures are `scoring`'s over the same rows as a fresh computation: `rater_leniency`,
`competency_reliability`, the adjusted overall of app/dashboard/scores.py and `model_rater`'s
agreement over the compared rounds (app/suggestions/agreement.py; tests/dashboard/test_stored.py
compares them)."""

from __future__ import annotations

import math
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, bindparam, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

import scoring
from app.changes import Change
from app.dashboard.scores import adjusted_overall_of
from app.jobs.models import Job
from app.jobs.registry import JobKind
from app.models import Interview, InterviewStat, JobSpec, Rating, Scorecard, SpecAggregate, User, utcnow
from app.specs.service import version_content
from app.suggestions.agreement import computed_agreement

KIND_NAME = "dashboard.aggregates"
DEBOUNCE_SECONDS = 2.0
SPACING = 9.0
BINS = 10
WRITE_CHUNK = 2_000
STAT = InterviewStat.__table__
AGGREGATE = SpecAggregate.__table__
_SCHEDULED = "calibrate.aggregates.scheduled"


@dataclass(frozen=True)
class Computed:
    """A spec's aggregates as of one read, and the adjusted overalls that moved."""

    spec_id: str
    interviews: int
    reliability: dict[str, Any]
    leniency: dict[str, dict[str, Any]]
    distribution: list[dict[str, Any]]
    adjusted: dict[str, float | None]
    seconds: float
    model_agreement: dict[str, dict[str, Any]]


def rating_rows(conn: Connection, spec_id: str) -> list[tuple[str, str, str, float]]:
    """(rater, interview, competency, value) of every submitted, non-null rating on the spec."""
    query = (select(User.email, Scorecard.interview_id, Rating.competency_id, Rating.value)
             .join(Scorecard, Scorecard.id == Rating.scorecard_id).join(User, User.id == Scorecard.interviewer_id)
             .join(Interview, Interview.id == Scorecard.interview_id)
             .where(Interview.spec_id == spec_id, Scorecard.status == "submitted", Rating.value.is_not(None)))
    return [(rater, iid, cid, float(value)) for rater, iid, cid, value in conn.execute(query)]


def score_distribution(overalls: Sequence[float], *, bins: int = BINS) -> list[dict[str, Any]]:
    """How many scored interviews fall in each band of `100 / bins` points (100 in the last)."""
    width = 100 / bins
    counts = [0] * bins
    for overall in overalls:
        counts[min(bins - 1, int(overall // width))] += 1
    return [{"low": round(i * width), "high": round((i + 1) * width), "count": n} for i, n in enumerate(counts)]


def _finite(value: float) -> float | None:
    return value if isinstance(value, float) and math.isfinite(value) else None


def reliability_of(rows: Sequence[tuple[str, str, str, float]]) -> dict[str, Any]:
    """Per competency `{targets, raters, icc}` over interviews with two or more raters (NaN → None)."""
    entries = scoring.competency_reliability((cid, iid, rater, value) for rater, iid, cid, value in rows)
    return {cid: {**e, "icc": {k: _finite(v) for k, v in e["icc"].items()} if e["icc"] else None}
            for cid, e in sorted(entries.items())}


def compute(conn: Connection, spec_id: str) -> Computed:
    """Every aggregate of the spec from its rows, and the adjusted overalls that differ from the stored ones."""
    started = time.perf_counter()
    rows = rating_rows(conn, spec_id)
    leniency = scoring.rater_leniency(rows)
    by_interview: dict[str, list[tuple[str, str, str, float]]] = defaultdict(list)
    for row in rows:
        by_interview[row[1]].append(row)
    stored = conn.execute(select(STAT.c.interview_id, STAT.c.spec_version_id, STAT.c.overall, STAT.c.adjusted)
                          .where(STAT.c.spec_id == spec_id)).all()
    adjusted, overalls = {}, []
    for iid, version_id, overall, was in stored:
        now = adjusted_overall_of(by_interview.get(iid, ()), leniency, dict(version_content(conn, version_id).weights))
        if now != was:
            adjusted[iid] = now
        if overall is not None:
            overalls.append(overall)
    model = computed_agreement(conn, spec_id)  # reads nothing more when no one compared with AI
    return Computed(spec_id, len(stored), reliability_of(rows), leniency, score_distribution(overalls), adjusted,
                    time.perf_counter() - started, model)


def store_adjusted(conn: Connection, adjusted: dict[str, float | None]) -> None:
    """Write moved adjusted overalls (and their sort key)."""
    if adjusted:
        conn.execute(update(STAT).where(STAT.c.interview_id == bindparam("iid"))
                     .values(adjusted=bindparam("value"), adjusted_key=bindparam("key")),
                     [{"iid": iid, "value": v, "key": -1.0 if v is None else v} for iid, v in adjusted.items()])


def store_aggregate(conn: Connection, computed: Computed, *, at: datetime | None = None) -> None:
    """Replace the spec's stored aggregates."""
    values = {"computed_at": at or utcnow(), "seconds": computed.seconds, "interviews": computed.interviews,
              "reliability": computed.reliability, "leniency": computed.leniency,
              "distribution": computed.distribution, "model_agreement": computed.model_agreement}
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    conn.execute(dialect.insert(AGGREGATE).values(spec_id=computed.spec_id, **values)
                 .on_conflict_do_update(index_elements=["spec_id"], set_=values))


def recompute(conn: Connection, spec_id: str) -> Computed:
    """Compute and store the spec's aggregates in one transaction (migrations, tests, the CLI)."""
    computed = compute(conn, spec_id)
    store_adjusted(conn, computed.adjusted)
    store_aggregate(conn, computed)
    return computed


def recompute_all(conn: Connection) -> int:
    """Recompute every spec's aggregates; returns how many specs."""
    spec_ids = list(conn.execute(select(JobSpec.id)).scalars())
    for spec_id in spec_ids:
        recompute(conn, spec_id)
    return len(spec_ids)


def stored(session: Session, spec_id: str) -> SpecAggregate | None:
    """The spec's aggregates as last computed, or None before the first computation."""
    return session.get(SpecAggregate, spec_id)


# -- in the background ---------------------------------------------------------------------------

def schedule(session: Session, spec_id: str) -> None:
    """Make sure a recompute of the spec is waiting (once per spec and transaction)."""
    scheduled = session.info.setdefault(_SCHEDULED, set())
    key = (id(session.get_transaction()), spec_id)
    if key in scheduled:
        return
    scheduled.add(key)
    waiting = session.execute(select(Job.id).where(Job.kind == KIND_NAME, Job.key == spec_id, Job.done_at.is_(None),
                                                   Job.failed_at.is_(None), Job.lease.is_(None)).limit(1)).first()
    if waiting is not None:
        return  # it will see this change too
    last = session.execute(select(SpecAggregate.computed_at, SpecAggregate.seconds)
                           .where(SpecAggregate.spec_id == spec_id)).first()
    due = utcnow() + timedelta(seconds=DEBOUNCE_SECONDS)
    if last is not None:
        due = max(due, last.computed_at + timedelta(seconds=last.seconds * SPACING))
    session.add(Job(kind=KIND_NAME, key=spec_id, payload={"spec_id": spec_id}, run_after=due))


@contextmanager
def read_only() -> Iterator[Connection]:
    """A transaction that only reads (on SQLite it begins without the write lock)."""
    from app.db import get_read_engine

    with get_read_engine().connect() as conn, conn.begin():
        yield conn


def run_job(job: Any, *, read: Callable[[], AbstractContextManager[Connection]] = read_only) -> None:
    """The job: read everything in a read-only transaction, then write in short ones."""
    spec_id = job.payload["spec_id"]
    with read() as conn:
        computed = compute(conn, spec_id)
    items = list(computed.adjusted.items())
    for start in range(0, len(items), WRITE_CHUNK):
        with job.transaction() as session:
            store_adjusted(session.connection(), dict(items[start:start + WRITE_CHUNK]))
    with job.transaction() as session:
        store_aggregate(session.connection(), computed)
        job.finish(session)


KIND = JobKind(KIND_NAME, run_job, max_attempts=6, lease_seconds=600.0, backoff_seconds=10.0)
KINDS = (KIND,)


class StoredAggregates:
    """Change handler (app/changes.py): every change schedules its spec's recompute, in its transaction."""

    def in_transaction(self, session: Session, change: Change) -> None:
        """Schedule the recompute (debounced: one waiting job per spec) when interviews moved; a new
        spec version moves none (each interview keeps its own version's weights)."""
        if change.interview_ids:
            schedule(session, change.spec_id)

    def after_commit(self, session: Session, changes: Sequence[Change]) -> None:
        """Nothing: the worker runs the job."""

