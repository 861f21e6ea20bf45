"""The weighted interview score.

Ratings are integers 1-5 on an anchored scale relative to the job spec's level
(1 far below, 2 below the bar, 3 meets the bar, 4 next-level evidence, 5 two levels up).
``None`` records that the interviewer saw no evidence: it is kept, but it is not a rating,
so it never counts as a 1.

For an interview with spec weights ``w_c`` (each in (0, 1], summing to 1):

* competency score  ``s_c = (m_c - 1) / 4 * 100`` where ``m_c`` is the mean of the
  ``n_c`` non-null ratings of competency ``c`` from all submitted scorecards
  (``s_c`` is ``None`` when ``n_c = 0``; for ``n_c >= 2`` it carries the 80 % band of
  :func:`scoring.uncertainty.score_band`);
* coverage          ``C = sum(w_c for c with n_c >= 1)``;
* overall           ``O = sum(w_c * s_c for c with n_c >= 1) / C`` (``None`` when ``C = 0``),
  i.e. the weighted mean over the competencies that have evidence, so an unrated
  competency neither drags the score down nor is guessed; rounded to 9 decimal places, so
  equal means reached by different sums are equal (and rank as ties);
* status            ``"final"`` when the interview is completed and ``|C - 1| <= 1e-9``,
  otherwise ``"provisional"``.

Ratings of competencies that are not in ``weights`` are ignored (they belong to another
version of the spec).  Sums use :func:`math.fsum`, so the result does not depend on the
order in which ratings arrive.

:func:`rescore` answers "what if the weights were different?" for the same evidence.  Its
weights are any non-negative numbers with a positive sum; they are normalised to sum to 1
first, so coverage is the *share* of the new weight that has evidence and ``O`` is unchanged
by scaling all weights together.  A zero weight removes a competency from the overall.
Competencies the what-if names but the interview never scored count as unrated; the
status rule is the same, using the completion recorded in the score; must-have outcomes
and the knock-out are carried over unchanged.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from scoring.gates import knocked_out, must_have_outcomes
from scoring.uncertainty import score_band

RATING_MIN = 1
RATING_MAX = 5
FINAL_TOLERANCE = 1e-9
# Equal weighted means reached by different sums differ in their last bits (12.499999999999998,
# 12.5, 12.500000000000002); the overall is rounded to a billionth of a point so that equal scores
# are equal wherever they are compared or ranked, and ties are ties.
OVERALL_DIGITS = 9


@dataclass(frozen=True)
class RatingInput:
    """One submitted rating of one competency from one scorecard."""

    competency_id: str
    value: int | None
    rater: str = ""

    def __post_init__(self) -> None:
        if self.value is not None:
            _check_rating(self.value)


@dataclass(frozen=True)
class CompetencyScore:
    """The evidence on one competency of one interview."""

    score: float | None
    n: int
    mean: float | None
    band: tuple[float, float] | None


@dataclass(frozen=True)
class InterviewScore:
    """The scored interview: overall, status, coverage, gates and per-competency scores.

    ``completed`` is kept so that :func:`rescore` can decide ``status`` the same way
    :func:`score_interview` did; it is not part of :meth:`to_dict`.
    """

    overall: float | None
    status: str
    coverage: float
    knocked_out: bool
    competencies: dict[str, CompetencyScore]
    must_haves: dict[str, str]
    completed: bool = False

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON-ready form served by the API."""
        return {
            "overall": self.overall,
            "status": self.status,
            "coverage": self.coverage,
            "knocked_out": self.knocked_out,
            "competencies": {
                cid: {
                    "score": c.score,
                    "n": c.n,
                    "band": list(c.band) if c.band is not None else None,
                }
                for cid, c in self.competencies.items()
            },
            "must_haves": dict(self.must_haves),
        }


UNRATED = CompetencyScore(score=None, n=0, mean=None, band=None)


