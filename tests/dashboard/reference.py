"""A second derivation of the dashboard, straight from the rating rows with SQL aggregates.

It exists to check the running totals (app/dashboard/stats.py) and `scoring` against a form that
shares no code with them: Python never loops over rating rows.

1. ``interviews`` and ``completed`` are ``count(*)`` and ``count(completed_at)`` of the spec's
   interviews.
2. ``cell`` is the mean of the submitted, non-null ratings per (completed interview,
   competency): ``GROUP BY interview_id, competency_id`` over rating ⨝ scorecard ⨝ interview.
3. Per competency, ``avg_score`` is ``avg((mean - 1) / 4 * 100)`` over the cells of that
   competency and ``n`` their count (a competency score depends only on ratings, never on
   weights, so every version's interviews count).
4. Each interview is scored with its own version's weights: the weights of every version of
   the spec become a small literal table ``(version_id, competency_id, weight)``; joined to the
   cells it gives ``overall = Σ w·score / Σ w`` per interview (``Σ w`` over rated competencies is
   the coverage), and ``avg_score`` is the mean of those overalls.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Float, func, literal, select, union_all
from sqlmodel import Session

import scoring
from app.dashboard import scores
from app.dashboard.service import dashboard_body
from app.models import Interview, JobSpec, JobSpecVersion, Rating, Scorecard
from app.specs import service as specs


def rating_means():  # type: ignore[no-untyped-def]
    """(interview_id, competency_id, mean) of the ratings that count: submitted and not "no evidence"."""
    return (select(Scorecard.interview_id.label("interview_id"), Rating.competency_id.label("competency_id"),
                   func.avg(Rating.value * 1.0).label("mean"))
            .join(Scorecard, Scorecard.id == Rating.scorecard_id)
            .where(Scorecard.status == "submitted", Rating.value.is_not(None))
            .group_by(Scorecard.interview_id, Rating.competency_id))


def _cells(spec_id: str):  # type: ignore[no-untyped-def]
    """Per (completed interview, competency): the mean of its submitted non-null ratings."""
    return (rating_means().join(Interview, Interview.id == Scorecard.interview_id)
            .where(Interview.spec_id == spec_id, Interview.completed_at.is_not(None))
            .subquery("cell"))


def _weights_table(session: Session, spec_id: str):  # type: ignore[no-untyped-def]
    """Every version's weights as a literal table (version_id, competency_id, weight)."""
    versions = session.execute(select(JobSpecVersion.id).where(JobSpecVersion.spec_id == spec_id)).scalars().all()
    rows = [select(literal(vid).label("version_id"), literal(cid).label("competency_id"),
                   literal(float(weight), Float).label("weight"))
            for vid in versions for cid, weight in specs.version_content(session, vid).weights.items()]
    if not rows:
        return None
    return (union_all(*rows) if len(rows) > 1 else rows[0]).subquery("version_weight")


def _counts(session: Session, spec_id: str) -> tuple[int, int]:
    row = session.execute(select(func.count(Interview.id), func.count(Interview.completed_at))
                          .where(Interview.spec_id == spec_id)).one()
    return int(row[0]), int(row[1])


def _avg_overall(session: Session, spec_id: str) -> float | None:
    weights = _weights_table(session, spec_id)
    if weights is None:
        return None
    cell = _cells(spec_id)
    score = (cell.c.mean - 1.0) / 4.0 * 100.0
    per_interview = (
        select((func.sum(weights.c.weight * score) / func.sum(weights.c.weight)).label("overall"))
        .select_from(cell)
        .join(Interview, Interview.id == cell.c.interview_id)
        .join(weights, (weights.c.version_id == Interview.spec_version_id)
              & (weights.c.competency_id == cell.c.competency_id))
        .group_by(cell.c.interview_id)
        .having(func.sum(weights.c.weight) > 0)
        .subquery("per_interview")
    )
    value = session.execute(select(func.avg(per_interview.c.overall))).scalar()
    return None if value is None else float(value)


def _per_competency(session: Session, spec_id: str) -> dict[str, tuple[float, int]]:
    cell = _cells(spec_id)
    rows = session.execute(
        select(cell.c.competency_id, func.avg((cell.c.mean - 1.0) / 4.0 * 100.0), func.count())
        .group_by(cell.c.competency_id)).all()
    return {cid: (float(avg), int(n)) for cid, avg, n in rows}


