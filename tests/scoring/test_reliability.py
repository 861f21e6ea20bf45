import math
from collections.abc import Sequence

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from scoring.reliability import ICC_KEYS, competency_reliability, icc, mean_squares

# Shrout & Fleiss (1979), Table 2: six targets rated by four judges.
SHROUT_FLEISS = [
    [9, 2, 5, 8],
    [6, 1, 3, 2],
    [8, 4, 6, 8],
    [7, 1, 2, 6],
    [10, 5, 6, 9],
    [6, 2, 4, 7],
]
PUBLISHED = {
    "ICC(1,1)": 0.17,
    "ICC(2,1)": 0.29,
    "ICC(3,1)": 0.71,
    "ICC(1,k)": 0.44,
    "ICC(2,k)": 0.62,
    "ICC(3,k)": 0.91,
}


def anova_iccs(matrix: Sequence[Sequence[float]]) -> dict[str, float]:
    """The six ICCs from sums of squares written out the textbook way (SSE by subtraction)."""
    n, k = len(matrix), len(matrix[0])
    grand = sum(sum(row) for row in matrix) / (n * k)
    row_means = [sum(row) / k for row in matrix]
    col_means = [sum(matrix[i][j] for i in range(n)) / n for j in range(k)]
    ss_total = sum((matrix[i][j] - grand) ** 2 for i in range(n) for j in range(k))
    ss_rows = k * sum((m - grand) ** 2 for m in row_means)
    ss_cols = n * sum((m - grand) ** 2 for m in col_means)
    ss_error = ss_total - ss_rows - ss_cols
    ss_within = ss_total - ss_rows
    bms = ss_rows / (n - 1)
    wms = ss_within / (n * (k - 1))
    jms = ss_cols / (k - 1)
    ems = ss_error / ((n - 1) * (k - 1))
    return {
        "ICC(1,1)": (bms - wms) / (bms + (k - 1) * wms),
        "ICC(2,1)": (bms - ems) / (bms + (k - 1) * ems + k * (jms - ems) / n),
        "ICC(3,1)": (bms - ems) / (bms + (k - 1) * ems),
        "ICC(1,k)": (bms - wms) / bms,
        "ICC(2,k)": (bms - ems) / (bms + (jms - ems) / n),
        "ICC(3,k)": (bms - ems) / bms,
    }


def test_icc_shrout_fleiss_published_values() -> None:
    result = icc(SHROUT_FLEISS)
    assert list(result) == list(ICC_KEYS)
    for key, published in PUBLISHED.items():
        assert result[key] == pytest.approx(published, abs=0.005), key


def test_icc_shrout_fleiss_exact_values() -> None:
    result = icc(SHROUT_FLEISS)
    expected = anova_iccs(SHROUT_FLEISS)
    for key in ICC_KEYS:
        assert result[key] == pytest.approx(expected[key], abs=1e-9), key


def test_mean_squares_shrout_fleiss_published_values() -> None:
    ms = mean_squares(SHROUT_FLEISS)
    assert (ms.n, ms.k) == (6, 4)
    assert ms.bms == pytest.approx(11.24, abs=0.005)
    assert ms.wms == pytest.approx(6.26, abs=0.005)
    assert ms.jms == pytest.approx(32.49, abs=0.005)
    assert ms.ems == pytest.approx(1.02, abs=0.005)


def test_icc_perfect_agreement_is_one() -> None:
    result = icc([[1, 1, 1], [3, 3, 3], [5, 5, 5], [2, 2, 2]])
    assert result == dict.fromkeys(ICC_KEYS, 1.0)


def test_icc_without_variance_is_nan() -> None:
    result = icc([[3, 3], [3, 3], [3, 3]])
    assert all(math.isnan(value) for value in result.values())


def test_icc_perfect_disagreement() -> None:
    # Row means equal (BMS = 0), column means equal (JMS = 0): ICC(1,1) = ICC(3,1) = -1 and
    # the ICC(2,1) denominator is 0, so it and the average-measure ICCs are undefined.
    result = icc([[1, 2], [2, 1]])
    assert result["ICC(1,1)"] == -1.0
    assert result["ICC(3,1)"] == -1.0
    assert math.isnan(result["ICC(2,1)"])
    assert all(math.isnan(result[key]) for key in ("ICC(1,k)", "ICC(2,k)", "ICC(3,k)"))


@pytest.mark.parametrize(
    "matrix",
    [[], [[1, 2, 3]], [[1], [2], [3]], [[1, 2], [3]], [[1, 2], [3, float("nan")]]],
)
def test_icc_invalid_shapes_raise(matrix: list[list[int]]) -> None:
    with pytest.raises(ValueError):
        icc(matrix)


# --- properties -----------------------------------------------------------------------


@st.composite
def matrices(draw: st.DrawFn) -> list[list[int]]:
    n = draw(st.integers(min_value=2, max_value=7))
    k = draw(st.integers(min_value=2, max_value=5))
    row = st.lists(st.integers(min_value=1, max_value=5), min_size=k, max_size=k)
    return draw(st.lists(row, min_size=n, max_size=n))


def assert_same(a: dict[str, float], b: dict[str, float], keys: tuple[str, ...] = ICC_KEYS) -> None:
    for key in keys:
        if math.isnan(a[key]) or math.isnan(b[key]):
            assert math.isnan(a[key]) and math.isnan(b[key]), key
        else:
            assert a[key] == pytest.approx(b[key], rel=1e-9, abs=1e-9), key


