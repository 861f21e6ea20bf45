"""Question analysis: how well each interview question separates candidates (classical item
analysis, with the interview's other rounds as the "rest of the test").

For a question ``q`` asked in round ``R`` of interview ``i``:

* the *item rating* ``x_i`` is the mean of the submitted, non-null ratings of ``q``'s
  competencies on the scorecards of round ``R`` of interview ``i`` (each rating counts once,
  whoever gave it; an interview with no such rating has no item rating);
* the *rest score* ``y_i`` is the interview's overall score (:mod:`scoring.formula`:
  ``sum(w_c * s_c) / coverage`` under the interview's own weights) computed from the ratings of
  every round but ``R``, so that the question is not correlated with itself (``None`` when the
  other rounds rated nothing the weights know);
* ``discrimination`` is the Pearson correlation of ``(x_i, y_i)`` over the interviews that have
  both (DESIGN: the item-rest correlation).  It is ``None`` with fewer than
  :data:`MIN_INTERVIEWS` such interviews, and when either side does not vary (the correlation
  is then undefined, not zero);
* ``n`` is the number of interviews in which the question was asked (the candidate started its
  round), ``blank_rate`` the share of those whose answer is blank (empty, or only whitespace);
* ``mean_rating`` is the mean of the item ratings, ``mean_score`` the same on the 0-100 scale
  of competency scores, ``(mean_rating - 1) / 4 * 100``;
* ``median_answer_seconds`` is the median of the time spent on the question's non-blank answers,
  as the caller measured it (``None`` when no answer has a time);
* ``flagged`` when ``discrimination < FLAG_BELOW`` (0.2): the question barely separates
  candidates whom the rest of the interview separates, so it is worth reviewing or replacing.

The figures are assembled from running totals (:class:`QuestionTotals`) so that a database can
compute the same totals with ``COUNT`` and ``SUM`` and hand them to :func:`question_stats`: the
formula is written once, here.  :func:`question_analysis` computes the totals from plain
per-interview evidence and is the reference the database path is tested against.
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from scoring.formula import competency_score, rating_to_score, weighted_overall

MIN_INTERVIEWS = 5
FLAG_BELOW = 0.2
BLANK_CHARACTERS = " \t\n\r\f\v"
"""What counts as whitespace for a blank answer (the same set a database TRIM is given)."""
_ZERO = 1e-12  # a variance below this share of the sum of squares is a rounding residue of zero


@dataclass(frozen=True)
class AskedQuestion:
    """One question put to one candidate: its round, competencies, answer and time spent."""

    question_id: str
    round_key: str
    competencies: tuple[str, ...]
    answer: str = ""
    answer_seconds: float | None = None


@dataclass(frozen=True)
class InterviewEvidence:
    """One interview: its weights, its submitted ratings ``(round_key, competency_id, value)``
    (``None`` = no evidence, not a rating) and the questions its candidate was asked."""

    interview_id: str
    weights: Mapping[str, float]
    ratings: Sequence[tuple[str, str, int | None]]
    asked: Sequence[AskedQuestion]


@dataclass
class PairSums:
    """Running sums of ``(x, y)`` pairs: enough for the Pearson correlation."""

    n: int = 0
    sx: float = 0.0
    sy: float = 0.0
    sxx: float = 0.0
    syy: float = 0.0
    sxy: float = 0.0

    def add(self, x: float, y: float) -> None:
        """Count one pair."""
        self.n += 1
        self.sx += x
        self.sy += y
        self.sxx += x * x
        self.syy += y * y
        self.sxy += x * y


@dataclass
class QuestionTotals:
    """What one question's figures are made of, as COUNTs and SUMs."""

    asked: int = 0
    blank: int = 0
    rated: int = 0
    rating_sum: float = 0.0
    pairs: PairSums = field(default_factory=PairSums)
    median_answer_seconds: float | None = None


@dataclass(frozen=True)
class QuestionStats:
    """One question's analysis (see the module docstring for each figure)."""

    question_id: str
    n: int
    rated: int
    correlated: int
    mean_rating: float | None
    mean_score: float | None
    discrimination: float | None
    blank_rate: float | None
    median_answer_seconds: float | None
    flagged: bool

    def to_dict(self) -> dict[str, Any]:
        """The JSON-ready form (DESIGN's fields first)."""
        return {"id": self.question_id, "n": self.n, "mean_score": self.mean_score,
                "discrimination": self.discrimination, "blank_rate": self.blank_rate,
                "median_answer_seconds": self.median_answer_seconds, "flagged": self.flagged,
                "mean_rating": self.mean_rating, "rated": self.rated, "correlated": self.correlated}


