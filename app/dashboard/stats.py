"""Incremental dashboard aggregates, kept in the same transaction as the changes that move them.

Each interview has one row (`interview_stat`): its score as the ranking shows it (overall, status,
coverage, knock-out, competency scores, leniency-adjusted overall, recommendations, scorecards,
sort keys), computed by `scoring.score_interview` from its own submitted scorecards. A spec's
dashboard (DESIGN: Dashboard) is made of a few sums over the *completed* interviews: interviews,
completed, the sum and count of overall scores, and per competency the sum and count of
competency scores. When a service records a change of interviews (app/changes.py), `refresh`
recomputes their rows and applies the differences of what they contribute to the spec's totals
(`spec_stat`, `spec_competency_stat`). Reading a dashboard or a page of the ranking is then a
query of constant size however many interviews and ratings there are, and a rollback takes the
rows and totals back with the change.

Concurrency: the interviews' rows are locked (`FOR UPDATE` on PostgreSQL, in one id order;
SQLite writers are serialized already) before their ratings are read, so two transactions
changing one interview apply their differences one after the other; totals move by `x = x + d`.

`rebuild` forgets every row and total and refreshes every interview (after a restore, or to check)."""

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, bindparam, delete, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

import scoring
from app.changes import Change
from app.dashboard.scores import adjusted_overall_of
from app.models import (Interview, InterviewStat, MustHaveCheck, Rating, Scorecard, SpecAggregate, SpecCompetencyStat,
                        SpecStat, User)
from app.specs.content import SpecContent
from app.specs.service import version_content

INTERVIEW_STAT = InterviewStat.__table__
SPEC_STAT = SpecStat.__table__
COMPETENCY_STAT = SpecCompetencyStat.__table__
CHUNK = 500
UNSCORED_KEY = -2000.0  # below every knocked-out score (which sort 1000 below the others)
KNOCKED_OUT_SHIFT = 1000.0
ROW_COLUMNS = ("spec_id", "spec_version_id", "created_at", "completed", "overall", "status", "coverage", "knocked_out",
               "scores", "adjusted", "recommendations", "cards_submitted", "cards_assigned", "rank_key", "adjusted_key")


@dataclass(frozen=True)
class Contribution:
    """What one interview adds to its spec's totals."""

    completed: bool = False
    overall: float | None = None
    scores: dict[str, float] = field(default_factory=dict)


def contribution_of(row: dict[str, Any] | None) -> Contribution | None:
    """What an interview's row adds to the totals: completed interviews count, others only as interviews."""
    if row is None:
        return None
    if not row["completed"]:
        return Contribution()
    return Contribution(True, row["overall"], dict(row["scores"] or {}))


def rank_key(overall: float | None, knocked_out: bool) -> float:
    """The ranking's order as one number, best first when descending: scored candidates, then the
    knocked-out ones, then the unscored (those knocked out last)."""
    key = UNSCORED_KEY if overall is None else overall
    return key - KNOCKED_OUT_SHIFT if knocked_out else key


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


@dataclass
class Facts:
    """One interview's scorecards as scoring needs them."""

    ratings: list[scoring.RatingInput] = field(default_factory=list)
    checks: list[tuple[str, str]] = field(default_factory=list)
    recommendations: Counter = field(default_factory=Counter)
    submitted: int = 0
    assigned: int = 0

    def rows(self, interview_id: str) -> list[tuple[str, str, str, float]]:
        """(rater, interview, competency, value) of the non-null ratings, for leniency."""
        return [(r.rater, interview_id, r.competency_id, float(r.value)) for r in self.ratings if r.value is not None]


