"""The model as an extra rater of a job spec: its suggested ratings against the panel's
(`scoring.model_rater`). A target is one round of one interview; the model's rating of it is
the latest suggestion set of each of the round's scorecards, the panel's the round's submitted
ratings. Only targets someone compared with AI are read, so the query is as small as the use.

The figures need every compared round of the spec, so they are computed with the spec's other
stored aggregates in the background (app/dashboard/aggregates.py calls `computed_agreement`) and
served as stored, with when they were computed (`stored_agreement`; DESIGN: Scale). Storing a
suggestion set records a change of its interview (app/suggestions/service.py), which schedules
that recompute."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, func, select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from app.models import Interview, JobSpec, Rating, Scorecard, SpecAggregate
from app.specs import service as specs
from app.specs.content import Competency
from app.suggestions.models import AiSuggestion, AiSuggestionSet
from scoring.model_rater import model_agreement as agreement_of

EMPTY = {"n": 0, "mean_deviation": None, "icc": None, "agreement": None, "consistency": None}


def _model_rows(conn: Connection, spec_id: str) -> list[tuple[str, str, float]]:
    newest = func.row_number().over(partition_by=AiSuggestionSet.scorecard_id,
                                    order_by=(col(AiSuggestionSet.created_at).desc(), col(AiSuggestionSet.id).desc()))
    ranked = (select(AiSuggestionSet.id, AiSuggestionSet.scorecard_id, newest.label("pos"))
              .join(Scorecard, col(Scorecard.id) == AiSuggestionSet.scorecard_id)
              .join(Interview, col(Interview.id) == Scorecard.interview_id)
              .where(Interview.spec_id == spec_id).subquery())
    query = (select(Scorecard.interview_id, Scorecard.round_key, AiSuggestion.competency_id, AiSuggestion.rating)
             .join(ranked, ranked.c.id == AiSuggestion.set_id)
             .join(Scorecard, col(Scorecard.id) == ranked.c.scorecard_id)
             .where(ranked.c.pos == 1))
    return [(cid, f"{iid}/{rk}", float(v)) for iid, rk, cid, v in conn.execute(query)]


def _panel_rows(conn: Connection, spec_id: str) -> list[tuple[str, str, float]]:
    # From the compared rounds to their ratings, so the cost follows the comparisons, not the spec.
    compared = (select(Scorecard.interview_id, Scorecard.round_key)
                .join(AiSuggestionSet, col(AiSuggestionSet.scorecard_id) == Scorecard.id)
                .join(Interview, col(Interview.id) == Scorecard.interview_id)
                .where(Interview.spec_id == spec_id).distinct().subquery())
    rated = aliased(Scorecard)
    query = (select(rated.interview_id, rated.round_key, Rating.competency_id, Rating.value)
             .select_from(compared)
             .join(rated, (rated.interview_id == compared.c.interview_id) & (rated.round_key == compared.c.round_key))
             .join(Rating, col(Rating.scorecard_id) == rated.id)
             .where(rated.status == "submitted", col(Rating.value).is_not(None)))
    return [(cid, f"{iid}/{rk}", float(v)) for iid, rk, cid, v in conn.execute(query)]


def _has_comparisons(conn: Connection, spec_id: str) -> bool:
    """Whether any scorecard of the spec was compared with the model. Driven from the compared
    scorecards (few) by primary key, so a spec without comparisons never scans its ratings."""
    cards = list(conn.execute(select(AiSuggestionSet.scorecard_id).distinct()).scalars())
    for start in range(0, len(cards), 500):
        found = conn.execute(select(Scorecard.id).join(Interview, col(Interview.id) == Scorecard.interview_id)
                             .where(col(Scorecard.id).in_(cards[start:start + 500]), Interview.spec_id == spec_id)
                             .limit(1)).first()
        if found is not None:
            return True
    return False


def computed_agreement(conn: Connection, spec_id: str) -> dict[str, dict[str, Any]]:
    """Per competency the model's agreement with the panel's mean, from the rows (`{cid: {n,
    mean_deviation, icc, agreement, consistency}}`, competencies without a compared target left
    out); nothing is read beyond one look for comparisons when the spec has none."""
    if not _has_comparisons(conn, spec_id):
        return {}
    return agreement_of(_panel_rows(conn, spec_id), _model_rows(conn, spec_id))


def agreement_panel(aggregate: SpecAggregate | None, competencies: Sequence[Competency]) -> list[dict[str, Any]]:
    """The stored figures of each given competency in its order (`n` 0 and no coefficients where
    nothing was compared, or before the first computation): `{id, name, n, mean_deviation, icc,
    agreement, consistency}`."""
    found = aggregate.model_agreement if aggregate else {}
    return [{"id": c.id, "name": c.name, **found.get(c.id, EMPTY)} for c in competencies]


def stored_agreement(session: Session, spec: JobSpec) -> dict[str, Any]:
    """The model's agreement per competency of the spec's current version as last computed in the
    background, and when (`{competencies, computed_at}`; `computed_at` None, every `n` 0, before
    the first computation)."""
    content = specs.content_of(specs.get_version(session, spec))
    aggregate = session.get(SpecAggregate, spec.id)
    return {"competencies": agreement_panel(aggregate, content.competencies),
            "computed_at": aggregate.computed_at if aggregate else None}
