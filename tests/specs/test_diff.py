"""The version diff: weights moved, competencies and must-haves added or removed, text changed
word by word, rounds reshaped."""

from __future__ import annotations

import copy
import re

from hypothesis import given
from hypothesis import strategies as st

from app.specs.content import SpecContent
from app.specs.diff import diff_contents as diff_typed
from app.specs.diff import format_weight, word_diff
from tests.specs.helpers import BASE


def diff_contents(old, new):
    """The diff of two content dicts, read into SpecContent as a stored version would be."""
    return diff_typed(SpecContent.from_dict(old), SpecContent.from_dict(new))


def _changed(**changes):
    data = copy.deepcopy(BASE)
    data.update(changes)
    return data


def test_diff_weight_moved_reads_old_to_new():
    new = copy.deepcopy(BASE)
    new["competencies"][0]["weight"], new["competencies"][1]["weight"] = 0.55, 0.45
    changes = diff_contents(BASE, new)
    assert [(c.item, c.field, c.old, c.new) for c in changes] == [
        ("Financial Systems Design (financial_systems_design)", "weight", "0.60", "0.55"),
        ("Production Ownership (production_ownership)", "weight", "0.40", "0.45")]
    assert changes[0].summary == "weight 0.60 → 0.55"


def test_diff_competency_added_and_removed():
    new = copy.deepcopy(BASE)
    removed = new["competencies"].pop(1)
    new["competencies"].append({"id": "security", "name": "Security", "weight": 0.4, "definition": "Secrets."})
    changes = diff_contents(BASE, new)
    assert ("added", "Security (security)", "", "0.40") in [(c.action, c.item, c.old, c.new) for c in changes]
    assert ("removed", f"{removed['name']} ({removed['id']})") in [(c.action, c.item) for c in changes]


def test_diff_long_text_changed_word_by_word():
    old = _changed(description="Builds payment systems that move real money between merchants and banks every day.")
    new = _changed(description="Builds ledger systems that move real money between merchants and banks every hour.")
    [change] = diff_contents(old, new)
    assert change.field == "description" and change.action == "changed"
    assert ("delete", "payment ") in change.words and ("insert", "ledger ") in change.words
    assert ("delete", "day.") in change.words and ("insert", "hour.") in change.words


def test_diff_must_haves_and_rounds():
    new = copy.deepcopy(BASE)
    new["must_haves"][0]["required"] = False
    new["must_haves"].append({"id": "go", "text": "Go", "required": True})
    new["rounds"][0]["duration_minutes"] = 60
    new["rounds"].pop(1)
    summary = [(c.area, c.item, c.action, c.field, c.old, c.new) for c in diff_contents(BASE, new)]
    assert ("must_haves", "python", "changed", "required", "required", "optional") in summary
    assert ("must_haves", "go", "added", "text", "", "Go") in summary
    assert ("rounds", "round_01", "changed", "duration_minutes", "45", "60") in summary
    assert ("rounds", "round_02", "removed", "name", "Behavioral", "") in summary


def test_diff_reorder_is_reported():
    new = copy.deepcopy(BASE)
    new["competencies"].reverse()
    [change] = diff_contents(BASE, new)
    assert change.action == "moved" and change.new == "production_ownership, financial_systems_design"


def test_diff_identical_content_is_empty():
    assert diff_contents(BASE, copy.deepcopy(BASE)) == []


def test_format_weight_keeps_three_decimals_when_needed():
    assert [format_weight(w) for w in (0.3, 1, 0.125, 0.25)] == ["0.30", "1.00", "0.125", "0.25"]


@given(st.text(), st.text())
def test_word_diff_rebuilds_both_texts(old, new):
    segments = word_diff(old, new)
    assert "".join(t for op, t in segments if op != "insert") == "".join(re.findall(r"\S+\s*", old))
    assert "".join(t for op, t in segments if op != "delete") == "".join(re.findall(r"\S+\s*", new))
