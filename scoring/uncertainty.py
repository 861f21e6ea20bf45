"""How sure a competency score is: a Student-t band on the 0-100 scale.

For ``n >= 2`` ratings ``x_1..x_n`` (integers 1-5) with mean ``m`` and sample standard
deviation ``s = sqrt(sum((x_i - m)^2) / (n - 1))`` the band at confidence ``q`` is

    m +/- t_{(1+q)/2, n-1} * s_eff / sqrt(n)

converted to the score scale with ``(r - 1) / 4 * 100`` and clipped to ``[0, 100]``.
Raters are few (often 2-3), so the Student t quantile matters: with two raters and
``q = 0.8`` it is 3.078, against 1.282 for the normal.

Minimum spread.  Ratings are integers, so raters who agree exactly have only shown that
their judgements round to the same step, not that they coincide.  Reading each rating as a
continuous judgement rounded to the nearest integer, the rounding error is uniform on
``[-1/2, 1/2]`` with standard deviation ``1/sqrt(12)`` (about 0.289).  So
``s_eff = max(s, 1/sqrt(12))``: two raters who both gave a 3 get the band
``50 +/- 15.7`` at 80 %, not a zero-width one.  Taking the maximum (rather than only
replacing ``s = 0``) keeps the band monotone: more disagreement never narrows it.

A band is ``None`` for fewer than two ratings: one rating has no spread to measure.

The t quantile is computed here without SciPy: the t CDF is written through the
regularized incomplete beta function,

    F(t; v) = 1 - I_{v/(v+t^2)}(v/2, 1/2) / 2          for t >= 0,

evaluated with the Lentz continued fraction (Numerical Recipes, 6.4), and inverted by
bisection.  Checked against SciPy's ``t.ppf`` the quantile agrees to better than 1e-8
(absolute for |t| < 1, relative above) for 0.5 <= df <= 1000 and 1e-6 <= p <= 1 - 1e-4.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence

MIN_SPREAD = 1.0 / math.sqrt(12.0)
"""Floor on the rating standard deviation: the spread of rounding to an integer step."""

_CF_EPS = 1e-15
_CF_TINY = 1e-300
_CF_MAX_ITER = 500
_BISECT_ITER = 200


def score_band(values: Sequence[int], confidence: float = 0.8) -> tuple[float, float] | None:
    """Return the ``confidence`` band of the competency score, or None for n < 2."""
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be in (0, 1), got {confidence}")
    n = len(values)
    if n < 2:
        return None
    mean = math.fsum(values) / n
    spread = math.sqrt(math.fsum((v - mean) ** 2 for v in values) / (n - 1))
    half_width = (
        t_quantile((1.0 + confidence) / 2.0, n - 1) * max(spread, MIN_SPREAD) / math.sqrt(n)
    )
    low = (mean - half_width - 1.0) / 4.0 * 100.0
    high = (mean + half_width - 1.0) / 4.0 * 100.0
    return (max(0.0, low), min(100.0, high))


@functools.lru_cache(maxsize=1024)
def t_quantile(p: float, df: float) -> float:
    """Return ``t`` with ``P(T <= t) = p`` for Student's t with ``df`` degrees of freedom.

    Remembered per ``(p, df)``: bands use a few confidences and small ``df`` (raters - 1), and the
    bisection costs about 40 CDF evaluations, which scoring a whole spec would repeat per rating."""
    if not 0.0 < p < 1.0:
        raise ValueError(f"p must be in (0, 1), got {p}")
    _check_df(df)
    if p == 0.5:
        return 0.0
    if p < 0.5:
        return -t_quantile(1.0 - p, df)
    low, high = 0.0, 1.0
    while t_cdf(high, df) < p:
        low, high = high, high * 2.0
    for _ in range(_BISECT_ITER):
        mid = (low + high) / 2.0
        if t_cdf(mid, df) < p:
            low = mid
        else:
            high = mid
        if high - low <= 1e-12 * high:
            break
    return (low + high) / 2.0


def t_cdf(t: float, df: float) -> float:
    """Return ``P(T <= t)`` for Student's t with ``df`` degrees of freedom."""
    _check_df(df)
    tail = 0.5 * regularized_beta(df / (df + t * t), df / 2.0, 0.5)
    return 1.0 - tail if t >= 0.0 else tail


def regularized_beta(x: float, a: float, b: float) -> float:
    """Return the regularized incomplete beta function ``I_x(a, b)``."""
    if a <= 0.0 or b <= 0.0:
        raise ValueError("a and b must be positive")
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    log_front = (
        math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    )
    front = math.exp(log_front)
    # The continued fraction converges fast for x < (a+1)/(a+b+2); use symmetry otherwise.
    if x < (a + 1.0) / (a + b + 2.0):
        return front * _beta_continued_fraction(x, a, b) / a
    return 1.0 - front * _beta_continued_fraction(1.0 - x, b, a) / b


def _beta_continued_fraction(x: float, a: float, b: float) -> float:
    """Evaluate the incomplete-beta continued fraction by the modified Lentz method."""
    c = 1.0
    d = _nonzero(1.0 - (a + b) * x / (a + 1.0))
    d = 1.0 / d
    result = d
    for m in range(1, _CF_MAX_ITER + 1):
        even = m * (b - m) * x / ((a + 2 * m - 1.0) * (a + 2 * m))
        d = 1.0 / _nonzero(1.0 + even * d)
        c = _nonzero(1.0 + even / c)
        result *= d * c
        odd = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1.0))
        d = 1.0 / _nonzero(1.0 + odd * d)
        c = _nonzero(1.0 + odd / c)
        step = d * c
        result *= step
        if abs(step - 1.0) < _CF_EPS:
            return result
    raise ArithmeticError("incomplete beta continued fraction did not converge")


def _nonzero(value: float) -> float:
    return value if abs(value) >= _CF_TINY else _CF_TINY


def _check_df(df: float) -> None:
    if not df > 0.0 or math.isinf(df):
        raise ValueError(f"degrees of freedom must be a positive finite number, got {df}")
