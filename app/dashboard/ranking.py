"""The candidate ranking of a spec's dashboard, a page at a time, from the rows that every change
keeps (app/dashboard/stats.py); the what-if re-ranking over their stored competency scores; the
reliability panel from the stored aggregates (app/dashboard/aggregates.py).

A page is one index range: `WHERE spec_id = ? AND (key, interview_id) < (cursor) ORDER BY key DESC,
interview_id DESC LIMIT n`, so it costs the same on the 2,000th page as on the first, and an
interview that arrives while someone pages lands in its place without moving the others: paging
shows every interview that was there when it started exactly once."""

from __future__ import annotations

import base64
import heapq
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import case, false, func, literal, select, tuple_
from sqlmodel import Session

import scoring
from app.dashboard.stats import KNOCKED_OUT_SHIFT, UNSCORED_KEY, rank_key
from app.models import Candidate, Interview, InterviewStat, JobSpecVersion, SpecAggregate
from app.specs.content import Competency
from scoring.formula import weighted_overall

STAT = InterviewStat.__table__
SORTS = {"overall": STAT.c.rank_key, "adjusted": STAT.c.adjusted_key, "coverage": STAT.c.coverage,
         "date": STAT.c.created_at}
STATUSES = {"final": "Final", "provisional": "Provisional", "completed": "Completed", "in_progress": "In progress"}
DEFAULT_LIMIT, MAX_LIMIT = 50, 200
# The what-if's database key may differ from `scoring`'s by its last bits and by `scoring`'s rounding
# to `OVERALL_DIGITS` (scores are 0-100): rows this close below the top's last are ranked again too,
# and one query reads a few extra.
KEY_MARGIN, MARGIN_ROWS = 1e-6, 20


@dataclass(frozen=True)
class RankingFilter:
    """How the ranking is sorted and narrowed (every field optional)."""

    sort: str = "overall"
    ascending: bool = False
    status: str = ""
    knocked_out: bool | None = None
    version: str = ""  # a version label, e.g. v2-a1b2c3

    @classmethod
    def parse(cls, *, sort: str = "", order: str = "", status: str = "", knocked_out: str = "",
              version: str = "") -> RankingFilter:
        """From query parameters; anything unknown is ignored."""
        return cls(sort=sort if sort in SORTS else "overall", ascending=order == "asc",
                   status=status if status in STATUSES else "",
                   knocked_out={"yes": True, "no": False}.get(knocked_out), version=version[:40])

    def params(self) -> dict[str, str]:
        """The query parameters that stand for this filter."""
        values = {"sort": self.sort, "order": "asc" if self.ascending else "", "status": self.status,
                  "knocked_out": {True: "yes", False: "no"}.get(self.knocked_out, ""), "version": self.version}
        return {k: v for k, v in values.items() if v and (k, v) != ("sort", "overall")}


def encode_cursor(key: Any, interview_id: str, position: int) -> str:
    """The cursor that continues after the row with this sort key, id and place."""
    value = key.isoformat() if isinstance(key, datetime) else key
    raw = json.dumps([value, interview_id, position], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, sort: str) -> tuple[Any, str, int] | None:
    """(sort key, interview id, place) of a cursor; None for one that is not ours."""
    try:
        value, interview_id, position = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        key = datetime.fromisoformat(value) if sort == "date" else float(value)
        if "\x00" in str(interview_id):
            return None
        return key, str(interview_id), int(position)
    except (ValueError, TypeError, UnicodeDecodeError):
        return None


def _narrowed(query, session: Session, spec_id: str, wanted: RankingFilter):  # type: ignore[no-untyped-def]
    query = query.where(STAT.c.spec_id == spec_id)
    if wanted.status in ("final", "provisional"):
        query = query.where(STAT.c.status == wanted.status)
    elif wanted.status:
        query = query.where(STAT.c.completed.is_(wanted.status == "completed"))
    if wanted.knocked_out is not None:
        query = query.where(STAT.c.knocked_out.is_(wanted.knocked_out))
    if "\x00" in wanted.version:
        return query.where(false())  # no version label holds NUL (and PostgreSQL text cannot)
    if wanted.version:
        version_id = session.execute(select(JobSpecVersion.id).where(JobSpecVersion.spec_id == spec_id,
                                                                     JobSpecVersion.label == wanted.version)).scalar()
        query = query.where(STAT.c.spec_version_id == (version_id or ""))
    return query


