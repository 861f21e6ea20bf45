"""A readable difference between two versions of a job spec's content: weights moved,
competencies and must-haves added or removed, text changed word by word, rounds reshaped."""

from __future__ import annotations

import dataclasses
import difflib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from app.specs.content import RoundQuestion, SpecContent

Item = TypeVar("Item")

Segment = tuple[str, str]  # (equal | insert | delete, text)


@dataclass(frozen=True)
class Change:
    """One change: where (area and item), what happened, and old → new (or word segments)."""

    area: str
    item: str
    action: str  # added | removed | changed | moved
    field: str = ""
    old: str = ""
    new: str = ""
    words: list[Segment] = dataclasses.field(default_factory=list)

    @property
    def summary(self) -> str:
        """A one-line description, e.g. `weight 0.30 → 0.25`."""
        if self.action in ("added", "removed"):
            return f"{self.action}"
        if self.words:
            return f"{self.field} changed"
        return f"{self.field} {self.old} → {self.new}".strip()


def format_weight(value: Any) -> str:
    """A weight with two decimals, or three when two would hide a difference."""
    number = float(value)
    return f"{number:.2f}" if abs(round(number, 2) - number) < 1e-9 else f"{number:.3f}"


def word_diff(old: str, new: str) -> list[Segment]:
    """Word-level segments turning `old` into `new` (whitespace kept with its word)."""
    a, b = re.findall(r"\S+\s*", old), re.findall(r"\S+\s*", new)
    segments: list[Segment] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            segments.append(("equal", "".join(a[i1:i2])))
            continue
        if op in ("delete", "replace"):
            segments.append(("delete", "".join(a[i1:i2])))
        if op in ("insert", "replace"):
            segments.append(("insert", "".join(b[j1:j2])))
    return segments


def _text_change(area: str, item: str, name: str, old: Any, new: Any) -> list[Change]:
    old, new = str(old or ""), str(new or "")
    if old == new:
        return []
    if len(old) > 60 or len(new) > 60:
        return [Change(area, item, "changed", name, old, new, word_diff(old, new))]
    return [Change(area, item, "changed", name, old or "—", new or "—")]


def _by_key(items: Iterable[Item], key: str) -> dict[str, Item]:
    return {getattr(item, key): item for item in items}


def _header(old: SpecContent, new: SpecContent) -> list[Change]:
    changes: list[Change] = []
    for name in ("title", "level", "description"):
        changes += _text_change("spec", "Job spec", name, getattr(old, name), getattr(new, name))
    return changes


def _keyed(area: str, old: Iterable[Item], new: Iterable[Item], key: str, field: str,
           shown: Callable[[Item], str], compare: Callable[[str, Item, Item], list[Change]],
           label: Callable[[str, Item], str] = lambda k, _item: k) -> list[Change]:
    """The changes between two lists of items matched by their `key`: in the new order, each item
    added or `compare`d with its earlier self, then each item removed. An added or removed item is
    shown as `field` with the text `shown` gives; `label` names an item (by default its key)."""
    before, after = _by_key(old, key), _by_key(new, key)
    changes: list[Change] = []
    for k, item in after.items():
        if k in before:
            changes += compare(label(k, item), before[k], item)
        else:
            changes.append(Change(area, label(k, item), "added", field, "", shown(item)))
    for k, item in before.items():
        if k not in after:
            changes.append(Change(area, label(k, item), "removed", field, shown(item), ""))
    return changes


def _competencies(old: SpecContent, new: SpecContent) -> list[Change]:
    def compare(label: str, prev: Any, comp: Any) -> list[Change]:
        changes: list[Change] = []
        if prev.weight != comp.weight:
            changes.append(Change("competencies", label, "changed", "weight",
                                  format_weight(prev.weight), format_weight(comp.weight)))
        changes += _text_change("competencies", label, "name", prev.name, comp.name)
        changes += _text_change("competencies", label, "definition", prev.definition, comp.definition)
        return changes

    changes = _keyed("competencies", old.competencies, new.competencies, "id", "weight",
                     lambda comp: format_weight(comp.weight), compare, lambda cid, comp: f"{comp.name} ({cid})")
    before, after = _by_key(old.competencies, "id"), _by_key(new.competencies, "id")
    if [c for c in before if c in after] != [c for c in after if c in before]:
        changes.append(Change("competencies", "Order", "moved", "order", ", ".join(before), ", ".join(after)))
    return changes


def _must_haves(old: SpecContent, new: SpecContent) -> list[Change]:
    def compare(mid: str, prev: Any, item: Any) -> list[Change]:
        changes = _text_change("must_haves", mid, "text", prev.text, item.text)
        if prev.required != item.required:
            changes.append(Change("must_haves", mid, "changed", "required",
                                  _yes_no(prev.required), _yes_no(item.required)))
        return changes

    return _keyed("must_haves", old.must_haves, new.must_haves, "id", "text", lambda item: item.text, compare)


def _yes_no(value: bool) -> str:
    return "required" if value else "optional"


ROUND_FIELDS = ("name", "kind", "mode", "duration_minutes", "question_count", "rotate_questions")


def _rounds(old: SpecContent, new: SpecContent) -> list[Change]:
    def compare(key: str, prev: Any, rnd: Any) -> list[Change]:
        changes: list[Change] = []
        for name in ROUND_FIELDS:
            old_value, new_value = getattr(prev, name), getattr(rnd, name)
            if old_value != new_value:
                changes.append(Change("rounds", key, "changed", name, str(old_value), str(new_value)))
        return changes + _questions(key, prev.questions, rnd.questions)

    return _keyed("rounds", old.rounds, new.rounds, "key", "name", lambda rnd: rnd.name, compare)


def _questions(key: str, old: Iterable[RoundQuestion], new: Iterable[RoundQuestion]) -> list[Change]:
    before, after = _by_key(old, "id"), _by_key(new, "id")
    changes = [Change("rounds", key, "added", f"question {qid}", "", q.text) for qid, q in after.items()
               if qid not in before]
    changes += [Change("rounds", key, "removed", f"question {qid}", q.text, "") for qid, q in before.items()
                if qid not in after]
    for qid, q in after.items():
        if qid in before:
            changes += _text_change("rounds", key, f"question {qid}", before[qid].text, q.text)
    return changes


def diff_contents(old: SpecContent, new: SpecContent) -> list[Change]:
    """Every change from `old` to `new` content, grouped by area in page order."""
    return _header(old, new) + _competencies(old, new) + _must_haves(old, new) + _rounds(old, new)
