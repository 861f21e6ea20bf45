"""Must-have gates.

Every submitted scorecard marks each must-have of the spec ``met``, ``not_met`` or
``not_assessed``.  Per must-have, with ``M`` the number of ``met`` marks and ``N`` the number
of ``not_met`` marks (``not_assessed`` marks are recorded but carry no evidence):

* ``M = N = 0``  -> ``"not_assessed"``
* ``N > M``      -> ``"failed"``
* ``N = M > 0``  -> ``"unresolved"`` (the panel disagrees; a human must decide)
* ``M > N``      -> ``"met"``

The outcome is computed the same way for optional must-haves, but only a *required*
must-have that ``"failed"`` knocks the candidate out.  An unresolved required must-have does
not knock out: a tie is not evidence of failure.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping

MARKS = ("met", "not_met", "not_assessed")
OUTCOMES = ("met", "failed", "unresolved", "not_assessed")


def must_have_outcomes(
    required: Mapping[str, bool], checks: Iterable[tuple[str, str]]
) -> dict[str, str]:
    """Tally the scorecards' marks into one outcome per must-have.

    The result lists every must-have of ``required`` (in its order), then any other
    must-have id that appears in ``checks`` (first seen first), treated as optional.
    """
    ids: dict[str, None] = dict.fromkeys(required)
    tally: Counter[tuple[str, str]] = Counter()
    for must_have_id, mark in checks:
        if mark not in MARKS:
            raise ValueError(f"must-have mark must be one of {MARKS}, got {mark!r}")
        ids.setdefault(must_have_id)
        tally[must_have_id, mark] += 1
    return {mid: gate_outcome(tally[mid, "met"], tally[mid, "not_met"]) for mid in ids}


def gate_outcome(met: int, not_met: int) -> str:
    """Decide one must-have from its counts of ``met`` and ``not_met`` marks."""
    if met == 0 and not_met == 0:
        return "not_assessed"
    if not_met > met:
        return "failed"
    if not_met == met:
        return "unresolved"
    return "met"


def knocked_out(required: Mapping[str, bool], outcomes: Mapping[str, str]) -> bool:
    """True when any required must-have failed."""
    return any(
        required.get(mid, False) and outcome == "failed" for mid, outcome in outcomes.items()
    )
