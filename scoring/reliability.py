"""Inter-rater reliability: the six Shrout & Fleiss (1979) intraclass correlations.

For a complete ``n x k`` matrix ``x[i][j]`` (``n`` targets rated by ``k`` raters) with row
means ``r_i``, column means ``c_j`` and grand mean ``g``, the two-way ANOVA gives

    BMS = k * sum_i (r_i - g)^2 / (n - 1)                       between targets
    WMS = sum_ij (x_ij - r_i)^2 / (n (k - 1))                   within targets
    JMS = n * sum_j (c_j - g)^2 / (k - 1)                       between raters (judges)
    EMS = sum_ij (x_ij - r_i - c_j + g)^2 / ((n - 1)(k - 1))    residual

and

    ICC(1,1) = (BMS - WMS) / (BMS + (k - 1) WMS)
    ICC(2,1) = (BMS - EMS) / (BMS + (k - 1) EMS + k (JMS - EMS) / n)
    ICC(3,1) = (BMS - EMS) / (BMS + (k - 1) EMS)
    ICC(1,k) = (BMS - WMS) / BMS
    ICC(2,k) = (BMS - EMS) / (BMS + (JMS - EMS) / n)
    ICC(3,k) = (BMS - EMS) / BMS

ICC(1,*) treats each target as rated by its own random raters; ICC(2,*) the same random
raters for all targets (absolute agreement); ICC(3,*) fixed raters (consistency, blind to a
rater's constant offset).  ``(·,1)`` is the reliability of one rater, ``(·,k)`` of the mean
of ``k`` raters; the two are related by Spearman-Brown.

Each sum of squares is computed from its own deviations, so none is negative by
cancellation.  When a denominator is zero the coefficient is undefined and is returned as
``float("nan")`` (callers that serialise to JSON should map NaN to null).  That happens
when every value is equal (no between-target variance to explain), and for a few exactly
cancelling patterns; "zero" means below 1e-12 of ``BMS + WMS + JMS + EMS``, so that the
floating-point residue of an exact cancellation is not divided by.  Only the denominator of
ICC(2,k) can be negative: it equals ``(D + (k - 1)(BMS - EMS)) / k`` with ``D`` that of
ICC(2,1), and is negative exactly when ICC(2,1) < -1/(k - 1), i.e. the raters disagree far
more than chance would make them.  ICC(2,k) is then equally undefined and NaN, rather than
a meaningless value above 1.

Across interviews (:func:`competency_reliability`) the raters differ from interview to
interview, so the matrix is built by interview (target) with ``k`` = the smallest number
of raters any used interview has, taking each interview's first ``k`` raters by sorted
rater name.  Column ``j`` therefore holds different people in different rows: raters are
treated as interchangeable, and only ICC(1,1) and ICC(1,k) are meaningful there; the other
four are returned for completeness.  A rater who rated the same competency of the same
interview more than once (two rounds) counts once, with the mean of their values.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

ICC_KEYS = ("ICC(1,1)", "ICC(2,1)", "ICC(3,1)", "ICC(1,k)", "ICC(2,k)", "ICC(3,k)")
_ZERO = 1e-12  # denominators below this share of BMS + WMS + JMS + EMS count as zero


@dataclass(frozen=True)
class MeanSquares:
    """The two-way ANOVA mean squares of a targets x raters matrix."""

    n: int
    k: int
    bms: float
    wms: float
    jms: float
    ems: float


def mean_squares(matrix: Sequence[Sequence[float]]) -> MeanSquares:
    """Return BMS, WMS, JMS and EMS of a complete targets x raters matrix."""
    rows = _validated(matrix)
    n, k = len(rows), len(rows[0])
    grand = math.fsum(math.fsum(row) for row in rows) / (n * k)
    row_means = [math.fsum(row) / k for row in rows]
    col_means = [math.fsum(row[j] for row in rows) / n for j in range(k)]
    ss_rows = k * math.fsum((r - grand) ** 2 for r in row_means)
    ss_cols = n * math.fsum((c - grand) ** 2 for c in col_means)
    ss_within = math.fsum((x - row_means[i]) ** 2 for i, row in enumerate(rows) for x in row)
    ss_error = math.fsum(
        (x - row_means[i] - col_means[j] + grand) ** 2
        for i, row in enumerate(rows)
        for j, x in enumerate(row)
    )
    return MeanSquares(
        n=n,
        k=k,
        bms=ss_rows / (n - 1),
        wms=ss_within / (n * (k - 1)),
        jms=ss_cols / (k - 1),
        ems=ss_error / ((n - 1) * (k - 1)),
    )


def icc(matrix: Sequence[Sequence[float]]) -> dict[str, float]:
    """Return the six Shrout & Fleiss ICCs of a complete targets x raters matrix."""
    ms = mean_squares(matrix)
    n, k = ms.n, ms.k
    bms, wms, jms, ems = ms.bms, ms.wms, ms.jms, ms.ems
    # A denominator that is a rounding residue of the mean squares is a true zero.
    scale = bms + wms + jms + ems

    def ratio(numerator: float, denominator: float) -> float:
        return numerator / denominator if denominator > _ZERO * scale else math.nan

    values = (
        ratio(bms - wms, bms + (k - 1) * wms),
        ratio(bms - ems, bms + (k - 1) * ems + k * (jms - ems) / n),
        ratio(bms - ems, bms + (k - 1) * ems),
        ratio(bms - wms, bms),
        ratio(bms - ems, bms + (jms - ems) / n),
        ratio(bms - ems, bms),
    )
    return dict(zip(ICC_KEYS, values, strict=True))


def competency_reliability(
    rows: Iterable[tuple[str, str, str, float]],
) -> dict[str, dict[str, Any]]:
    """Per competency, ICCs over interviews with two or more raters.

    ``rows`` are ``(competency_id, interview_id, rater, value)``.  Returns
    ``{cid: {"targets": n, "raters": k, "icc": {...} | None}}``; ``icc`` is None when
    fewer than two interviews qualify.
    """
    cells: dict[str, dict[str, dict[str, list[float]]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(list))
    )
    for competency_id, interview_id, rater, value in rows:
        cells[competency_id][interview_id][rater].append(float(value))
    return {cid: _competency_entry(by_interview) for cid, by_interview in cells.items()}


def _competency_entry(by_interview: dict[str, dict[str, list[float]]]) -> dict[str, Any]:
    per_interview = [
        [math.fsum(vals) / len(vals) for _, vals in sorted(by_rater.items())]
        for _, by_rater in sorted(by_interview.items())
        if len(by_rater) >= 2
    ]
    if not per_interview:
        return {"targets": 0, "raters": 0, "icc": None}
    k = min(len(values) for values in per_interview)
    matrix = [values[:k] for values in per_interview]
    result = icc(matrix) if len(matrix) >= 2 else None
    return {"targets": len(matrix), "raters": k, "icc": result}


def _validated(matrix: Sequence[Sequence[float]]) -> list[list[float]]:
    rows = [[float(x) for x in row] for row in matrix]
    if len(rows) < 2:
        raise ValueError("an ICC needs at least 2 targets (rows)")
    k = len(rows[0])
    if k < 2:
        raise ValueError("an ICC needs at least 2 raters (columns)")
    for i, row in enumerate(rows):
        if len(row) != k:
            raise ValueError(
                f"row {i} has {len(row)} ratings, expected {k}: the matrix must be complete"
            )
        if not all(math.isfinite(x) for x in row):
            raise ValueError(f"row {i} has a missing or non-finite rating")
    return rows
