"""Which level the evidence supports.

Ratings are anchored to the spec's level, so a mean rating reads as a position on the
ladder ``junior < mid < senior < staff < principal``:

    offset = mean_rating - 3           (in levels, relative to the spec's level)

3 meets the bar of the spec's level (offset 0), 4 is next-level evidence (+1), 5 is two
levels up (+2), 2 is one level below (-1) and 1, "far below", reads as two levels below
(-2).  The supported level is the highest bar the evidence clears:

    level = LEVELS[index(spec_level) + floor(offset)]

so a 3.6 for a senior spec supports senior (it has not cleared staff), and a 2.5 supports
mid.  Positions above principal are clipped to principal; positions below junior give
``None``.  ``offset`` is reported unclipped.
"""

from __future__ import annotations

import math
from typing import Any

LEVELS = ("junior", "mid", "senior", "staff", "principal")
MEETS_RATING = 3.0
_FLOOR_SLACK = 1e-9  # a mean of 3.9999999999 from float sums still counts as 4


def level_estimate(spec_level: str, mean_rating: float | None) -> dict[str, Any] | None:
    """Return ``{"level", "offset", "label"}`` for a mean rating, or None without evidence."""
    if mean_rating is None:
        return None
    base = level_index(spec_level)
    if not 1.0 <= mean_rating <= 5.0:
        raise ValueError(f"a mean rating is between 1 and 5, got {mean_rating}")
    offset = mean_rating - MEETS_RATING
    steps = math.floor(offset + _FLOOR_SLACK)
    index = base + steps
    level = None if index < 0 else LEVELS[min(index, len(LEVELS) - 1)]
    return {"level": level, "offset": offset, "label": _label(spec_level, level, steps)}


def level_index(level: str) -> int:
    """Return the position of ``level`` on the ladder (junior = 0)."""
    try:
        return LEVELS.index(level)
    except ValueError:
        raise ValueError(f"level must be one of {LEVELS}, got {level!r}") from None


def _label(spec_level: str, level: str | None, steps: int) -> str:
    if level is None:
        return "below the junior bar"
    if steps == 0:
        return f"meets the {spec_level} bar"
    if level == spec_level:  # only when clipped at the top of the ladder
        return f"above the {spec_level} bar"
    side = "above" if steps > 0 else "below"
    return f"{side} the {spec_level} bar: {level} evidence"
