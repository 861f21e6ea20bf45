"""Anchored rating scales: what 1–5 mean for one competency at the spec's level, taken from the
progression guide (DESIGN: 3 meets the bar for this level, 4 next level, 5 two levels up, 2 the
level below, 1 far below or no relevant evidence)."""

from __future__ import annotations

from dataclasses import dataclass

from app.bank.loader import cached_bank
from app.models import LEVELS
from app.settings import get_settings
from app.specs.content import Competency
from app.specs.schema import effective_tags

GENERIC = {
    1: "Far below the bar (no relevant evidence)",  # distinct from the separate "No evidence" choice
    2: "Below the bar",
    3: "Meets the bar for this level",
    4: "Above the bar (next-level evidence)",
    5: "Exceptional (two levels up)",
}
OFFSETS = {2: -1, 3: 0, 4: 1, 5: 2}  # scale point → level offset from the spec's level


@dataclass(frozen=True)
class Anchor:
    """One point of a competency's scale: its value, a short label and the guide's description."""

    value: int
    label: str
    description: str


def tag_anchors(competency: Competency) -> dict[str, str] | None:
    """The progression guide's anchors by level for the competency's first known bank tag."""
    try:
        tags = cached_bank(str(get_settings().question_bank_dir)).tags
    except Exception:  # a missing or broken bank must not break scoring; generic labels remain
        return None
    for tag in effective_tags(competency):
        if tag in tags:
            return dict(tags[tag]["anchors"])
    return None


def _label(value: int, level: str) -> str:
    if value == 3:
        return f"Meets the bar for {level}"
    if value == 1:
        return GENERIC[1]
    offset = OFFSETS[value]
    index = LEVELS.index(level) + offset
    if 0 <= index < len(LEVELS):
        prefix = "Below the bar" if offset < 0 else ("Above the bar" if value == 4 else "Exceptional")
        return f"{prefix}: {LEVELS[index]}-level evidence"
    return GENERIC[value]


def _description(value: int, level: str, guide: dict[str, str] | None, competency: Competency) -> str:
    if guide is None:
        return competency.definition if value == 3 else ""
    if value == 1:
        return "No relevant evidence, or clearly short of the level below."
    index = LEVELS.index(level) + OFFSETS[value]
    return guide.get(LEVELS[index], "") if 0 <= index < len(LEVELS) else ""


def scale(competency: Competency, level: str) -> list[Anchor]:
    """The 1–5 anchors of a competency for a spec at `level` (generic labels where the guide ends)."""
    guide = tag_anchors(competency)
    level = level if level in LEVELS else "senior"
    return [Anchor(value, f"{value} · {_label(value, level)}", _description(value, level, guide, competency))
            for value in range(1, 6)]
