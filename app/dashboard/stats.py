"""Incremental dashboard aggregates, kept in the same transaction as the writes.

A spec's dashboard (DESIGN: Dashboard) is made of a few sums: interviews, completed, the sum and
count of overall scores, and per competency the sum and count of competency scores. Each
interview records what it currently contributes (`interview_stat`). Whenever a flush touches an
interview (it is created or completed, one of its scorecards is submitted, a submitted rating
changes) its contribution is recomputed from its own rows and the difference is applied to the
spec's totals (`spec_stat`, `spec_competency_stat`). Reading a dashboard is then a query of
constant size however many interviews and ratings there are, and a rollback takes the totals
back together with the change that moved them.

Concurrency: the interview's stat row is locked (`FOR UPDATE` on PostgreSQL; SQLite writers are
serialized already) before its ratings are read, so two transactions changing one interview
apply their differences one after the other; totals move by `x = x + delta`.

`rebuild` recomputes every total from the rating rows (after a bulk load, or to check)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Integer, cast, delete, func, insert, select, update
from sqlalchemy import event as sa_event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session as OrmSession

from app.events.watch import changed
from app.models import Interview, InterviewStat, Rating, Scorecard, SpecCompetencyStat, SpecStat
from app.specs.service import version_content
from scoring.formula import rating_to_score, weighted_overall

INTERVIEW_STAT = InterviewStat.__table__
SPEC_STAT = SpecStat.__table__
COMPETENCY_STAT = SpecCompetencyStat.__table__


@dataclass
class Contribution:
    """What one interview adds to its spec's totals."""

    completed: bool = False
    overall: float | None = None
    scores: dict[str, float] = field(default_factory=dict)


def _version_weights(conn: Connection, version_id: str) -> dict[str, float]:
    """A version's weights by competency id."""
    return {c["id"]: float(c["weight"]) for c in version_content(conn, version_id).get("competencies", [])}


def _scored(means: dict[str, float], weights: dict[str, float]) -> Contribution:
    """A completed interview's contribution from its mean rating per competency (DESIGN: Scoring)."""
    scores = {cid: rating_to_score(mean) for cid, mean in means.items()}
    return Contribution(True, weighted_overall(weights, scores)[1], scores)


def rating_means():  # type: ignore[no-untyped-def]
    """(interview_id, competency_id, mean) of the ratings that count: submitted and not "no evidence"."""
    return (select(Scorecard.interview_id.label("interview_id"), Rating.competency_id.label("competency_id"),
                   func.avg(Rating.value * 1.0).label("mean"))
            .join(Scorecard, Scorecard.id == Rating.scorecard_id)
            .where(Scorecard.status == "submitted", Rating.value.is_not(None))
            .group_by(Scorecard.interview_id, Rating.competency_id))


def contribution(conn: Connection, interview_id: str, version_id: str, completed: bool) -> Contribution:
    """The interview's contribution now: nothing but its count unless it is completed."""
    if not completed:
        return Contribution()
    cells = conn.execute(rating_means().where(Scorecard.interview_id == interview_id)).all()
    return _scored({cid: float(mean) for _, cid, mean in cells}, _version_weights(conn, version_id))


def _insert_ignoring_existing(conn: Connection, table: Any, values: dict[str, Any]) -> None:
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    conn.execute(dialect.insert(table).values(**values).on_conflict_do_nothing())


def _apply(conn: Connection, spec_id: str, old: Contribution | None, new: Contribution) -> None:
    """Move the spec's totals from `old` (None: not counted yet) to `new`."""
    before = old or Contribution()
    counted = int(old is None)
    completed = int(new.completed) - int(before.completed)
    overall_sum = (new.overall or 0.0) - (before.overall or 0.0)
    overall_n = int(new.overall is not None) - int(before.overall is not None)
    if counted or completed or overall_n or overall_sum:
        _insert_ignoring_existing(conn, SPEC_STAT, {"spec_id": spec_id})
        conn.execute(update(SPEC_STAT).where(SPEC_STAT.c.spec_id == spec_id).values(
            interviews=SPEC_STAT.c.interviews + counted, completed=SPEC_STAT.c.completed + completed,
            overall_sum=SPEC_STAT.c.overall_sum + overall_sum, overall_n=SPEC_STAT.c.overall_n + overall_n))
    for cid in sorted(set(before.scores) | set(new.scores)):
        d_sum = new.scores.get(cid, 0.0) - before.scores.get(cid, 0.0)
        d_n = int(cid in new.scores) - int(cid in before.scores)
        if not (d_sum or d_n):
            continue
        _insert_ignoring_existing(conn, COMPETENCY_STAT, {"spec_id": spec_id, "competency_id": cid})
        conn.execute(update(COMPETENCY_STAT).where(COMPETENCY_STAT.c.spec_id == spec_id,
                                                   COMPETENCY_STAT.c.competency_id == cid)
                     .values(score_sum=COMPETENCY_STAT.c.score_sum + d_sum, n=COMPETENCY_STAT.c.n + d_n))