def version_labels(session: Session, spec_id: str) -> list[str]:
    """The spec's version labels, newest first (the ranking's version filter)."""
    return list(session.execute(select(JobSpecVersion.label).where(JobSpecVersion.spec_id == spec_id)
                                .order_by(JobSpecVersion.number.desc())).scalars())


def _row(stat: Any, name: str, email: str, label: str, place: int) -> dict[str, Any]:
    return {"rank": place, "interview_id": stat.interview_id, "candidate": name, "candidate_email": email,
            "version": label, "completed": stat.completed, "overall": stat.overall, "status": stat.status,
            "coverage": stat.coverage, "knocked_out": stat.knocked_out, "adjusted_overall": stat.adjusted,
            "recommendations": dict(stat.recommendations or {}),
            "scorecards": f"{stat.cards_submitted}/{stat.cards_assigned}", "created_at": stat.created_at}


def page(session: Session, spec_id: str, wanted: RankingFilter = RankingFilter(), *, cursor: str = "",
         limit: int = DEFAULT_LIMIT) -> tuple[list[dict[str, Any]], str | None]:
    """One page of the ranking, best first (or as sorted), and the cursor of the next (None at the end)."""
    key = SORTS[wanted.sort]
    query = _narrowed(select(STAT, Candidate.name, Candidate.email, JobSpecVersion.label)
                      .join(Interview, Interview.id == STAT.c.interview_id)
                      .join(Candidate, Candidate.id == Interview.candidate_id)
                      .join(JobSpecVersion, JobSpecVersion.id == Interview.spec_version_id), session, spec_id, wanted)
    after = decode_cursor(cursor, wanted.sort) if cursor else None
    position = 0
    if after is not None:
        value, last_id, position = after
        bound = tuple_(key, STAT.c.interview_id)
        query = query.where(bound > (value, last_id) if wanted.ascending else bound < (value, last_id))
    order = (key.asc(), STAT.c.interview_id.asc()) if wanted.ascending else (key.desc(), STAT.c.interview_id.desc())
    found = session.execute(query.order_by(*order).limit(limit + 1)).all()
    rows = [_row(r, r.name, r.email, r.label, position + i) for i, r in enumerate(found[:limit], start=1)]
    if len(found) <= limit:
        return rows, None
    last = found[limit - 1]
    return rows, encode_cursor(getattr(last, key.name), last.interview_id, position + limit)


def what_if(session: Session, spec_id: str, weights: Mapping[str, float], *, limit: int = DEFAULT_LIMIT
            ) -> list[dict[str, Any]]:
    """The top of the ranking re-scored under other weights (normalised to sum 1), with how far each
    moved; from the stored competency scores, nothing is stored. The database orders the spec's rows
    by the re-weighted key and hands over only the top (and anything within `KEY_MARGIN` of its last,
    where its unrounded arithmetic could differ from `scoring`'s); each of those is ranked again
    by `weighted_overall` and shown `scoring.rescore`d, so the result is `scoring`'s exactly."""
    total = math.fsum(weights.values())
    normalised = {cid: w / total for cid, w in weights.items()}
    stats = _what_if_candidates(session, spec_id, normalised, limit)
    keyed = [(rank_key(weighted_overall(normalised, s.scores or {})[1], s.knocked_out), s.interview_id) for s in stats]
    top = heapq.nlargest(limit, keyed)
    real_keys = {s.interview_id: s.rank_key for s in stats}
    real = _places(session, spec_id, [(real_keys[iid], iid) for _, iid in top])
    shown = {r.interview_id: r for r in session.execute(
        select(STAT, Candidate.name).join(Interview, Interview.id == STAT.c.interview_id)
        .join(Candidate, Candidate.id == Interview.candidate_id)
        .where(STAT.c.interview_id.in_([iid for _, iid in top]))).all()}
    rows = []
    for place, (_, iid) in enumerate(top, start=1):
        stat = shown[iid]
        score = scoring.rescore(_stored_score(stat), weights)
        rows.append({"rank": place, "interview_id": iid, "candidate": stat.name, "overall": score.overall,
                     "status": score.status, "coverage": score.coverage, "knocked_out": score.knocked_out,
                     "moved": real[iid] - place})
    return rows


