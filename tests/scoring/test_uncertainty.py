import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.uncertainty import MIN_SPREAD, regularized_beta, score_band, t_cdf, t_quantile

ratings = st.lists(st.integers(min_value=1, max_value=5), min_size=2, max_size=12)


@pytest.mark.parametrize(
    ("p", "df", "expected"),
    [
        (0.9, 1, 3.078),
        (0.9, 5, 1.476),
        (0.9, 30, 1.310),
        (0.95, 1, 6.314),
        (0.95, 10, 1.812),
        (0.975, 2, 4.303),
        (0.975, 20, 2.086),
        (0.995, 3, 5.841),
    ],
)
def test_t_quantile_matches_table(p: float, df: int, expected: float) -> None:
    assert t_quantile(p, df) == pytest.approx(expected, abs=1e-3)


@given(p=st.floats(min_value=0.001, max_value=0.999))
def test_t_quantile_closed_forms(p: float) -> None:
    # df = 1 is the Cauchy distribution; df = 2 has t = (2p - 1) / sqrt(2 p (1 - p)).
    assert t_quantile(p, 1) == pytest.approx(math.tan(math.pi * (p - 0.5)), rel=1e-7, abs=1e-7)
    expected_df2 = (2 * p - 1) / math.sqrt(2 * p * (1 - p))
    assert t_quantile(p, 2) == pytest.approx(expected_df2, rel=1e-7, abs=1e-7)


@given(p=st.floats(min_value=0.001, max_value=0.999), df=st.integers(min_value=1, max_value=200))
def test_t_quantile_inverts_cdf_and_is_symmetric(p: float, df: int) -> None:
    t = t_quantile(p, df)
    assert t_cdf(t, df) == pytest.approx(p, abs=1e-9)
    assert t_quantile(1 - p, df) == pytest.approx(-t, rel=1e-7, abs=1e-7)


def test_t_quantile_tends_to_normal() -> None:
    assert t_quantile(0.9, 100_000) == pytest.approx(1.28155, abs=1e-4)


def test_regularized_beta_known_values() -> None:
    assert regularized_beta(0.5, 2.0, 2.0) == pytest.approx(0.5)
    assert regularized_beta(0.3, 1.0, 1.0) == pytest.approx(0.3)  # uniform
    assert regularized_beta(0.2, 2.0, 1.0) == pytest.approx(0.04)  # x^a for b = 1


@pytest.mark.parametrize(("p", "df"), [(0.0, 3), (1.0, 3), (0.9, 0), (0.9, -1)])
def test_t_quantile_rejects_bad_arguments(p: float, df: float) -> None:
    with pytest.raises(ValueError):
        t_quantile(p, df)


def test_score_band_none_for_fewer_than_two() -> None:
    assert score_band([]) is None
    assert score_band([4]) is None


def test_score_band_hand_computed() -> None:
    # 3, 4, 4, 5: mean 4 (score 75), s = sqrt(2/3), t(0.9, 3) = 1.6377
    # half-width = 1.6377 * 0.8165 / 2 = 0.6686 ratings = 16.72 points.
    band = score_band([3, 4, 4, 5])
    assert band is not None
    assert band[0] == pytest.approx(75 - 16.715, abs=0.01)
    assert band[1] == pytest.approx(75 + 16.715, abs=0.01)


def test_score_band_equal_values_use_minimum_spread() -> None:
    # Both raters gave 3: s = 0 is floored at 1/sqrt(12); t(0.9, 1) = 3.0777.
    band = score_band([3, 3])
    half = t_quantile(0.9, 1) * MIN_SPREAD / math.sqrt(2) * 25
    assert half == pytest.approx(15.706, abs=1e-3)
    assert band == pytest.approx((50 - half, 50 + half))


def test_score_band_clipped_to_scale() -> None:
    assert score_band([2, 4]) == (0.0, 100.0)
    band = score_band([5, 5, 5])
    assert band is not None and band[1] == 100.0 and band[0] < 100.0


def test_score_band_narrows_as_n_grows_for_same_spread() -> None:
    widths = []
    for n in (2, 3, 5, 10, 30):
        band = score_band([4] * n)  # same (floored) spread every time
        assert band is not None
        widths.append(band[1] - band[0])
    assert widths == sorted(widths, reverse=True)
    assert len(set(widths)) == len(widths)


def test_score_band_wider_at_higher_confidence() -> None:
    low, high = score_band([3, 4, 4], 0.8), score_band([3, 4, 4], 0.95)
    assert low is not None and high is not None
    assert high[0] < low[0] and high[1] > low[1]


@given(values=ratings)
def test_score_band_contains_the_score(values: list[int]) -> None:
    band = score_band(values)
    score = (sum(values) / len(values) - 1) / 4 * 100
    assert band is not None
    assert 0.0 <= band[0] < band[1] <= 100.0
    assert band[0] <= score + 1e-9 and score - 1e-9 <= band[1]


@settings(max_examples=50)
@given(values=ratings)
def test_score_band_repeating_the_evidence_narrows_it(values: list[int]) -> None:
    once, twice = score_band(values), score_band(values * 2)
    assert once is not None and twice is not None
    assert once[0] <= twice[0] + 1e-9 and twice[1] <= once[1] + 1e-9
