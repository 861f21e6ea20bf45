"""The model as an extra rater: how far a model's suggested ratings agree with the panel.

A *target* is one competency of one round of one interview: the panel's ratings of it are the
submitted, non-null ratings on that round's scorecards, and the model's are the ratings it
suggested to those scorecards' interviewers (the caller passes one suggestion per scorecard: the
app its latest).  Both sides are averaged per target, giving a pair ``(panel_mean, model_mean)``.  Per competency, over its targets:

* ``icc`` is :func:`scoring.reliability.icc` of the ``targets x 2`` matrix
  ``[[panel_mean, model_mean], ...]``, i.e. the model as a second rater beside the panel's mean.
  ``ICC(2,1)`` (absolute agreement) is the one to read: it falls both when the model orders
  candidates differently and when it sits systematically above or below the panel;
  ``ICC(3,1)`` (consistency) ignores a constant offset.  ``None`` with fewer than two targets;
  a coefficient is ``None`` where it is undefined (no variance), as JSON has no NaN;
* ``mean_deviation`` is the mean of ``model_mean - panel_mean``: the model's leniency in rating
  points (positive: it rates higher than the panel), as :mod:`scoring.leniency` measures raters;
* ``n`` is the number of targets.

Targets where only one side rated carry no comparison and are skipped.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from scoring.reliability import icc

AGREEMENT = "ICC(2,1)"
CONSISTENCY = "ICC(3,1)"


def _means(rows: Iterable[tuple[str, str, float]]) -> dict[tuple[str, str], float]:
    values: dict[tuple[str, str], list[float]] = defaultdict(list)
    for competency_id, target, value in rows:
        values[competency_id, target].append(float(value))
    return {key: math.fsum(vals) / len(vals) for key, vals in values.items()}


def _finite(value: float) -> float | None:
    return value if math.isfinite(value) else None


def agreement(pairs: list[tuple[float, float]]) -> dict[str, Any]:
    """The figures of one competency from its ``(panel_mean, model_mean)`` pairs."""
    n = len(pairs)
    deviation = math.fsum(model - panel for panel, model in pairs) / n if n else None
    coefficients = {k: _finite(v) for k, v in icc([list(p) for p in pairs]).items()} if n >= 2 else None
    return {"n": n, "mean_deviation": deviation, "icc": coefficients,
            "agreement": coefficients[AGREEMENT] if coefficients else None,
            "consistency": coefficients[CONSISTENCY] if coefficients else None}


def model_agreement(panel_rows: Iterable[tuple[str, str, float]],
                    model_rows: Iterable[tuple[str, str, float]]) -> dict[str, dict[str, Any]]:
    """Per competency, the model's agreement with the panel's mean.

    Both row kinds are ``(competency_id, target, value)``; a target names one round of one
    interview.  Returns ``{cid: {"n", "mean_deviation", "icc", "agreement", "consistency"}}`` for
    every competency with at least one target both sides rated."""
    panel, model = _means(panel_rows), _means(model_rows)
    pairs: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for key in sorted(panel.keys() & model.keys()):
        pairs[key[0]].append((panel[key], model[key]))
    return {cid: agreement(found) for cid, found in sorted(pairs.items())}
