"""What the dashboard pages show, assembled from the stored rows, totals and aggregates: each part
reads a bounded number of rows, however many interviews the spec has (DESIGN: Scale)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from fastapi import FastAPI
from sqlmodel import Session

from app.dashboard import aggregates, scores, stats
from app.dashboard import ranking as rank
from app.dashboard.service import spec_dashboard
from app.db import get_read_engine, get_session
from app.errors import NotFound
from app.models import JobSpec, Scorecard
from app.specs import service as specs
from app.suggestions.agreement import agreement_panel

FRAGMENTS = ("live", "charts", "ranking", "reliability")
CSV_COLUMNS = ("rank", "candidate", "email", "overall", "status", "coverage", "knocked_out", "adjusted_overall",
               "recommendations", "scorecards", "version", "interview_id")
CSV_PAGE = 1_000


def dashboard_context(session: Session, spec: JobSpec, wanted: rank.RankingFilter = rank.RankingFilter(), *,
                      cursor: str = "") -> dict[str, Any]:
    """Everything the dashboard page renders: totals, stored aggregates, a page of the ranking (the first
    unless `cursor` says which)."""
    version = specs.get_version(session, spec)
    content = specs.content_of(version)
    aggregate = aggregates.stored(session, spec.id)
    rows, next_cursor = rank.page(session, spec.id, wanted, cursor=cursor)
    return {
        "spec": spec, "version": version, "content": content, "live": spec_dashboard(session, spec),
        "rows": rows, "next_cursor": next_cursor, "wanted": wanted, "sorts": rank.SORTS,
        "statuses": rank.STATUSES, "versions": rank.version_labels(session, spec.id),
        "distribution": aggregate.distribution if aggregate else aggregates.score_distribution([]),
        "reliability": rank.reliability_panel(aggregate, content.competencies),
        # the model as an extra rater, beside the ICCs: stored with them, so the same `computed_at`
        "model_rater": agreement_panel(aggregate, content.competencies),
    }


def what_if_context(session: Session, spec: JobSpec, weights: dict[str, float]) -> dict[str, Any]:
    """The top of the ranking re-scored under what-if weights beside the real one (nothing is stored)."""
    rows = rank.what_if(session, spec.id, weights) if sum(weights.values()) > 0 else []
    return {"spec": spec, "what_if_rows": rows, "what_if_weights": weights}


def _cell(value: Any) -> str:
    text = "" if value is None else f"{value:.2f}" if isinstance(value, float) else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text  # no spreadsheet formulas


def csv_line(row: dict[str, Any] | None) -> str:
    """One CSV line of the ranking (the header for None)."""
    out = io.StringIO()
    if row is None:
        csv.writer(out).writerow(CSV_COLUMNS)
        return out.getvalue()
    recs = " ".join(f"{k}:{v}" for k, v in sorted(row["recommendations"].items()))
    values = {**row, "email": row["candidate_email"], "recommendations": recs,
              "knocked_out": "yes" if row["knocked_out"] else "no"}
    csv.writer(out).writerow([_cell(values[c]) for c in CSV_COLUMNS])
    return out.getvalue()


def ranking_csv(app: FastAPI, spec_id: str, wanted: rank.RankingFilter = rank.RankingFilter()) -> Iterator[str]:
    """The ranking as CSV, a page of rows at a time, each page read in a short session of its own:
    memory stays flat however long the ranking is."""
    yield csv_line(None)
    cursor: str | None = ""
    while cursor is not None:
        with short_session(app) as session:
            rows, cursor = rank.page(session, spec_id, wanted, cursor=cursor, limit=CSV_PAGE)
        yield "".join(csv_line(row) for row in rows)


def candidate_context(session: Session, spec: JobSpec, interview_id: str, *,
                      shown: Callable[[Scorecard], bool] = lambda card: True) -> dict[str, Any]:
    """One candidate's detail from their own interview's rows and the spec's stored leniency:
    per-competency scores with bands, and the raters, must-have marks and notes of the scorecards
    `shown` keeps (app/policy.py: can_see_scorecard)."""
    found = scores.load_evidence(session, spec, interview_id=interview_id)
    if not found:
        raise NotFound(f"no interview '{interview_id}' on this job spec")
    ev = found[0]
    leniency = stats.stored_leniency(session.connection(), spec.id)
    detail = scores.score_detail(ev, leniency)
    cards = [ce for ce in ev.cards if shown(ce.card)]
    ratings = {(ce.rater, r.competency_id): r for ce in cards for r in ce.ratings}
    marks = {(ce.rater, c.must_have_id): c.status for ce in cards for c in ce.checks}
    return {"spec": spec, "ev": ev, "content": ev.content, "score": detail, "raters": [ce.rater for ce in cards],
            "cards": cards, "ratings": ratings, "marks": marks, "leniency": leniency}


@contextmanager
def short_session(app: FastAPI) -> Iterator[Session]:
    """A session for one render outside a request (the app's session dependency, or its override)."""
    factory = app.dependency_overrides.get(get_session)
    if factory is None:  # a render only reads: no write lock on SQLite
        with Session(get_read_engine(), expire_on_commit=False) as session:
            yield session
        return
    source = factory()
    session = next(source)
    try:
        yield session
    finally:
        next(source, None)


def fragment_renderer(app: FastAPI, spec_id: str, view: str) -> Callable[[], list[tuple[str, str]]]:
    """A callable rendering the fragments a spec's streams send when its dashboard moves: the same
    for every viewer, so one render serves every open stream (app/events/fragments.py)."""
    from jinja2_fragments import render_block

    from app.web import templates

    def render() -> list[tuple[str, str]]:
        with short_session(app) as session:
            spec = session.get(JobSpec, spec_id)
            if spec is None:
                return []
            if view == "dashboard":
                ctx = dashboard_context(session, spec)
                return [(name, render_block(templates.env, "dashboard/page.html", name, **ctx)) for name in FRAGMENTS]
            live = spec_dashboard(session, spec)
            return [("live", render_block(templates.env, "dashboard/_live_block.html", "live_performance",
                                          spec=spec, live=live))]

    return render
