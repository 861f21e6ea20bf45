"""The model as an extra rater (scoring/model_rater.py): agreement with the panel's mean."""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from scoring.model_rater import model_agreement
from scoring.reliability import icc


def test_model_agreement_by_hand() -> None:
    # Three targets of competency "a": the panel (two raters each) and the model.
    panel = [("a", "t1", 2), ("a", "t1", 4), ("a", "t2", 4), ("a", "t2", 4), ("a", "t3", 1), ("a", "t3", 2),
             ("b", "t1", 3)]
    model = [("a", "t1", 4), ("a", "t2", 5), ("a", "t3", 2), ("a", "t4", 5), ("c", "t1", 3)]
    result = model_agreement(panel, model)
    assert list(result) == ["a"]  # b has no model rating, c no panel rating; t4 has no panel
    a = result["a"]
    # pairs (panel mean, model): (3, 4), (4, 5), (1.5, 2): deviations 1, 1, 0.5
    assert a["n"] == 3 and a["mean_deviation"] == pytest.approx(2.5 / 3)
    expected = icc([[3, 4], [4, 5], [1.5, 2]])
    assert a["icc"] == pytest.approx(expected)
    assert a["agreement"] == pytest.approx(expected["ICC(2,1)"])
    assert a["consistency"] == pytest.approx(expected["ICC(3,1)"])
    assert a["consistency"] > a["agreement"]  # the model sits above the panel


def test_model_agreement_one_target_has_no_icc() -> None:
    result = model_agreement([("a", "t1", 3)], [("a", "t1", 5)])
    assert result["a"] == {"n": 1, "mean_deviation": 2.0, "icc": None, "agreement": None, "consistency": None}


targets = st.lists(st.integers(1, 5), min_size=2, max_size=25)


@given(targets)
def test_a_model_that_matches_the_panel_agrees_fully(values: list[int]) -> None:
    assume(len(set(values)) > 1)
    rows = [("a", f"t{i}", v) for i, v in enumerate(values)]
    result = model_agreement(rows, rows)["a"]
    assert result["mean_deviation"] == 0 and result["agreement"] == pytest.approx(1.0)


@given(targets, st.sampled_from([-1, 1]))
def test_a_shifted_model_is_consistent_but_not_in_agreement(values: list[int], shift: int) -> None:
    assume(len(set(values)) > 1)
    panel = [("a", f"t{i}", v) for i, v in enumerate(values)]
    model = [("a", f"t{i}", v + shift) for i, v in enumerate(values)]
    result = model_agreement(panel, model)["a"]
    assert result["mean_deviation"] == pytest.approx(shift)
    assert result["consistency"] == pytest.approx(1.0)
    assert result["agreement"] < 1.0


@given(st.lists(st.tuples(st.integers(0, 6), st.integers(1, 5), st.integers(1, 5)), max_size=30))
def test_model_agreement_counts_targets_both_rated(rows: list[tuple[int, int, int]]) -> None:
    panel = [("a", f"t{t}", p) for t, p, _ in rows]
    model = [("a", f"t{t}", m) for t, _, m in rows if t % 2 == 0]
    result = model_agreement(panel, model)
    both = {t for t, _, _ in rows if t % 2 == 0}
    assert result.get("a", {"n": 0})["n"] == len(both)
    for figures in result.values():
        for value in (figures["icc"] or {}).values():
            assert value is None or value == value  # never NaN: JSON has none