def dashboard_from_ratings(session: Session, spec: JobSpec) -> dict[str, Any]:
    """The dashboard computed from the interview and rating rows by SQL aggregates."""
    interviews, completed = _counts(session, spec.id)
    per_competency = _per_competency(session, spec.id) if completed else {}
    avg = _avg_overall(session, spec.id) if completed else None
    return dashboard_body(specs.version_content(session, specs.get_version(session, spec).id), interviews, completed, avg, per_competency)


# -- the ranking and the aggregates, from the full evidence of a spec -------------------------------
# What the dashboard computed on every view before the rows were kept (app/dashboard/stats.py) and
# the aggregates stored (app/dashboard/aggregates.py): everything loaded, scored by `scoring`.

def fresh_leniency(session: Session, spec: JobSpec) -> dict[str, dict[str, Any]]:
    """Per-rater leniency over every submitted rating of the spec."""
    return scores.leniency_for(scores.load_evidence(session, spec))


def fresh_ranking(session: Session, spec: JobSpec, leniency: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per interview, best first: knocked-out candidates after the others, unscored last
    (ties by interview id, as the stored ranking breaks them)."""
    rows = []
    for ev in scores.load_evidence(session, spec):
        score = scores.score_of(ev)
        rows.append({
            "interview_id": ev.interview.id, "candidate": ev.candidate.name, "candidate_email": ev.candidate.email,
            "version": ev.version.label, "completed": ev.interview.completed_at is not None,
            "overall": score.overall, "status": score.status, "coverage": score.coverage,
            "knocked_out": score.knocked_out, "adjusted_overall": scores.adjusted_overall(ev, leniency),
            "recommendations": scores.recommendations(ev), "scorecards": f"{len(ev.cards)}/{ev.assigned}",
            "score": score,
        })
    rows.sort(key=lambda r: (r["overall"] is not None, not r["knocked_out"], r["overall"] or 0.0, r["interview_id"]),
              reverse=True)
    return rows


def fresh_reliability(session: Session, spec: JobSpec) -> dict[str, Any]:
    """Per competency `{targets, raters, icc}` over the spec's interviews with two or more raters."""
    rows = [(cid, iid, rater, value) for ev in scores.load_evidence(session, spec) for rater, iid, cid, value in ev.rows()]
    return scoring.competency_reliability(rows)


def fresh_model_agreement(session: Session, spec: JobSpec) -> dict[str, dict[str, Any]]:
    """The model's agreement with the panel from every suggestion set of the spec loaded whole: per
    scorecard its newest set (by time, then id), against every submitted rating of the rounds
    compared, by `scoring.model_rater`."""
    from app.suggestions.models import AiSuggestion, AiSuggestionSet

    cards = {card.id: card for card in session.scalars(
        select(Scorecard).join(Interview, Interview.id == Scorecard.interview_id)
        .where(Interview.spec_id == spec.id)).all()}
    newest: dict[str, AiSuggestionSet] = {}
    for found in session.scalars(select(AiSuggestionSet)).all():
        if found.scorecard_id in cards:
            held = newest.get(found.scorecard_id)
            if held is None or (found.created_at, found.id) > (held.created_at, held.id):
                newest[found.scorecard_id] = found
    model_rows, rounds = [], set()
    for card_id, found in newest.items():
        target = f"{cards[card_id].interview_id}/{cards[card_id].round_key}"
        rounds.add(target)
        for item in session.scalars(select(AiSuggestion).where(AiSuggestion.set_id == found.id)).all():
            model_rows.append((item.competency_id, target, float(item.rating)))
    panel_rows = [(r.competency_id, f"{card.interview_id}/{card.round_key}", float(r.value))
                  for card in cards.values() if card.status == "submitted"
                  and f"{card.interview_id}/{card.round_key}" in rounds
                  for r in session.scalars(select(Rating).where(Rating.scorecard_id == card.id)).all()
                  if r.value is not None]
    return scoring.model_rater.model_agreement(panel_rows, model_rows)
