"""The adverse-impact report built on voluntary self-identification (DESIGN: Candidate data, consent
and fairness; the answers themselves are kept by app/consent/self_id.py)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, case, func
from sqlmodel import Session, col, select

from app.consent.models import DECLINE, LABELS, SelfIdentification
from app.consent.self_id import DIMENSIONS
from app.models import Interview, InterviewStat, JobSpec
from scoring import fairness

DEFAULT_THRESHOLD = 60.0


def group_counts(session: Session, spec: JobSpec, threshold: float, dimension: str) -> dict[str, tuple[int, int]]:
    """{group: (n, selected)} over the spec's completed interviews, grouped in the database (no answer
    counts as "decline"). Selected: overall score at least `threshold` and not knocked out, from the
    score each interview keeps up to date in the transaction of every change (app/dashboard/stats.py)."""
    group = func.coalesce(getattr(SelfIdentification, dimension), DECLINE)
    selected = case((and_(col(InterviewStat.overall) >= threshold, col(InterviewStat.knocked_out).is_(False)), 1),
                    else_=0)
    query = (select(group, func.count(), func.sum(selected)).select_from(InterviewStat)
             .join(Interview, col(Interview.id) == InterviewStat.interview_id)
             .outerjoin(SelfIdentification, col(SelfIdentification.candidate_id) == Interview.candidate_id)
             .where(InterviewStat.spec_id == spec.id, col(InterviewStat.completed).is_(True)).group_by(group))
    return {str(g): (int(n), int(s or 0)) for g, n, s in session.execute(query).all()}


def adverse_impact(session: Session, spec: JobSpec, *, threshold: float = DEFAULT_THRESHOLD) -> dict[str, Any]:
    """Per dimension and group: n, selected, selection rate, impact ratio, four-fifths flag, Fisher p."""
    report: dict[str, Any] = {"job_spec": spec.slug, "threshold": threshold, "completed": 0,
                              "min_group": fairness.MIN_GROUP, "four_fifths": fairness.FOUR_FIFTHS, "dimensions": []}
    for name, categories in DIMENSIONS.items():
        found = group_counts(session, spec, threshold, name)
        report["completed"] = sum(n for n, _ in found.values())
        counts = {c: found.get(c, (0, 0)) for c in categories if c != DECLINE}
        declined = report["completed"] - sum(n for n, _ in counts.values())  # and any retired category
        rows = fairness.adverse_impact(counts)
        report["dimensions"].append({"name": name, "declined": declined,
                                     "groups": [row.to_dict() | {"label": LABELS[row.group]} for row in rows]})
    return report