def is_blank(text: str | None) -> bool:
    """True for a missing answer or one of whitespace only."""
    return not (text or "").strip(BLANK_CHARACTERS)


def correlation_from_sums(sums: PairSums) -> float | None:
    """The Pearson correlation from running sums; None for fewer than two pairs or no variance."""
    n = sums.n
    if n < 2:
        return None
    var_x = n * sums.sxx - sums.sx * sums.sx
    var_y = n * sums.syy - sums.sy * sums.sy
    if var_x <= _ZERO * n * sums.sxx or var_y <= _ZERO * n * sums.syy:
        return None
    r = (n * sums.sxy - sums.sx * sums.sy) / math.sqrt(var_x * var_y)
    return min(1.0, max(-1.0, r))


def pearson(pairs: Iterable[tuple[float, float]]) -> float | None:
    """The Pearson correlation of ``(x, y)`` pairs (the same formula as :func:`correlation_from_sums`)."""
    sums = PairSums()
    for x, y in pairs:
        sums.add(float(x), float(y))
    return correlation_from_sums(sums)


def median(values: Iterable[float]) -> float | None:
    """The median, or None for no values."""
    found = sorted(float(v) for v in values)
    return statistics.median(found) if found else None


def item_rating(ratings: Sequence[tuple[str, str, int | None]], round_key: str,
                competencies: Iterable[str]) -> float | None:
    """The mean of the round's non-null ratings of these competencies (None without any)."""
    wanted = set(competencies)
    values = [v for r, cid, v in ratings if r == round_key and cid in wanted and v is not None]
    return math.fsum(values) / len(values) if values else None


def rest_score(weights: Mapping[str, float], ratings: Sequence[tuple[str, str, int | None]],
               left_out: str) -> float | None:
    """The overall score from every round's ratings but ``left_out`` (scoring.formula's overall)."""
    by_competency: dict[str, list[int | None]] = defaultdict(list)
    for round_key, cid, value in ratings:
        if round_key != left_out:
            by_competency[cid].append(value)
    scores = {cid: s.score for cid, values in by_competency.items()
              if (s := competency_score(values)).score is not None}
    return weighted_overall(weights, scores)[1]


def question_stats(question_id: str, totals: QuestionTotals) -> QuestionStats:
    """A question's figures from its totals: the one place the formula is written."""
    mean_rating = totals.rating_sum / totals.rated if totals.rated else None
    r = correlation_from_sums(totals.pairs) if totals.pairs.n >= MIN_INTERVIEWS else None
    return QuestionStats(
        question_id=question_id, n=totals.asked, rated=totals.rated, correlated=totals.pairs.n,
        mean_rating=mean_rating, mean_score=rating_to_score(mean_rating) if mean_rating is not None else None,
        discrimination=r, blank_rate=totals.blank / totals.asked if totals.asked else None,
        median_answer_seconds=totals.median_answer_seconds,
        flagged=r is not None and r < FLAG_BELOW)


def question_totals(interviews: Iterable[InterviewEvidence]) -> dict[str, QuestionTotals]:
    """Per question id, the totals over plain per-interview evidence (the reference computation)."""
    totals: dict[str, QuestionTotals] = defaultdict(QuestionTotals)
    seconds: dict[str, list[float]] = defaultdict(list)
    for interview in interviews:
        rest: dict[str, float | None] = {}
        for asked in interview.asked:
            t = totals[asked.question_id]
            t.asked += 1
            if is_blank(asked.answer):
                t.blank += 1
            elif asked.answer_seconds is not None:
                seconds[asked.question_id].append(asked.answer_seconds)
            x = item_rating(interview.ratings, asked.round_key, asked.competencies)
            if x is None:
                continue
            t.rated += 1
            t.rating_sum += x
            if asked.round_key not in rest:
                rest[asked.round_key] = rest_score(interview.weights, interview.ratings, asked.round_key)
            y = rest[asked.round_key]
            if y is not None:
                t.pairs.add(x, y)
    for qid, t in totals.items():
        t.median_answer_seconds = median(seconds[qid])
    return dict(totals)


def question_analysis(interviews: Iterable[InterviewEvidence]) -> dict[str, QuestionStats]:
    """Per question id, its analysis over these interviews, in question-id order."""
    return {qid: question_stats(qid, t) for qid, t in sorted(question_totals(interviews).items())}
