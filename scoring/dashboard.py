"""The job-spec dashboard, computed from plain facts.

This is the reference implementation the database aggregates are tested against.
For the interviews of one spec (each with its own version's weights):

* ``interviews``       the number of interviews created;
* ``completed``        the number of completed interviews;
* ``completion_rate``  ``completed / interviews`` (0.0 when there are no interviews);
* ``avg_score``        the mean overall score (:func:`scoring.formula.score_interview`) of the
  completed interviews whose overall is not null, final or provisional (None when none);
* per competency of the current version, in the given order: ``avg_score``, the mean of
  the competency scores of the completed interviews that rated it (at least one non-null
  rating), and ``n``, the number of such interviews (``avg_score`` is None when ``n = 0``).

A competency score depends only on the ratings, never on weights, so the per-competency
figures count a competency wherever it was rated, even in an interview whose version
weighted it differently.  Unfinished interviews count in ``interviews`` only.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from scoring.formula import RatingInput, competency_score, score_interview


@dataclass(frozen=True)
class InterviewFacts:
    """What the dashboard needs to know about one interview."""

    interview_id: str
    completed: bool
    weights: Mapping[str, float]
    ratings: Sequence[RatingInput]


def dashboard_summary(
    interviews: Sequence[InterviewFacts],
    competencies: Sequence[tuple[str, str, float]],
) -> dict[str, Any]:
    """Summarise a spec's interviews; ``competencies`` are ``(id, name, weight)``."""
    done = [facts for facts in interviews if facts.completed]
    overalls = [
        overall
        for facts in done
        if (overall := score_interview(facts.weights, facts.ratings, completed=True).overall)
        is not None
    ]
    return {
        "interviews": len(interviews),
        "completed": len(done),
        "completion_rate": len(done) / len(interviews) if interviews else 0.0,
        "avg_score": _mean(overalls),
        "competencies": [
            _competency_summary(cid, name, weight, done) for cid, name, weight in competencies
        ],
    }


def _competency_summary(
    competency_id: str, name: str, weight: float, done: Sequence[InterviewFacts]
) -> dict[str, Any]:
    scores = [
        score for facts in done if (score := _competency_score_of(facts, competency_id)) is not None
    ]
    return {
        "id": competency_id,
        "name": name,
        "weight": weight,
        "avg_score": _mean(scores),
        "n": len(scores),
    }


def _competency_score_of(facts: InterviewFacts, competency_id: str) -> float | None:
    values = [r.value for r in facts.ratings if r.competency_id == competency_id]
    return competency_score(values).score


def _mean(values: Sequence[float]) -> float | None:
    return math.fsum(values) / len(values) if values else None
