"""Fisher's exact test against published values, and the four-fifths numbers on hand-computed cases."""

from __future__ import annotations

from fractions import Fraction
from math import comb

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scoring.fairness import adverse_impact, fisher_exact


@pytest.mark.parametrize(("table", "p"), [
    # Fisher (1935), the lady tasting tea: 34/70.
    ([[3, 1], [1, 3]], 0.4857142857142857),
    # SciPy's `fisher_exact` documentation examples, two-sided.
    ([[6, 2], [1, 4]], 0.10256410256410256),
    ([[8, 2], [1, 5]], 0.03496503496503497),
    # Wikipedia, "Fisher's exact test": men and women dieting.
    ([[1, 9], [11, 3]], 0.002759456185220083),
    # Agresti (2007), a perfectly separated 5×5 sample: 2/252.
    ([[0, 5], [5, 0]], 0.007936507936507936),
])
def test_fisher_exact_matches_published_values(table, p):
    assert fisher_exact(table) == pytest.approx(p, rel=1e-12)


def test_fisher_exact_degenerate_tables_are_one():
    assert fisher_exact([[0, 0], [0, 0]]) == 1.0
    assert fisher_exact([[5, 0], [5, 0]]) == 1.0  # nobody unselected: every table is the same table
    with pytest.raises(ValueError):
        fisher_exact([[-1, 2], [3, 4]])


def reference_p(a: int, b: int, c: int, d: int) -> Fraction:
    """The textbook definition in exact fractions: the probabilities of every table with the same
    margins that is no more likely than the observed one."""
    n1, k, n = a + b, a + c, a + b + c + d
    prob = {x: Fraction(comb(k, x) * comb(n - k, n1 - x), comb(n, n1)) for x in range(max(0, n1 + k - n), min(n1, k) + 1)}
    return sum((q for q in prob.values() if q <= prob[a]), Fraction(0))


counts = st.integers(min_value=0, max_value=25)


@given(counts, counts, counts, counts)
def test_fisher_exact_equals_the_definition_and_is_symmetric(a, b, c, d):
    p = fisher_exact([[a, b], [c, d]])
    if a + b + c + d:
        assert p == pytest.approx(float(reference_p(a, b, c, d)), rel=1e-12)
    assert 0 < p <= 1
    assert p == pytest.approx(fisher_exact([[c, d], [a, b]]), rel=1e-12)  # rows swapped
    assert p == pytest.approx(fisher_exact([[a, c], [b, d]]), rel=1e-12)  # transposed


def test_adverse_impact_hand_computed():
    rows = {r.group: r for r in adverse_impact({"female": (10, 3), "male": (10, 8), "other": (4, 4)})}
    male, female, other = rows["male"], rows["female"], rows["other"]
    assert other.suppressed and other.selection_rate is None and other.fisher_p is None  # 4 < 5: not shown
    assert male.highest and male.selection_rate == 0.8 and male.impact_ratio == 1.0 and male.flagged is False
    assert female.selection_rate == 0.3
    assert female.impact_ratio == pytest.approx(0.375) and female.flagged is True  # 0.3 / 0.8 < 4/5
    # [[3, 7], [8, 2]]: margins 10/10 and 11/9 of 20; the tables no likelier than a = 3 are a ∈ {1, 2, 3, 8, 9, 10}:
    # (11 + 495 + 5940 + 5940 + 495 + 11) / C(20, 10) = 12892 / 184756.
    assert female.fisher_p == pytest.approx(12892 / 184756, rel=1e-12)
    assert male.fisher_p == 1.0


def test_adverse_impact_four_fifths_boundary_and_no_selection():
    rows = {r.group: r for r in adverse_impact({"a": (10, 5), "b": (10, 4), "c": (5, 2)})}
    assert rows["b"].impact_ratio == pytest.approx(0.8) and rows["b"].flagged is False  # exactly 4/5 passes
    assert rows["c"].impact_ratio == pytest.approx(0.8) and rows["c"].flagged is False
    none = adverse_impact({"a": (6, 0), "b": (7, 0)})
    assert [r.impact_ratio for r in none] == [None, None] and [r.flagged for r in none] == [None, None]
    assert adverse_impact({"a": (3, 1)})[0].suppressed
    # 7/10 against 7/8 is exactly 0.8 in fractions, 0.7999999999999999 in floating point: not flagged.
    exact = {r.group: r for r in adverse_impact({"top": (8, 7), "g": (10, 7)})}
    assert exact["g"].flagged is False and exact["g"].impact_ratio == pytest.approx(0.8)
    with pytest.raises(ValueError):
        adverse_impact({"a": (3, 4)})
