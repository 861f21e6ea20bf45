"""Rater leniency: how far a rater sits above or below the raters they share interviews with.

A *cell* is one competency of one interview.  In a cell rated by two or more raters, the
deviation of rater ``r`` is

    d_r = x_r - mean(x_o for the other raters o in the cell)

and a rater's leniency is the mean of their deviations over all such cells, with ``n`` the
number of cells.  A positive leniency means the rater rates higher than their co-raters
(lenient), a negative one lower (severe).  Cells a rater rated alone carry no comparison
and are skipped; raters with no shared cell are omitted.  If a rater rated the same cell
more than once (two rounds), their values are averaged first, so each rater speaks once
per cell.

Leniency is relative to whoever a rater happened to share panels with; with few shared
cells it is noisy, which is why ``n`` is reported alongside.

:func:`adjusted_values` removes each rater's leniency, ``x - leniency(rater)``, clipped to
the rating scale [1, 5]; raters without a leniency estimate are left unchanged.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

RATING_MIN = 1.0
RATING_MAX = 5.0


def rater_leniency(rows: Iterable[tuple[str, str, str, float]]) -> dict[str, dict[str, Any]]:
    """Per rater ``{"leniency": mean deviation from co-raters, "n": cells}``.

    ``rows`` are ``(rater, interview_id, competency_id, value)``.
    """
    cells: dict[tuple[str, str], dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for rater, interview_id, competency_id, value in rows:
        cells[interview_id, competency_id][rater].append(float(value))
    deviations: dict[str, list[float]] = defaultdict(list)
    for by_rater in cells.values():
        for rater, deviation in _cell_deviations(by_rater):
            deviations[rater].append(deviation)
    return {
        rater: {"leniency": math.fsum(devs) / len(devs), "n": len(devs)}
        for rater, devs in sorted(deviations.items())
    }


def adjusted_values(
    rows: Iterable[tuple[str, str, str, float]],
    leniency: Mapping[str, Mapping[str, Any]],
) -> list[tuple[str, str, str, float]]:
    """Return ``rows`` with each value minus its rater's leniency, clipped to [1, 5]."""
    adjusted = []
    for rater, interview_id, competency_id, value in rows:
        shift = float(leniency[rater]["leniency"]) if rater in leniency else 0.0
        clipped = min(RATING_MAX, max(RATING_MIN, float(value) - shift))
        adjusted.append((rater, interview_id, competency_id, clipped))
    return adjusted


def _cell_deviations(by_rater: Mapping[str, list[float]]) -> list[tuple[str, float]]:
    """Each rater's deviation from the mean of the other raters in one cell."""
    if len(by_rater) < 2:
        return []
    values = {rater: math.fsum(vals) / len(vals) for rater, vals in by_rater.items()}
    total = math.fsum(values.values())
    others = len(values) - 1
    return [(rater, value - (total - value) / others) for rater, value in values.items()]
