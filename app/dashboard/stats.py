"""Incremental dashboard aggregates, kept in the same transaction as the changes that move them.

A spec's dashboard (DESIGN: Dashboard) is made of a few sums: interviews, completed, the sum and
count of overall scores, and per competency the sum and count of competency scores. Each
interview records what it currently contributes (`interview_stat`). When a service records a
change of interviews (app/changes.py), `refresh` recomputes their contributions from their own
rows with `scoring`'s formula and applies the differences to the spec's totals (`spec_stat`,
`spec_competency_stat`). Reading a dashboard is then a query of constant size however many
interviews and ratings there are, and a rollback takes the totals back with the change.

Concurrency: the interviews' stat rows are locked (`FOR UPDATE` on PostgreSQL, in one id order;
SQLite writers are serialized already) before their ratings are read, so two transactions
changing one interview apply their differences one after the other; totals move by `x = x + d`.

`rebuild` forgets every contribution and refreshes every interview (after a restore, or to check)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, bindparam, delete, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from app.changes import Change
from app.models import Interview, InterviewStat, Rating, Scorecard, SpecCompetencyStat, SpecStat
from app.specs.service import version_content
from scoring.formula import rating_to_score, weighted_overall

INTERVIEW_STAT = InterviewStat.__table__
SPEC_STAT = SpecStat.__table__
COMPETENCY_STAT = SpecCompetencyStat.__table__
CHUNK = 500


@dataclass(frozen=True)
class Contribution:
    """What one interview adds to its spec's totals."""

    completed: bool = False
    overall: float | None = None
    scores: dict[str, float] = field(default_factory=dict)


def scored(means: dict[str, float], weights: dict[str, float]) -> Contribution:
    """A completed interview's contribution from its mean rating per competency (DESIGN: Scoring)."""
    scores = {cid: rating_to_score(mean) for cid, mean in means.items()}
    return Contribution(True, weighted_overall(weights, scores)[1], scores)


@dataclass
class Delta:
    """How far one spec's totals move."""

    interviews: int = 0
    completed: int = 0
    overall_sum: float = 0.0
    overall_n: int = 0
    competencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(lambda: [0.0, 0]))

    def add(self, old: Contribution | None, new: Contribution) -> None:
        """Move from `old` (None: not counted yet) to `new`."""
        before = old or Contribution()
        self.interviews += int(old is None)
        self.completed += int(new.completed) - int(before.completed)
        self.overall_sum += (new.overall or 0.0) - (before.overall or 0.0)
        self.overall_n += int(new.overall is not None) - int(before.overall is not None)
        for cid in set(before.scores) | set(new.scores):
            cell = self.competencies[cid]
            cell[0] += new.scores.get(cid, 0.0) - before.scores.get(cid, 0.0)
            cell[1] += int(cid in new.scores) - int(cid in before.scores)


def rating_means():  # type: ignore[no-untyped-def]
    """(interview_id, competency_id, mean) of the ratings that count: submitted and not "no evidence"."""
    return (select(Scorecard.interview_id.label("interview_id"), Rating.competency_id.label("competency_id"),
                   func.avg(Rating.value * 1.0).label("mean"))
            .join(Scorecard, Scorecard.id == Rating.scorecard_id)
            .where(Scorecard.status == "submitted", Rating.value.is_not(None))
            .group_by(Scorecard.interview_id, Rating.competency_id))


def _chunks(ids: Sequence[str]) -> Iterator[Sequence[str]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start:start + CHUNK]


def _contributions(conn: Connection, rows: Sequence[Any]) -> dict[str, Contribution]:
    """The contributions now of these interviews (id, spec_id, version id, completed_at)."""
    done = [r.id for r in rows if r.completed_at is not None]
    means: dict[str, dict[str, float]] = defaultdict(dict)
    if done:
        for iid, cid, mean in conn.execute(rating_means().where(Scorecard.interview_id.in_(done))):
            means[iid][cid] = float(mean)
    return {r.id: scored(means[r.id], dict(version_content(conn, r.spec_version_id).weights))
            if r.completed_at is not None else Contribution() for r in rows}