def refresh(conn: Connection, interview_id: str) -> None:
    """Recompute one interview's contribution and apply the difference to its spec's totals."""
    held = conn.execute(select(INTERVIEW_STAT).where(INTERVIEW_STAT.c.interview_id == interview_id)
                        .with_for_update()).mappings().first()
    row = conn.execute(select(Interview.spec_id, Interview.spec_version_id, Interview.completed_at)
                       .where(Interview.id == interview_id)).first()
    if row is None:
        return
    old = None if held is None else Contribution(bool(held["completed"]), held["overall"], dict(held["scores"] or {}))
    new = contribution(conn, interview_id, row.spec_version_id, row.completed_at is not None)
    if old == new:
        return
    values = {"completed": new.completed, "overall": new.overall, "scores": new.scores}
    if held is None:
        conn.execute(insert(INTERVIEW_STAT).values(interview_id=interview_id, spec_id=row.spec_id, **values))
    else:
        conn.execute(update(INTERVIEW_STAT).where(INTERVIEW_STAT.c.interview_id == interview_id).values(**values))
    _apply(conn, row.spec_id, old, new)


def rebuild(conn: Connection) -> int:
    """Recompute every contribution and every total from the rows, in bulk; returns interviews counted."""
    conn.execute(delete(COMPETENCY_STAT))
    conn.execute(delete(SPEC_STAT))
    conn.execute(delete(INTERVIEW_STAT))
    interviews = conn.execute(select(Interview.id, Interview.spec_id, Interview.spec_version_id,
                                     Interview.completed_at.is_not(None))).all()
    means: dict[str, dict[str, float]] = {}
    for iid, cid, mean in conn.execute(rating_means().join(Interview, Interview.id == Scorecard.interview_id)
                                       .where(Interview.completed_at.is_not(None))):
        means.setdefault(iid, {})[cid] = float(mean)
    per_competency: dict[tuple[str, str], list[float]] = {}
    rows = []
    for iid, spec_id, version_id, done in interviews:
        new = _scored(means.get(iid, {}), _version_weights(conn, version_id)) if done else Contribution()
        rows.append({"interview_id": iid, "spec_id": spec_id, "completed": new.completed,
                     "overall": new.overall, "scores": new.scores})
        for cid, score in new.scores.items():
            acc = per_competency.setdefault((spec_id, cid), [0.0, 0])
            acc[0] += score
            acc[1] += 1
    for start in range(0, len(rows), 5000):
        conn.execute(insert(INTERVIEW_STAT), rows[start:start + 5000])
    # The spec totals are sums of the contributions just written.
    stat = INTERVIEW_STAT.c
    conn.execute(insert(SPEC_STAT).from_select(
        ["spec_id", "interviews", "completed", "overall_sum", "overall_n"],
        select(stat.spec_id, func.count(), func.sum(cast(stat.completed, Integer)),
               func.coalesce(func.sum(stat.overall), 0.0), func.count(stat.overall)).group_by(stat.spec_id)))
    if per_competency:
        conn.execute(insert(COMPETENCY_STAT), [{"spec_id": spec_id, "competency_id": cid, "score_sum": acc[0], "n": acc[1]}
                                              for (spec_id, cid), acc in per_competency.items()])
    return len(interviews)


def touched_interviews(session: OrmSession) -> set[str]:
    """Interviews whose dashboard contribution this flush may have moved."""
    interviews: set[str] = set()
    cards: set[str] = set()
    for obj in list(session.new) + list(session.dirty) + list(session.deleted):
        if isinstance(obj, Interview):
            if obj in session.new or changed(obj, "completed_at"):
                interviews.add(obj.id)
        elif isinstance(obj, Scorecard):
            if obj in session.new or obj in session.deleted or changed(obj, "status"):
                interviews.add(obj.interview_id)
        elif isinstance(obj, Rating) and obj.scorecard_id:
            cards.add(obj.scorecard_id)
    if cards:
        interviews |= set(session.connection().execute(
            select(Scorecard.interview_id).where(Scorecard.id.in_(cards), Scorecard.status == "submitted")).scalars())
    return interviews


@sa_event.listens_for(OrmSession, "after_flush")
def _keep_totals(session: OrmSession, _context: object) -> None:
    interviews = touched_interviews(session)
    if interviews:
        conn = session.connection()
        for interview_id in sorted(interviews):  # one lock order for every transaction
            refresh(conn, interview_id)
