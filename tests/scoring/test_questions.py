"""Question analysis (scoring/questions.py): a case worked out by hand, and properties."""

from __future__ import annotations

import math
import random
import statistics

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from scoring.questions import (
    FLAG_BELOW,
    MIN_INTERVIEWS,
    AskedQuestion,
    InterviewEvidence,
    PairSums,
    correlation_from_sums,
    is_blank,
    median,
    pearson,
    question_analysis,
    rest_score,
)
from tests.scoring.question_case import EXPECTED, evidence


def test_question_analysis_matches_the_hand_computed_case() -> None:
    result = question_analysis(evidence())
    assert list(result) == ["q1", "q2", "q3", "q4"]
    for qid, expected in EXPECTED.items():
        got = result[qid].to_dict()
        for key, value in expected.items():
            if isinstance(value, float):
                assert got[key] == pytest.approx(value, abs=1e-12), (qid, key)
            else:
                assert got[key] == value, (qid, key)
    assert result["q2"].flagged and result["q2"].discrimination < FLAG_BELOW


pair_lists = st.lists(st.tuples(st.integers(1, 5), st.floats(0, 100, allow_nan=False)), min_size=2, max_size=40)


@given(pair_lists)
def test_correlation_from_sums_is_pearsons_r(pairs: list[tuple[int, float]]) -> None:
    xs, ys = [float(x) for x, _ in pairs], [y for _, y in pairs]
    assume(statistics.pvariance(xs) > 1e-6 and statistics.pvariance(ys) > 1e-6)
    assert pearson(pairs) == pytest.approx(statistics.correlation(xs, ys), abs=1e-9)


@given(pair_lists, st.floats(0.1, 10), st.floats(-50, 50), st.floats(0.1, 10), st.floats(-50, 50))
def test_correlation_ignores_units_and_flips_with_direction(pairs: list[tuple[int, float]], a: float, b: float,
                                                            c: float, d: float) -> None:
    r = pearson(pairs)
    assume(r is not None and statistics.pvariance([y for _, y in pairs]) > 1e-3)
    assert pearson([(a * x + b, c * y + d) for x, y in pairs]) == pytest.approx(r, abs=1e-6)
    assert pearson([(-x, y) for x, y in pairs]) == pytest.approx(-r, abs=1e-9)
    assert -1.0 <= r <= 1.0


@given(st.lists(st.floats(-100, 100, allow_nan=False), min_size=1, max_size=20), st.integers(2, 30))
def test_no_variance_has_no_correlation(ys: list[float], n: int) -> None:
    pairs = [(3.0, ys[i % len(ys)]) for i in range(n)]
    assert pearson(pairs) is None
    assert correlation_from_sums(PairSums()) is None


def interview(i: int, x: int, rest: int, *, round_key: str = "r1", answer: str = "An answer.") -> InterviewEvidence:
    """One question in r1 rated x (competency a); the other round rated `rest` (competency b)."""
    return InterviewEvidence(f"i{i}", {"a": 0.5, "b": 0.5}, [(round_key, "a", x), ("r2", "b", rest)],
                             [AskedQuestion("q", round_key, ("a",), answer, 10.0 * i)])


@given(st.lists(st.tuples(st.integers(1, 5), st.integers(1, 5)), min_size=0, max_size=30))
def test_discrimination_needs_five_interviews_and_stays_in_range(rows: list[tuple[int, int]]) -> None:
    stats = question_analysis([interview(i, x, y) for i, (x, y) in enumerate(rows)]).get("q")
    if not rows:
        assert stats is None
        return
    assert stats.n == len(rows) and stats.correlated == len(rows)
    if len(rows) < MIN_INTERVIEWS:
        assert stats.discrimination is None and not stats.flagged
    elif stats.discrimination is not None:
        assert -1.0 <= stats.discrimination <= 1.0
        assert stats.flagged == (stats.discrimination < FLAG_BELOW)
    assert stats.mean_score == pytest.approx((statistics.mean(x for x, _ in rows) - 1) * 25)


@given(st.lists(st.integers(1, 5), min_size=MIN_INTERVIEWS, max_size=20))
def test_a_question_that_agrees_with_the_rest_discriminates_fully(values: list[int]) -> None:
    assume(len(set(values)) > 1)
    agreeing = question_analysis([interview(i, v, v) for i, v in enumerate(values)])["q"]
    opposed = question_analysis([interview(i, v, 6 - v) for i, v in enumerate(values)])["q"]
    assert agreeing.discrimination == pytest.approx(1.0) and not agreeing.flagged
    assert opposed.discrimination == pytest.approx(-1.0) and opposed.flagged


ratings = st.lists(st.tuples(st.sampled_from(["r1", "r2", "r3"]), st.sampled_from(["a", "b", "c"]),
                             st.one_of(st.none(), st.integers(1, 5))), max_size=20)


@given(ratings, st.sampled_from(["r1", "r2", "r3"]), st.integers(1, 5))
def test_rest_score_leaves_the_questions_round_out(found: list, left_out: str, other: int) -> None:
    weights = {"a": 0.5, "b": 0.3, "c": 0.2}
    changed = [(r, cid, other if r == left_out else v) for r, cid, v in found]
    assert rest_score(weights, found, left_out) == rest_score(weights, changed, left_out)
    assert rest_score(weights, [(r, c, v) for r, c, v in found if r != left_out], left_out) == \
        rest_score(weights, found, left_out)


@given(st.lists(st.tuples(st.integers(1, 5), st.integers(1, 5), st.sampled_from(["", " ", "\n\t", "Ledger.", " x "])),
                min_size=1, max_size=20), st.randoms(use_true_random=False))
def test_blank_rate_counts_blank_answers_and_order_does_not_matter(rows: list, rnd: random.Random) -> None:
    interviews = [interview(i, x, y, answer=text) for i, (x, y, text) in enumerate(rows)]
    stats = question_analysis(interviews)["q"]
    blanks = sum(1 for _, _, text in rows if not text.strip())
    assert stats.blank_rate == blanks / len(rows)
    timed = [10.0 * i for i, (_, _, text) in enumerate(rows) if text.strip()]
    assert stats.median_answer_seconds == (statistics.median(timed) if timed else None)
    rnd.shuffle(interviews)
    again = question_analysis(interviews)["q"]
    assert again.n == stats.n and again.blank_rate == stats.blank_rate
    if stats.discrimination is None:
        assert again.discrimination is None
    else:
        assert again.discrimination == pytest.approx(stats.discrimination, abs=1e-9)


def test_blank_and_median_helpers() -> None:
    assert is_blank(None) and is_blank("") and is_blank(" \n\t\r\f\v") and not is_blank(" a ")
    assert median([]) is None and median([3, 1, 2]) == 2 and median([4, 1, 2, 3]) == 2.5
    assert math.isclose(pearson([(1, 2), (2, 4), (3, 7)]), statistics.correlation([1, 2, 3], [2, 4, 7]))