def competency_score(values: Sequence[int | None]) -> CompetencyScore:
    """Score one competency from its ratings; ``None`` entries are absent, not 1s."""
    rated = [v for v in values if v is not None]
    for value in rated:
        _check_rating(value)
    if not rated:
        return UNRATED
    mean = math.fsum(rated) / len(rated)
    return CompetencyScore(
        score=rating_to_score(mean),
        n=len(rated),
        mean=mean,
        band=score_band(rated),
    )


def rating_to_score(mean: float) -> float:
    """Map a mean rating on 1..5 to the 0..100 score scale."""
    return (mean - RATING_MIN) / (RATING_MAX - RATING_MIN) * 100.0


def score_to_rating(score: float) -> float:
    """The mean rating on 1..5 behind a score on 0..100 (the inverse of `rating_to_score`)."""
    return RATING_MIN + score / 100.0 * (RATING_MAX - RATING_MIN)


def weighted_overall(weights: Mapping[str, float], scores: Mapping[str, float]) -> tuple[float, float | None]:
    """(coverage, overall) of competency scores: coverage is the weight of the scored competencies
    the weights know, overall their weighted mean (None when nothing is covered), to `OVERALL_DIGITS`."""
    rated = [(weights[cid], score) for cid, score in scores.items() if cid in weights]
    coverage = math.fsum(w for w, _ in rated)
    if coverage <= 0.0:
        return coverage, None
    weighted = math.fsum(w * s for w, s in rated) / coverage
    return coverage, round(min(100.0, max(0.0, weighted)), OVERALL_DIGITS)


def score_interview(
    weights: Mapping[str, float],
    ratings: Iterable[RatingInput],
    *,
    completed: bool,
    required_must_haves: Mapping[str, bool] | None = None,
    must_have_checks: Iterable[tuple[str, str]] = (),
) -> InterviewScore:
    """Score an interview from its submitted ratings and must-have checks."""
    _check_weights(weights)
    values: dict[str, list[int | None]] = {cid: [] for cid in weights}
    for rating in ratings:
        if rating.competency_id in values:
            values[rating.competency_id].append(rating.value)
    competencies = {cid: competency_score(vals) for cid, vals in values.items()}
    required = dict(required_must_haves or {})
    outcomes = must_have_outcomes(required, must_have_checks)
    return _assemble(
        weights,
        competencies,
        completed=completed,
        must_haves=outcomes,
        is_knocked_out=knocked_out(required, outcomes),
    )


def rescore(score: InterviewScore, weights: Mapping[str, float]) -> InterviewScore:
    """Re-weight the same evidence: weights are normalised to sum 1 before use."""
    _check_weights(weights)
    total = math.fsum(weights.values())
    if total <= 0.0:
        raise ValueError("what-if weights must have a positive sum")
    normalised = {cid: w / total for cid, w in weights.items()}
    competencies = {cid: score.competencies.get(cid, UNRATED) for cid in normalised}
    return _assemble(
        normalised,
        competencies,
        completed=score.completed,
        must_haves=dict(score.must_haves),
        is_knocked_out=score.knocked_out,
    )


def _assemble(
    weights: Mapping[str, float],
    competencies: dict[str, CompetencyScore],
    *,
    completed: bool,
    must_haves: dict[str, str],
    is_knocked_out: bool,
) -> InterviewScore:
    coverage, overall = weighted_overall(
        weights, {cid: c.score for cid, c in competencies.items() if c.score is not None})
    final = completed and abs(coverage - 1.0) <= FINAL_TOLERANCE
    return InterviewScore(
        overall=overall,
        status="final" if final else "provisional",
        coverage=coverage,
        knocked_out=is_knocked_out,
        competencies=competencies,
        must_haves=must_haves,
        completed=completed,
    )


def _check_rating(value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"a rating is an integer 1-5 or None, got {value!r}")
    if not RATING_MIN <= value <= RATING_MAX:
        raise ValueError(f"a rating is between 1 and 5, got {value}")


def _check_weights(weights: Mapping[str, float]) -> None:
    for cid, weight in weights.items():
        if not math.isfinite(weight) or weight < 0.0:
            raise ValueError(f"weight of {cid!r} must be a finite number >= 0, got {weight!r}")
