"""Voluntary self-identification and the adverse-impact report built on it (DESIGN: Candidate data,
consent and fairness). Self-identification is read here and by the admin's export only."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, func
from sqlmodel import Session, col, select

from app.errors import Invalid
from app.models import Interview, InterviewStat, JobSpec, utcnow
from app.privacy.models import DECLINE, LABELS, RACES_ETHNICITIES, SEXES, SelfIdentification
from scoring import fairness

DIMENSIONS = {"sex": SEXES, "race_ethnicity": RACES_ETHNICITIES}
DEFAULT_THRESHOLD = 60.0


def self_identification(session: Session, candidate_id: str) -> SelfIdentification:
    """The candidate's answers, or the default (decline both) when they gave none."""
    return session.get(SelfIdentification, candidate_id) or SelfIdentification(candidate_id=candidate_id)


def set_self_identification(session: Session, interview: Interview, *, sex: str, race_ethnicity: str,
                            now: datetime | None = None) -> SelfIdentification:
    """Store the candidate's answers (each an EEOC category or "decline"); no audit entry names them."""
    errors = [{"loc": ["body", name], "msg": f"one of: {', '.join(DIMENSIONS[name])}"}
              for name, value in (("sex", sex), ("race_ethnicity", race_ethnicity)) if value not in DIMENSIONS[name]]
    if errors:
        raise Invalid("not a category", errors=errors)
    row = session.get(SelfIdentification, interview.candidate_id)
    if row is None:
        row = SelfIdentification(candidate_id=interview.candidate_id)
    row.sex, row.race_ethnicity, row.updated_at = sex, race_ethnicity, now or utcnow()
    session.add(row)
    session.flush()
    return row


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