def standing(interview_id: str, facts: Facts, content: SpecContent, *, completed: bool,
             leniency: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """An interview's ranking row from its facts, scored by `scoring` under its version's weights."""
    weights = dict(content.weights)
    score = scoring.score_interview(weights, facts.ratings, completed=completed,
                                    required_must_haves={m.id: m.required for m in content.must_haves},
                                    must_have_checks=facts.checks)
    scores = {cid: c.score for cid, c in score.competencies.items() if c.score is not None}
    others: dict[str, list[int | None]] = defaultdict(list)
    for r in facts.ratings:  # a competency the version does not weigh still counts on the dashboard
        if r.competency_id not in weights:
            others[r.competency_id].append(r.value)
    scores.update({cid: c.score for cid, values in others.items()
                   if (c := scoring.competency_score(values)).score is not None})
    scores = dict(sorted(scores.items()))
    adjusted = adjusted_overall_of(facts.rows(interview_id), leniency, weights)
    return {"completed": completed, "overall": score.overall, "status": score.status, "coverage": score.coverage,
            "knocked_out": score.knocked_out, "scores": scores, "adjusted": adjusted,
            "recommendations": dict(sorted(facts.recommendations.items())), "cards_submitted": facts.submitted,
            "cards_assigned": facts.assigned, "rank_key": rank_key(score.overall, score.knocked_out),
            "adjusted_key": -1.0 if adjusted is None else adjusted}


def _chunks(ids: Sequence[str]) -> Iterator[Sequence[str]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start:start + CHUNK]


def facts_of(conn: Connection, ids: Sequence[str]) -> dict[str, Facts]:
    """The scorecards of these interviews: every assigned one counted, the submitted ones' ratings,
    must-have checks and recommendations."""
    facts: dict[str, Facts] = defaultdict(Facts)
    cards = select(Scorecard.interview_id, Scorecard.status, Scorecard.recommendation).where(
        Scorecard.interview_id.in_(ids))
    for iid, status, recommendation in conn.execute(cards):
        facts[iid].assigned += 1
        if status == "submitted":
            facts[iid].submitted += 1
            if recommendation:
                facts[iid].recommendations[recommendation] += 1
    submitted = (Scorecard.interview_id.in_(ids), Scorecard.status == "submitted")
    ratings = (select(Scorecard.interview_id, User.email, Rating.competency_id, Rating.value)
               .join(Scorecard, Scorecard.id == Rating.scorecard_id).join(User, User.id == Scorecard.interviewer_id)
               .where(*submitted).order_by(Rating.id))
    for iid, rater, cid, value in conn.execute(ratings):
        facts[iid].ratings.append(scoring.RatingInput(cid, value, rater))
    checks = (select(Scorecard.interview_id, MustHaveCheck.must_have_id, MustHaveCheck.status)
              .join(Scorecard, Scorecard.id == MustHaveCheck.scorecard_id).where(*submitted).order_by(MustHaveCheck.id))
    for iid, mid, status in conn.execute(checks):
        facts[iid].checks.append((mid, status))
    return facts


def stored_leniency(conn: Connection, spec_id: str) -> dict[str, dict[str, Any]]:
    """The spec's rater leniency as last computed (app/dashboard/aggregates.py); empty before that."""
    found = conn.execute(select(SpecAggregate.leniency).where(SpecAggregate.spec_id == spec_id)).scalar()
    return dict(found or {})


def _held(conn: Connection, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    """The recorded rows of these interviews, locked until the transaction ends."""
    held = conn.execute(select(INTERVIEW_STAT).where(INTERVIEW_STAT.c.interview_id.in_(ids))
                        .order_by(INTERVIEW_STAT.c.interview_id).with_for_update()).mappings()
    return {h["interview_id"]: {c: h[c] for c in ROW_COLUMNS} for h in held}


def _current(conn: Connection, ids: Sequence[str], leniency: dict[str, dict[str, dict[str, Any]]]
             ) -> dict[str, dict[str, Any]]:
    """The rows these interviews should have now, from their own scorecards."""
    interviews = conn.execute(select(Interview.id, Interview.spec_id, Interview.spec_version_id, Interview.created_at,
                                     Interview.completed_at).where(Interview.id.in_(ids))).all()
    facts = facts_of(conn, ids)
    rows = {}
    for i in interviews:
        if i.spec_id not in leniency:
            leniency[i.spec_id] = stored_leniency(conn, i.spec_id)
        row = standing(i.id, facts[i.id], version_content(conn, i.spec_version_id),
                       completed=i.completed_at is not None, leniency=leniency[i.spec_id])
        rows[i.id] = {"spec_id": i.spec_id, "spec_version_id": i.spec_version_id, "created_at": i.created_at, **row}
    return rows


def refresh(conn: Connection, interview_ids: Iterable[str]) -> None:
    """Recompute these interviews' rows and apply the differences to their specs' totals."""
    deltas: dict[str, Delta] = defaultdict(Delta)
    leniency: dict[str, dict[str, dict[str, Any]]] = {}
    for ids in _chunks(sorted(set(interview_ids))):  # one lock order for every transaction
        held = _held(conn, ids)
        inserts, updates = [], []
        for iid, new in _current(conn, ids, leniency).items():
            old = held.get(iid)
            if old == new:
                continue
            (inserts if old is None else updates).append({"iid": iid, **new})
            deltas[new["spec_id"]].add(contribution_of(old), contribution_of(new))  # type: ignore[arg-type]
        _write_rows(conn, inserts, updates)
    for spec_id, delta in deltas.items():
        _apply(conn, spec_id, delta)


def _write_rows(conn: Connection, inserts: list[dict[str, Any]], updates: list[dict[str, Any]]) -> None:
    if inserts:
        conn.execute(insert(INTERVIEW_STAT), [{"interview_id": v.pop("iid"), **v} for v in inserts])
    if updates:
        conn.execute(update(INTERVIEW_STAT).where(INTERVIEW_STAT.c.interview_id == bindparam("iid"))
                     .values({c: bindparam(f"new_{c}") for c in ROW_COLUMNS}),
                     [{"iid": v["iid"], **{f"new_{c}": v[c] for c in ROW_COLUMNS}} for v in updates])


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
    """Forget every row and total, then refresh every interview; returns interviews counted."""
    conn.execute(delete(COMPETENCY_STAT))
    conn.execute(delete(SPEC_STAT))
    conn.execute(delete(INTERVIEW_STAT))
    ids = list(conn.execute(select(Interview.id)).scalars())
    refresh(conn, ids)
    return len(ids)


class RunningTotals:
    """Change handler (app/changes.py): the changed interviews' rows and totals move in the transaction."""

    def in_transaction(self, session: Session, change: Change) -> None:
        """Refresh the rows of the interviews the change touched (when it can move them)."""
        if change.interview_ids and change.kind.moves_scores:
            refresh(session.connection(), change.interview_ids)

    def after_commit(self, session: Session, changes: Sequence[Change]) -> None:
        """Nothing: the totals committed with the change."""
