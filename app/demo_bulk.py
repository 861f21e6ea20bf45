"""`calibrate demo --interviews N [--spec SLUG]`: N completed interviews with submitted scorecards on
one spec, in bulk, for scale checks (DESIGN: CLI, Scale).

Like `calibrate demo`, every candidate has a latent ability per competency and every rater a
leniency (the four demo interviewers), so rankings, reliability and leniency look like real ones;
some ratings are "no evidence", and about one candidate in ten fails a required must-have. Rows
are written through the driver (COPY on PostgreSQL) a batch at a time (`PACE`), each batch in a
transaction of its own, and each batch is recorded as one change (`changes.record_many`): the
running totals, the ranking rows, the background aggregates and the live dashboards move through
the same handlers as for any other change; nothing is rebuilt by hand."""

from __future__ import annotations

import random
import secrets
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import AbstractContextManager
from datetime import timedelta
from typing import Any

from sqlalchemy import Table, select, text
from sqlalchemy.engine import Dialect
from sqlmodel import Session

from app import changes
from app.changes import ChangeKind
from app.demo import FIRST, INTERVIEWERS, LAST, _interviewers
from app.errors import Invalid
from app.models import (Candidate, Interview, JobSpec, JobSpecVersion, MustHaveCheck, Rating, RoundAttempt, Scorecard,
                        new_id, utcnow)
from app.specs.content import SpecContent
from app.specs.service import version_content

BULK_DOMAIN = "bulk.calibrate.test"
DEFAULT_SPEC = "senior-backend-payments"
# (interviews per batch, batches written at once) by database. PostgreSQL mostly waits on COPY,
# the indexes and the foreign-key checks, so two backends write at once. SQLite has one writer, and
# every transaction writes each index page it touched to the WAL again: the indexes are of random
# ids, so a batch touches nearly all their pages, and fewer, larger transactions write far less
# (100,000 interviews on a 2-core machine: 140 s in batches of 2,500, 116 s of 5,000,
# 107-109 s of 10,000 with 0.7 GB at the peak, measured the same day).
PACE = {"postgresql": (2_500, 2), "sqlite": (10_000, 1)}
# The page cache of a bulk write on SQLite (its default is 2 MB): the batch's inserts land all over
# the indexes of random ids, and each page read again from the file is a system call.
SQLITE_CACHE_KIB = 256 * 1024
Sessions = Callable[[], AbstractContextManager[Session]]


