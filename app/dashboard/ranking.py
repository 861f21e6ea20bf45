"""Candidate ranking, what-if re-weighting and the reliability panel of a spec's dashboard."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import scoring
from app.dashboard.scores import Evidence, adjusted_overall, recommendations, score_of
from app.specs.content import Competency


def ranking(evidence: list[Evidence], leniency: dict[str, dict[str, Any]],
            weights: Mapping[str, float] | None = None) -> list[dict[str, Any]]:
    """One row per interview, best first: knocked-out candidates after the others, unscored last.

    With `weights` (a what-if), every interview is re-scored under them with `scoring.rescore`;
    nothing is stored."""
    rows = []
    for ev in evidence:
        score = score_of(ev)
        if weights is not None:
            score = scoring.rescore(score, weights)
        rows.append({
            "interview_id": ev.interview.id, "candidate": ev.candidate.name, "candidate_email": ev.candidate.email,
            "version": ev.version.label, "completed": ev.interview.completed_at is not None,
            "overall": score.overall, "status": score.status, "coverage": score.coverage,
            "knocked_out": score.knocked_out, "adjusted_overall": adjusted_overall(ev, leniency),
            "recommendations": recommendations(ev), "scorecards": f"{len(ev.cards)}/{ev.assigned}",
            "created_at": ev.interview.created_at,
        })
    rows.sort(key=lambda r: (r["overall"] is None, r["knocked_out"], -(r["overall"] or 0.0), r["candidate"]))
    for place, row in enumerate(rows, start=1):
        row["rank"] = place
    return rows


def score_distribution(rows: list[dict[str, Any]], *, bins: int = 10) -> list[dict[str, Any]]:
    """How many scored interviews fall in each band of `100 / bins` points (100 in the last)."""
    width = 100 / bins
    counts = [0] * bins
    for row in rows:
        if row["overall"] is not None:
            counts[min(bins - 1, int(row["overall"] // width))] += 1
    return [{"low": round(i * width), "high": round((i + 1) * width), "count": n} for i, n in enumerate(counts)]


def _finite(value: float) -> float | None:
    return value if isinstance(value, float) and math.isfinite(value) else None


def reliability(evidence: list[Evidence], competencies: Sequence[Competency],
                leniency: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Per competency ICCs across interviews with two or more raters, and per-rater leniency."""
    rows = [(cid, iid, rater, value) for ev in evidence for rater, iid, cid, value in ev.rows()]
    by_competency = scoring.competency_reliability(rows)
    panel = []
    for c in competencies:
        entry = by_competency.get(c.id, {"targets": 0, "raters": 0, "icc": None})
        icc = {k: _finite(v) for k, v in entry["icc"].items()} if entry["icc"] else None
        panel.append({"id": c.id, "name": c.name, "targets": entry["targets"], "raters": entry["raters"],
                      "icc": icc})
    raters = [{"rater": rater, "leniency": v["leniency"], "n": v["n"]} for rater, v in leniency.items()]
    raters.sort(key=lambda r: -r["leniency"])
    return {"competencies": panel, "leniency": raters}