def _held(conn: Connection, ids: Sequence[str]) -> dict[str, Contribution]:
    """The recorded contributions of these interviews, locked until the transaction ends."""
    held = conn.execute(select(INTERVIEW_STAT).where(INTERVIEW_STAT.c.interview_id.in_(ids))
                        .order_by(INTERVIEW_STAT.c.interview_id).with_for_update()).mappings()
    return {h["interview_id"]: Contribution(bool(h["completed"]), h["overall"], dict(h["scores"] or {}))
            for h in held}


def refresh(conn: Connection, interview_ids: Iterable[str]) -> None:
    """Recompute these interviews' contributions and apply the differences to their specs' totals."""
    deltas: dict[str, Delta] = defaultdict(Delta)
    for ids in _chunks(sorted(set(interview_ids))):  # one lock order for every transaction
        held = _held(conn, ids)
        rows = conn.execute(select(Interview.id, Interview.spec_id, Interview.spec_version_id,
                                   Interview.completed_at).where(Interview.id.in_(ids))).all()
        current = _contributions(conn, rows)
        inserts, updates = [], []
        for row in rows:
            old, new = held.get(row.id), current[row.id]
            if old == new:
                continue
            values = {"completed": new.completed, "overall": new.overall, "scores": new.scores}
            (inserts if old is None else updates).append({"iid": row.id, "spec_id": row.spec_id, **values})
            deltas[row.spec_id].add(old, new)
        _write_contributions(conn, inserts, updates)
    for spec_id, delta in deltas.items():
        _apply(conn, spec_id, delta)


def _write_contributions(conn: Connection, inserts: list[dict[str, Any]], updates: list[dict[str, Any]]) -> None:
    if inserts:
        conn.execute(insert(INTERVIEW_STAT), [{"interview_id": v.pop("iid"), **v} for v in inserts])
    if updates:
        conn.execute(update(INTERVIEW_STAT).where(INTERVIEW_STAT.c.interview_id == bindparam("iid"))
                     .values(completed=bindparam("completed"), overall=bindparam("overall"),
                             scores=bindparam("scores")), updates)


def _insert_ignoring_existing(conn: Connection, table: Any, values: dict[str, Any]) -> None:
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    conn.execute(dialect.insert(table).values(**values).on_conflict_do_nothing())


def _apply(conn: Connection, spec_id: str, d: Delta) -> None:
    """Move the spec's totals by `d`."""
    if d.interviews or d.completed or d.overall_n or d.overall_sum:
        _insert_ignoring_existing(conn, SPEC_STAT, {"spec_id": spec_id})
        conn.execute(update(SPEC_STAT).where(SPEC_STAT.c.spec_id == spec_id).values(
            interviews=SPEC_STAT.c.interviews + d.interviews, completed=SPEC_STAT.c.completed + d.completed,
            overall_sum=SPEC_STAT.c.overall_sum + d.overall_sum, overall_n=SPEC_STAT.c.overall_n + d.overall_n))
    for cid in sorted(d.competencies):
        d_sum, d_n = d.competencies[cid]
        if not (d_sum or d_n):
            continue
        _insert_ignoring_existing(conn, COMPETENCY_STAT, {"spec_id": spec_id, "competency_id": cid})
        conn.execute(update(COMPETENCY_STAT).where(COMPETENCY_STAT.c.spec_id == spec_id,
                                                   COMPETENCY_STAT.c.competency_id == cid)
                     .values(score_sum=COMPETENCY_STAT.c.score_sum + d_sum, n=COMPETENCY_STAT.c.n + int(d_n)))


def rebuild(conn: Connection) -> int:
    """Forget every contribution and total, then refresh every interview; returns interviews counted."""
    conn.execute(delete(COMPETENCY_STAT))
    conn.execute(delete(SPEC_STAT))
    conn.execute(delete(INTERVIEW_STAT))
    ids = list(conn.execute(select(Interview.id)).scalars())
    refresh(conn, ids)
    return len(ids)


class RunningTotals:
    """Change handler (app/changes.py): the changed interviews' contributions move in the transaction."""

    def in_transaction(self, session: Session, change: Change) -> None:
        """Refresh the interviews the change touched."""
        if change.interview_ids:
            refresh(session.connection(), change.interview_ids)

    def after_commit(self, session: Session, changes: Sequence[Change]) -> None:
        """Nothing: the totals committed with the change."""