class Batch:
    """The rows of one batch of interviews, by table."""

    def __init__(self) -> None:
        self.rows: dict[Any, list[dict[str, Any]]] = {t: [] for t in
                                                      (Candidate, Interview, RoundAttempt, Scorecard, Rating, MustHaveCheck)}

    def add(self, model: Any, **values: Any) -> None:
        """One row of `model`'s table."""
        self.rows[model].append(values)

    def write(self, session: Session) -> None:
        """Insert every row, parents first, through the driver: COPY on PostgreSQL, one prepared
        statement for all rows on SQLite. An ORM insert spent most of its time building each row's
        parameters; the values here are typed by the same column types."""
        conn = session.connection()
        postgres = conn.dialect.name == "postgresql"
        if not postgres:
            conn.exec_driver_sql(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
        for model, rows in self.rows.items():
            if rows:
                table: Table = model.__table__
                names, values = driver_rows(table, rows, conn.dialect)
                columns = ", ".join(f'"{name}"' for name in names)
                if postgres:
                    with conn.connection.driver_connection.cursor() as cursor:
                        with cursor.copy(f'COPY "{table.name}" ({columns}) FROM STDIN') as copy:
                            for row in values:
                                copy.write_row(row)
                else:
                    marks = ", ".join("?" * len(names))
                    conn.exec_driver_sql(f'INSERT INTO "{table.name}" ({columns}) VALUES ({marks})', values)


def driver_rows(table: Table, rows: list[dict[str, Any]], dialect: Dialect) -> tuple[list[str], list[tuple]]:
    """The column names and the rows as the driver takes them: the columns the rows leave out get
    their Python-side defaults (as an ORM insert would give them), and every value goes through its
    column type's bind processing. Every row of a table names the same columns."""
    given = list(rows[0])
    defaults = {c.name: c.default for c in table.columns
                if c.name not in given and c.default is not None and not c.default.is_clause_element}
    names = given + list(defaults)
    processors = [(i, p) for i, name in enumerate(names)
                  if (p := table.c[name].type.dialect_impl(dialect).bind_processor(dialect)) is not None]
    out = []
    for row in rows:
        values = [row[name] for name in given]
        values += [d.arg(None) if d.is_callable else d.arg for d in defaults.values()]
        for i, process in processors:  # most columns have none: their values go as they are
            values[i] = process(values[i])
        out.append(tuple(values))
    return names, out


def _rating(rng: random.Random, ability: float, leniency: float) -> int | None:
    if rng.random() < 0.15:
        return None  # no evidence
    return max(1, min(5, round(ability + leniency + rng.gauss(0, 0.45))))


def _interview(batch: Batch, rng: random.Random, n: int, spec: JobSpec, version_id: str, content: SpecContent,
               panel: list[Any], leniency: dict[str, float], now) -> str:  # type: ignore[no-untyped-def]
    candidate_id, interview_id = new_id(), new_id()
    created = now - timedelta(days=rng.uniform(1, 120))
    done = created + timedelta(days=rng.uniform(1, 10))
    first, last = rng.choice(FIRST), rng.choice(LAST)
    batch.add(Candidate, id=candidate_id, name=f"{first} {last}", created_at=created,
              email=f"{first.lower()}.{last.lower()}.{n}@{BULK_DOMAIN}")
    batch.add(Interview, id=interview_id, candidate_id=candidate_id, spec_id=spec.id, spec_version_id=version_id,
              time_factor=1.0, token_hash=secrets.token_hex(32), token_expires_at=created + timedelta(days=14),
              round_questions={}, completed_at=done, created_at=created)
    for rnd in content.candidate_rounds:
        started = created + timedelta(hours=rng.uniform(2, 48))
        minutes = float(rnd.duration_minutes)
        batch.add(RoundAttempt, id=new_id(), interview_id=interview_id, round_key=rnd.key, kind=rnd.kind.value,
                  started_at=started, deadline=started + timedelta(minutes=minutes), questions=[],
                  submitted_at=started + timedelta(minutes=minutes * rng.uniform(0.6, 0.98)), closed_by="candidate")
    level = rng.gauss(3.1, 0.7)
    abilities = {c.id: level + rng.gauss(0, 0.5) for c in content.competencies}
    required = [m.id for m in content.must_haves if m.required]
    fails = rng.choice(required) if required and rng.random() < 0.1 else None
    chosen = rng.sample(panel, 3 if rng.random() < 0.6 else 2)
    rounds = [r.key for r in content.rounds]
    for k, key in enumerate(rounds[:2]):
        for rater in chosen if k == 0 else chosen[:2]:
            _scorecard(batch, rng, interview_id, key, rater, content, abilities, leniency[rater.email], fails, done)
    return interview_id


def _scorecard(batch: Batch, rng: random.Random, interview_id: str, round_key: str, rater: Any, content: SpecContent,
               abilities: dict[str, float], leniency: float, fails: str | None, at) -> None:  # type: ignore[no-untyped-def]
    card_id = new_id()
    values = [_rating(rng, abilities[c.id], leniency) for c in content.competencies]
    given = [v for v in values if v is not None]
    mean = sum(given) / len(given) if given else 3
    recommendation = "strong_no" if fails else "no" if mean < 2.6 else "yes" if mean < 3.8 else "strong_yes"
    batch.add(Scorecard, id=card_id, interview_id=interview_id, round_key=round_key, interviewer_id=rater.id,
              status="submitted", recommendation=recommendation, created_at=at, updated_at=at, submitted_at=at)
    for c, value in zip(content.competencies, values, strict=True):
        batch.add(Rating, scorecard_id=card_id, competency_id=c.id, value=value, note="")
    for m in content.must_haves:
        status = "not_met" if m.id == fails and rng.random() < 0.85 else rng.choice(("met",) * 4 + ("not_assessed",))
        batch.add(MustHaveCheck, scorecard_id=card_id, must_have_id=m.id, status=status)


def _spec(session: Session, slug: str) -> tuple[JobSpec, str, SpecContent]:
    spec = session.execute(select(JobSpec).where(JobSpec.slug == slug, JobSpec.current_version > 0)).scalar()
    if spec is None:
        raise Invalid(f"no job spec '{slug}': run `calibrate setup` first, or name one with --spec")
    version_id = session.execute(select(JobSpecVersion.id).where(JobSpecVersion.spec_id == spec.id,
                                                                 JobSpecVersion.number == spec.current_version)).scalar_one()
    return spec, version_id, version_content(session, version_id)


def add_completed_interviews(sessions: Sessions, *, count: int, spec_slug: str = DEFAULT_SPEC,
                             seed: int | None = None, batch_size: int | None = None,
                             writers: int | None = None) -> Iterator[str]:
    """Add `count` completed interviews with submitted scorecards to the spec, a batch per transaction
    (yields a line per batch, in order). With `writers` > 1, that many batches are written at once,
    each in its own session and transaction, while the next is generated: on PostgreSQL the database's
    work (COPY, indexes, foreign keys) is most of the time, and a second backend uses the second core.
    The batches touch disjoint rows but the spec's running totals, which they update one at a time.
    The batch size and the writers default to the database's `PACE`; pass `writers=1` when every
    call of `sessions` hands out the same session."""
    if count < 1:
        raise Invalid("--interviews must be at least 1")
    with sessions() as session:
        spec, version_id, content = _spec(session, spec_slug)
        panel, _ = _interviewers(session)
        session.expunge_all()
        size, parallel = PACE[session.get_bind().dialect.name]
    batch_size, writers = batch_size or size, writers or parallel
    rng = random.Random(seed if seed is not None else secrets.randbits(32))
    leniency = {p.email: p.leniency for p in INTERVIEWERS}
    now, done = utcnow(), 0

    def write(batch: Batch, ids: list[str]) -> int:
        with sessions() as session:
            batch.write(session)
            changes.record_many(session, ChangeKind.INTERVIEW_COMPLETED, spec_id=spec.id, interview_ids=ids)
        return len(ids)

    pending: deque[Future[int]] = deque()

    def finished() -> str:  # the oldest batch's line, once it committed
        nonlocal done
        done += pending.popleft().result()
        return f"{done}/{count} completed interviews added to {spec.slug}"

    with ThreadPoolExecutor(max_workers=writers, thread_name_prefix="demo-writer") as pool:
        for start in range(0, count, batch_size):
            batch = Batch()
            ids = [_interview(batch, rng, n, spec, version_id, content, panel, leniency, now)
                   for n in range(start, min(count, start + batch_size))]
            pending.append(pool.submit(write, batch, ids))
            while pending and (len(pending) > writers or pending[0].done()):
                yield finished()
        while pending:
            yield finished()
    with sessions() as session:
        refresh_statistics(session)


def refresh_statistics(session: Session) -> None:
    """After a bulk load, PostgreSQL's planner statistics (what autovacuum would refresh later) are
    refreshed now, so the ranking and the lists walk their indexes from the first request on."""
    if session.get_bind().dialect.name == "postgresql":
        for table in ("candidate", "interview", "interview_stat", "round_attempt", "scorecard", "rating",
                      "must_have_check"):
            session.execute(text(f"ANALYZE {table}"))