@given(matrix=matrices())
def test_icc_agrees_with_textbook_anova(matrix: list[list[int]]) -> None:
    ms = mean_squares(matrix)
    assume(ms.bms > 1e-6 and ms.bms + (ms.k - 1) * ms.ems > 1e-6)
    assume(ms.bms + (ms.jms - ms.ems) / ms.n > 1e-6)
    assume(ms.bms + (ms.k - 1) * ms.ems + ms.k * (ms.jms - ms.ems) / ms.n > 1e-6)
    assert_same(icc(matrix), anova_iccs(matrix))


@given(matrix=matrices(), data=st.data())
def test_icc_consistency_ignores_a_raters_constant_offset(
    matrix: list[list[int]], data: st.DataObject
) -> None:
    column = data.draw(st.integers(min_value=0, max_value=len(matrix[0]) - 1))
    shift = data.draw(st.integers(min_value=-4, max_value=4))
    shifted = [[x + shift if j == column else x for j, x in enumerate(row)] for row in matrix]
    assert_same(icc(matrix), icc(shifted), ("ICC(3,1)", "ICC(3,k)"))


@given(matrix=matrices(), shift=st.integers(min_value=1, max_value=4))
def test_icc_absolute_agreement_drops_when_a_high_rater_rates_higher(
    matrix: list[list[int]], shift: int
) -> None:
    # Moving the most lenient rater further up widens the rater spread (JMS grows) while
    # BMS and EMS stay put, so ICC(2,1) cannot rise when it is non-negative.
    k = len(matrix[0])
    means = [sum(row[j] for row in matrix) for j in range(k)]
    column = means.index(max(means))
    shifted = [[x + shift if j == column else x for j, x in enumerate(row)] for row in matrix]
    before, after = icc(matrix)["ICC(2,1)"], icc(shifted)["ICC(2,1)"]
    assume(not math.isnan(before) and before >= 0.0)
    assert after <= before + 1e-12


@given(
    matrix=matrices(), scale=st.sampled_from([-2.0, -1.0, 0.5, 3.0]), offset=st.integers(-10, 10)
)
def test_icc_invariant_under_affine_rescaling(
    matrix: list[list[int]], scale: float, offset: int
) -> None:
    rescaled = [[scale * x + offset for x in row] for row in matrix]
    assert_same(icc(matrix), icc(rescaled))


@given(matrix=matrices(), data=st.data())
def test_icc_invariant_under_reordering_targets_and_raters(
    matrix: list[list[int]], data: st.DataObject
) -> None:
    rows = data.draw(st.permutations(matrix))
    order = data.draw(st.permutations(range(len(matrix[0]))))
    reordered = [[row[j] for j in order] for row in rows]
    assert_same(icc(matrix), icc(reordered))


@given(matrix=matrices())
def test_icc_average_measures_follow_spearman_brown(matrix: list[list[int]]) -> None:
    result, k = icc(matrix), len(matrix[0])
    for model in ("1", "2", "3"):
        single, average = result[f"ICC({model},1)"], result[f"ICC({model},k)"]
        if math.isnan(single) or math.isnan(average):
            continue
        assert average == pytest.approx(k * single / (1 + (k - 1) * single), rel=1e-9, abs=1e-9)


@given(matrix=matrices())
def test_icc_single_measures_are_bounded(matrix: list[list[int]]) -> None:
    result, k = icc(matrix), len(matrix[0])
    for key in ("ICC(1,1)", "ICC(3,1)"):
        if not math.isnan(result[key]):
            assert -1 / (k - 1) - 1e-9 <= result[key] <= 1 + 1e-9
    if not math.isnan(result["ICC(2,1)"]):
        assert result["ICC(2,1)"] <= 1 + 1e-9


# --- across interviews -----------------------------------------------------------------


def test_competency_reliability_builds_targets_by_interview() -> None:
    rows = [
        ("go", "i1", "cat", 5),
        ("go", "i1", "ann", 4),
        ("go", "i1", "bob", 3),
        ("go", "i2", "bob", 3),
        ("go", "i2", "ann", 2),
        ("go", "i3", "eve", 4),
        ("go", "i3", "dan", 5),
        ("go", "i4", "ann", 3),  # a single rater: not a usable target
        ("sql", "i1", "ann", 4),
        ("sql", "i1", "bob", 4),
        ("ops", "i2", "ann", 1),
    ]
    result = competency_reliability(rows)
    assert set(result) == {"go", "sql", "ops"}
    go = result["go"]
    assert (go["targets"], go["raters"]) == (3, 2)
    # i1 keeps ann and bob (first two by name), i2 ann and bob, i3 dan and eve.
    assert go["icc"] == icc([[4, 3], [2, 3], [5, 4]])
    # Hand computed: BMS = 2, WMS = 0.5 -> ICC(1,1) = 1.5 / 2.5, ICC(1,k) = 1.5 / 2.
    assert go["icc"]["ICC(1,1)"] == pytest.approx(0.6)
    assert go["icc"]["ICC(1,k)"] == pytest.approx(0.75)
    assert result["sql"] == {"targets": 1, "raters": 2, "icc": None}
    assert result["ops"] == {"targets": 0, "raters": 0, "icc": None}


def test_competency_reliability_counts_a_repeated_rater_once() -> None:
    rows = [
        ("go", "i1", "ann", 4),
        ("go", "i1", "ann", 5),  # ann rated go in two rounds of i1
        ("go", "i1", "bob", 3),
        ("go", "i2", "ann", 2),
        ("go", "i2", "bob", 1),
    ]
    result = competency_reliability(rows)["go"]
    assert (result["targets"], result["raters"]) == (2, 2)
    assert result["icc"] == icc([[4.5, 3], [2, 1]])
