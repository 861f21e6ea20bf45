"""What the dashboard pages show, assembled from the service, the scores and the ranking."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from fastapi import FastAPI
from sqlmodel import Session

from app.dashboard import ranking as rank
from app.dashboard import scores
from app.dashboard.service import spec_dashboard
from app.db import get_read_engine, get_session
from app.models import JobSpec, Scorecard
from app.specs import service as specs

FRAGMENTS = ("live", "charts", "ranking", "reliability")
CSV_COLUMNS = ("rank", "candidate", "email", "overall", "status", "coverage", "knocked_out", "adjusted_overall",
               "recommendations", "scorecards", "version", "interview_id")


def dashboard_context(session: Session, spec: JobSpec) -> dict[str, Any]:
    """Everything the dashboard page renders."""
    version = specs.get_version(session, spec)
    content = specs.content_of(version)
    evidence = scores.load_evidence(session, spec)
    leniency = scores.leniency_for(evidence)
    rows = rank.ranking(evidence, leniency)
    return {
        "spec": spec, "version": version, "content": content,
        "live": spec_dashboard(session, spec), "rows": rows,
        "distribution": rank.score_distribution(rows),
        "reliability": rank.reliability(evidence, content.competencies, leniency),
    }


def what_if_context(session: Session, spec: JobSpec, weights: dict[str, float]) -> dict[str, Any]:
    """The ranking re-scored under what-if weights beside the real one (nothing is stored)."""
    evidence = scores.load_evidence(session, spec)
    leniency = scores.leniency_for(evidence)
    real = {row["interview_id"]: row["rank"] for row in rank.ranking(evidence, leniency)}
    rows = rank.ranking(evidence, leniency, weights) if sum(weights.values()) > 0 else []
    for row in rows:
        row["moved"] = real[row["interview_id"]] - row["rank"]
    return {"spec": spec, "what_if_rows": rows, "what_if_weights": weights}


def _cell(value: Any) -> str:
    text = "" if value is None else f"{value:.2f}" if isinstance(value, float) else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text  # no spreadsheet formulas


def ranking_csv(rows: list[dict[str, Any]]) -> str:
    """The candidate ranking as CSV."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        recs = " ".join(f"{k}:{v}" for k, v in sorted(row["recommendations"].items()))
        values = {**row, "email": row["candidate_email"], "recommendations": recs,
                  "knocked_out": "yes" if row["knocked_out"] else "no"}
        writer.writerow([_cell(values[c]) for c in CSV_COLUMNS])
    return out.getvalue()


def candidate_context(session: Session, spec: JobSpec, interview_id: str, *,
                      shown: Callable[[Scorecard], bool] = lambda card: True) -> dict[str, Any]:
    """One candidate's detail: per-competency scores with bands, and the raters, must-have marks and
    notes of the scorecards `shown` keeps (app/policy.py: can_see_scorecard)."""
    evidence = scores.load_evidence(session, spec)
    leniency = scores.leniency_for(evidence)
    ev = next(e for e in evidence if e.interview.id == interview_id)
    detail = scores.score_detail(ev, leniency)
    content = specs.content_of(ev.version)
    cards = [ce for ce in ev.cards if shown(ce.card)]
    ratings = {(ce.rater, r.competency_id): r for ce in cards for r in ce.ratings}
    marks = {(ce.rater, c.must_have_id): c.status for ce in cards for c in ce.checks}
    return {"spec": spec, "ev": ev, "content": content, "score": detail, "raters": [ce.rater for ce in cards],
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


def stream_renderer(app: FastAPI, spec_id: str, view: str, user: Any):  # type: ignore[no-untyped-def]
    """A callable rendering the fragments a stream sends when the spec's dashboard moves."""
    from jinja2_fragments import render_block

    from app.web import templates

    def render() -> list[tuple[str, str]]:
        with short_session(app) as session:
            spec = session.get(JobSpec, spec_id)
            if spec is None:
                return []
            if view == "dashboard":
                ctx = {**dashboard_context(session, spec), "user": user}
                return [(name, render_block(templates.env, "dashboard/page.html", name, **ctx)) for name in FRAGMENTS]
            live = spec_dashboard(session, spec)
            return [("live", render_block(templates.env, "dashboard/_live_block.html", "live_performance",
                                          spec=spec, live=live, user=user))]

    return render
