"""Adverse impact: selection rates per group, impact ratios, the four-fifths rule, and Fisher's exact
test, computed exactly in integers.

The four-fifths rule (US Uniform Guidelines on Employee Selection Procedures, 29 CFR 1607.4(D)):
a group whose selection rate is less than four-fifths (0.8) of the rate of the group with the
highest rate is flagged for adverse impact. NYC Local Law 144 bias audits report the same
"impact ratio". Small groups make both numbers noisy, so groups under ``min_group`` people are
reported as suppressed and take no part in the comparison; Fisher's exact p says how surprising
each difference against the highest group would be by chance alone.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from math import comb

FOUR_FIFTHS = 0.8
MIN_GROUP = 5


def _hypergeometric_weights(row1: int, col1: int, total: int) -> dict[int, int]:
    """For each possible top-left cell `a`, the integer C(col1, a)·C(total − col1, row1 − a)."""
    low, high = max(0, row1 + col1 - total), min(row1, col1)
    return {a: comb(col1, a) * comb(total - col1, row1 - a) for a in range(low, high + 1)}


def fisher_exact(table: tuple[tuple[int, int], tuple[int, int]] | list[list[int]]) -> float:
    """Two-sided p of Fisher's exact test for the 2×2 table ``[[a, b], [c, d]]``.

    With the margins fixed, the top-left cell follows the hypergeometric distribution; the p
    value is the probability of every table at most as likely as the observed one. The weights
    are exact integers, so "at most as likely" needs no floating-point tolerance.

    >>> round(fisher_exact([[3, 1], [1, 3]]), 4)  # Fisher's lady tasting tea
    0.4857
    """
    (a, b), (c, d) = table
    if min(a, b, c, d) < 0:
        raise ValueError("a contingency table holds counts, which are never negative")
    row1, col1, total = a + b, a + c, a + b + c + d
    if total == 0:
        return 1.0
    weights = _hypergeometric_weights(row1, col1, total)
    observed = weights[a]
    extreme = sum(w for w in weights.values() if w <= observed)
    return min(1.0, extreme / comb(total, row1))


@dataclass(frozen=True)
class GroupImpact:
    """One group's row of an adverse-impact report."""

    group: str
    n: int
    selected: int
    suppressed: bool
    selection_rate: float | None = None
    impact_ratio: float | None = None
    flagged: bool | None = None
    fisher_p: float | None = None
    highest: bool = False

    def to_dict(self) -> dict[str, object]:
        """The JSON-ready row."""
        return {"group": self.group, "n": self.n, "selected": self.selected, "suppressed": self.suppressed,
                "selection_rate": self.selection_rate, "impact_ratio": self.impact_ratio,
                "flagged": self.flagged, "fisher_p": self.fisher_p, "highest": self.highest}


def adverse_impact(counts: Mapping[str, tuple[int, int]], *, min_group: int = MIN_GROUP,
                   threshold: float = FOUR_FIFTHS) -> list[GroupImpact]:
    """Rows for groups given as ``{group: (n, selected)}``, in the order given.

    Groups with fewer than ``min_group`` people are suppressed: counts only, no rate. Among the
    rest, the group with the highest selection rate is the reference (the first such group on a
    tie); each group's impact ratio is its rate ÷ the reference rate (``None`` when the reference
    rate is 0, as no group is selected at all), ``flagged`` when that ratio is below
    ``threshold``, and ``fisher_p`` compares its selected/not-selected counts with the reference's.
    """
    for group, (n, selected) in counts.items():
        if n < 0 or not 0 <= selected <= n:
            raise ValueError(f"group {group!r}: need 0 <= selected <= n, got {selected} of {n}")
    shown = {g: (n, s) for g, (n, s) in counts.items() if n >= min_group and n > 0}
    rates = {g: s / n for g, (n, s) in shown.items()}
    reference = max(rates, key=lambda g: rates[g]) if rates else None
    rows = []
    for group, (n, selected) in counts.items():
        if group not in shown or reference is None:
            rows.append(GroupImpact(group, n, selected, suppressed=True))
            continue
        ref_n, ref_selected = shown[reference]
        # The ratio in exact fractions, so a group at exactly four-fifths is never flagged by rounding.
        exact = Fraction(selected * ref_n, n * ref_selected) if ref_selected else None
        p = fisher_exact([[selected, n - selected], [ref_selected, ref_n - ref_selected]])
        rows.append(GroupImpact(group, n, selected, suppressed=False, selection_rate=rates[group],
                                impact_ratio=None if exact is None else float(exact),
                                flagged=None if exact is None else exact < Fraction(str(threshold)),
                                fisher_p=p, highest=group == reference))
    return rows
