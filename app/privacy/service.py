"""Voluntary self-identification and the adverse-impact report built on it (DESIGN: Candidate data,
consent and fairness). Self-identification is read here and by the admin's export only."""

from __future__ import annotations

from datetime import datetime
from typing import Any

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


def selection_outcomes(session: Session, spec: JobSpec, threshold: float) -> list[tuple[str, bool]]:
    """(candidate id, selected) for every completed interview of the spec, from the score each
    interview keeps up to date in the transaction of every change (app/dashboard/stats.py): one
    indexed read, however many interviews the spec has."""
    rows = session.exec(select(Interview.candidate_id, InterviewStat.overall, InterviewStat.knocked_out)
                        .join(Interview, col(Interview.id) == InterviewStat.interview_id)
                        .where(InterviewStat.spec_id == spec.id, col(InterviewStat.completed).is_(True))).all()
    return [(cid, overall is not None and overall >= threshold and not knocked_out)
            for cid, overall, knocked_out in rows]


def _answers_of(session: Session, candidate_ids: list[str]) -> dict[str, SelfIdentification]:
    found: dict[str, SelfIdentification] = {}
    for start in range(0, len(candidate_ids), 500):
        chunk = candidate_ids[start:start + 500]
        found.update({r.candidate_id: r for r in session.exec(
            select(SelfIdentification).where(col(SelfIdentification.candidate_id).in_(chunk)))})
    return found


def adverse_impact(session: Session, spec: JobSpec, *, threshold: float = DEFAULT_THRESHOLD) -> dict[str, Any]:
    """Per dimension and group: n, selected, selection rate, impact ratio, four-fifths flag, Fisher p."""
    outcomes = selection_outcomes(session, spec, threshold)
    answers = _answers_of(session, sorted({cid for cid, _ in outcomes}))
    report: dict[str, Any] = {"job_spec": spec.slug, "threshold": threshold, "completed": len(outcomes),
                              "min_group": fairness.MIN_GROUP, "four_fifths": fairness.FOUR_FIFTHS, "dimensions": []}
    for name, categories in DIMENSIONS.items():
        counts = {c: [0, 0] for c in categories if c != DECLINE}
        declined = 0
        for candidate_id, selected in outcomes:
            value = getattr(answers.get(candidate_id), name, DECLINE)
            if value == DECLINE or value not in counts:
                declined += 1
                continue
            counts[value][0] += 1
            counts[value][1] += int(selected)
        rows = fairness.adverse_impact({g: (n, s) for g, (n, s) in counts.items()})
        report["dimensions"].append({"name": name, "declined": declined,
                                     "groups": [row.to_dict() | {"label": LABELS[row.group]} for row in rows]})
    return report