def _what_if_key(weights: Mapping[str, float]) -> Any:
    """`rank_key(weighted_overall(weights, scores), knocked_out)` as a SQL expression over the stored scores."""
    values = [(STAT.c.scores[cid].as_float(), weight) for cid, weight in weights.items()]
    coverage = sum((case((value.is_not(None), weight), else_=0.0) for value, weight in values), literal(0.0))
    weighted = sum((func.coalesce(value * weight, 0.0) for value, weight in values), literal(0.0))
    overall = case((coverage > 0.0, weighted / coverage), else_=UNSCORED_KEY)
    return overall - case((STAT.c.knocked_out, KNOCKED_OUT_SHIFT), else_=0.0)


def _what_if_candidates(session: Session, spec_id: str, weights: Mapping[str, float], limit: int) -> list[Any]:
    """The rows that can be in the what-if's top `limit`: the database's top by the re-weighted key, and
    every row within `KEY_MARGIN` below the last of them (ties and `scoring`'s rounding included)."""
    key = _what_if_key(weights).label("what_if_key")
    columns = (STAT.c.interview_id, STAT.c.scores, STAT.c.knocked_out, STAT.c.rank_key)
    spec_rows = select(*columns, key).where(STAT.c.spec_id == spec_id)
    found = session.execute(spec_rows.order_by(key.desc()).limit(limit + MARGIN_ROWS)).all()
    if len(found) <= limit or found[-1].what_if_key < found[limit - 1].what_if_key - KEY_MARGIN:
        return found
    return session.execute(spec_rows.where(key >= found[limit - 1].what_if_key - KEY_MARGIN)).all()


def _places(session: Session, spec_id: str, rows: Sequence[tuple[float, str]]) -> dict[str, int]:
    """Each interview's place in the real ranking, by (rank key, id): one more than the rows before
    it, each counted over one index range, all in one query."""
    if not rows:
        return {}
    before = [select(func.count()).select_from(STAT).where(
        STAT.c.spec_id == spec_id, tuple_(STAT.c.rank_key, STAT.c.interview_id) > (key, iid)).scalar_subquery()
        for key, iid in rows]
    counts = session.execute(select(*before)).one()
    return {iid: int(count) + 1 for (_, iid), count in zip(rows, counts, strict=True)}


def _stored_score(stat: Any) -> scoring.InterviewScore:
    """The stored row as the `scoring.InterviewScore` that `scoring.rescore` re-weights."""
    competencies = {cid: scoring.CompetencyScore(score, 0, None, None) for cid, score in (stat.scores or {}).items()}
    return scoring.InterviewScore(stat.overall, stat.status, stat.coverage, stat.knocked_out, competencies, {},
                                  completed=stat.completed)


def reliability_panel(aggregate: SpecAggregate | None, competencies: Sequence[Competency]) -> dict[str, Any]:
    """The stored per-competency ICCs for the current competencies, the raters' leniency (most lenient
    first) and when they were computed (None before the first computation)."""
    stored = aggregate.reliability if aggregate else {}
    panel = []
    for c in competencies:
        entry = stored.get(c.id, {"targets": 0, "raters": 0, "icc": None})
        panel.append({"id": c.id, "name": c.name, "targets": entry["targets"], "raters": entry["raters"],
                      "icc": entry["icc"]})
    raters = [{"rater": rater, "leniency": v["leniency"], "n": v["n"]}
              for rater, v in (aggregate.leniency if aggregate else {}).items()]
    raters.sort(key=lambda r: (-r["leniency"], r["rater"]))
    return {"competencies": panel, "leniency": raters, "computed_at": aggregate.computed_at if aggregate else None}
