"""The model as an extra rater of a job spec: its suggested ratings against the panel's
(`scoring.model_rater`). A target is one round of one interview; the model's rating of it is
the latest suggestion set of each of the round's scorecards, the panel's the round's submitted
ratings. Only targets someone compared with AI are read, so the query is as small as the use."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from app.models import Interview, JobSpec, Rating, Scorecard
from app.specs import service as specs
from app.suggestions.models import AiSuggestion, AiSuggestionSet
from scoring.model_rater import model_agreement as agreement_of


def _model_rows(session: Session, spec: JobSpec) -> list[tuple[str, str, float]]:
    newest = func.row_number().over(partition_by=AiSuggestionSet.scorecard_id,
                                    order_by=(col(AiSuggestionSet.created_at).desc(), col(AiSuggestionSet.id).desc()))
    ranked = (select(AiSuggestionSet.id, AiSuggestionSet.scorecard_id, newest.label("pos"))
              .join(Scorecard, col(Scorecard.id) == AiSuggestionSet.scorecard_id)
              .join(Interview, col(Interview.id) == Scorecard.interview_id)
              .where(Interview.spec_id == spec.id).subquery())
    query = (select(Scorecard.interview_id, Scorecard.round_key, AiSuggestion.competency_id, AiSuggestion.rating)
             .join(ranked, ranked.c.id == AiSuggestion.set_id)
             .join(Scorecard, col(Scorecard.id) == ranked.c.scorecard_id)
             .where(ranked.c.pos == 1))
    return [(cid, f"{iid}/{rk}", float(v)) for iid, rk, cid, v in session.execute(query)]


def _panel_rows(session: Session, spec: JobSpec) -> list[tuple[str, str, float]]:
    # From the compared rounds to their ratings, so the cost follows the comparisons, not the spec.
    compared = (select(Scorecard.interview_id, Scorecard.round_key)
                .join(AiSuggestionSet, col(AiSuggestionSet.scorecard_id) == Scorecard.id)
                .join(Interview, col(Interview.id) == Scorecard.interview_id)
                .where(Interview.spec_id == spec.id).distinct().subquery())
    rated = aliased(Scorecard)
    query = (select(rated.interview_id, rated.round_key, Rating.competency_id, Rating.value)
             .select_from(compared)
             .join(rated, (rated.interview_id == compared.c.interview_id) & (rated.round_key == compared.c.round_key))
             .join(Rating, col(Rating.scorecard_id) == rated.id)
             .where(rated.status == "submitted", col(Rating.value).is_not(None)))
    return [(cid, f"{iid}/{rk}", float(v)) for iid, rk, cid, v in session.execute(query)]


def _has_comparisons(session: Session, spec: JobSpec) -> bool:
    """Whether any scorecard of the spec was compared with the model. Driven from the compared
    scorecards (few) by primary key, so a dashboard without comparisons never scans the spec."""
    cards = list(session.execute(select(AiSuggestionSet.scorecard_id).distinct()).scalars())
    for start in range(0, len(cards), 500):
        found = session.execute(select(Scorecard.id).join(Interview, col(Interview.id) == Scorecard.interview_id)
                                .where(col(Scorecard.id).in_(cards[start:start + 500]), Interview.spec_id == spec.id)
                                .limit(1)).first()
        if found is not None:
            return True
    return False


def model_agreement(session: Session, spec: JobSpec) -> list[dict[str, Any]]:
    """Per competency of the spec's current version: the model's agreement with the panel's mean
    (`n` targets, ICC(2,1) `agreement`, ICC(3,1) `consistency`, `mean_deviation`, all six `icc`)."""
    content = specs.content_of(specs.get_version(session, spec))
    compared = _has_comparisons(session, spec)
    found = agreement_of(_panel_rows(session, spec), _model_rows(session, spec)) if compared else {}
    empty = {"n": 0, "mean_deviation": None, "icc": None, "agreement": None, "consistency": None}
    return [{"id": c.id, "name": c.name, **found.get(c.id, empty)} for c in content.competencies]
