"""The job-spec dashboard (DESIGN: Dashboard), read from running totals.

`spec_dashboard` reads the totals that app/dashboard/stats.py keeps in the transaction of every
change: a few rows per spec, whatever the number of interviews and ratings. The figures equal
`scoring.dashboard_summary` over the rows (tests/dashboard/test_aggregates.py, on random data)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from app.models import JobSpec, SpecCompetencyStat, SpecStat
from app.specs import service as specs
from app.specs.content import SpecContent


def dashboard_body(content: SpecContent, interviews: int, completed: int, avg_score: float | None,
                   per_competency: dict[str, tuple[float, int]]) -> dict[str, Any]:
    """DESIGN's dashboard document from its counts and per-competency (mean score, n)."""
    competencies = []
    for c in content.competencies:
        avg, n = per_competency.get(c.id, (None, 0))
        competencies.append({"id": c.id, "name": c.name, "weight": c.weight, "avg_score": avg, "n": n})
    return {
        "interviews": interviews,
        "completed": completed,
        "completion_rate": completed / interviews if interviews else 0.0,
        "avg_score": avg_score,
        "competencies": competencies,
    }


def spec_dashboard(session: Session, spec: JobSpec) -> dict[str, Any]:
    """DESIGN's dashboard for a spec: counts, completion, average overall and per-competency figures."""
    content = specs.version_content(session, specs.get_version(session, spec).id)
    totals = session.execute(select(SpecStat.interviews, SpecStat.completed, SpecStat.overall_sum, SpecStat.overall_n)
                             .where(SpecStat.spec_id == spec.id)).first()
    if totals is None:
        return dashboard_body(content, 0, 0, None, {})
    rows = session.execute(select(SpecCompetencyStat.competency_id, SpecCompetencyStat.score_sum, SpecCompetencyStat.n)
                           .where(SpecCompetencyStat.spec_id == spec.id, SpecCompetencyStat.n > 0)).all()
    per_competency = {cid: (float(total) / n, int(n)) for cid, total, n in rows}
    avg = totals.overall_sum / totals.overall_n if totals.overall_n else None
    return dashboard_body(content, totals.interviews, totals.completed, avg, per_competency)
