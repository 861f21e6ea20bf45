import pytest
from hypothesis import given
from hypothesis import strategies as st

from scoring.leniency import adjusted_values, rater_leniency


def test_rater_leniency_always_one_above_the_others() -> None:
    rows = [
        ("ann", "i1", "go", 4), ("bob", "i1", "go", 3), ("cat", "i1", "go", 3),
        ("ann", "i1", "sql", 3), ("bob", "i1", "sql", 2), ("cat", "i1", "sql", 2),
        ("ann", "i2", "go", 5), ("bob", "i2", "go", 4),
    ]  # fmt: skip
    result = rater_leniency(rows)
    assert result["ann"] == {"leniency": 1.0, "n": 3}
    # bob: -0.5 (vs mean(4, 3)), -0.5, -1 (vs ann alone) -> -2 / 3
    assert result["bob"]["n"] == 3
    assert result["bob"]["leniency"] == pytest.approx(-2 / 3)
    assert result["cat"] == {"leniency": -0.5, "n": 2}


def test_rater_leniency_skips_cells_rated_alone() -> None:
    rows = [
        ("ann", "i1", "go", 5), ("bob", "i1", "go", 3),
        ("ann", "i2", "go", 1),  # nobody to compare with
        ("dan", "i3", "go", 2),  # never shares a cell: omitted
    ]  # fmt: skip
    result = rater_leniency(rows)
    assert result == {"ann": {"leniency": 2.0, "n": 1}, "bob": {"leniency": -2.0, "n": 1}}


def test_rater_leniency_averages_a_raters_repeated_ratings_of_a_cell() -> None:
    rows = [("ann", "i1", "go", 4), ("ann", "i1", "go", 5), ("bob", "i1", "go", 3)]
    result = rater_leniency(rows)
    assert result["ann"] == {"leniency": 1.5, "n": 1}
    assert result["bob"] == {"leniency": -1.5, "n": 1}


def test_rater_leniency_empty() -> None:
    assert rater_leniency([]) == {}


def test_adjusted_values_subtracts_leniency_and_clips() -> None:
    rows = [
        ("ann", "i1", "go", 4),
        ("ann", "i1", "sql", 1),
        ("bob", "i1", "go", 5),
        ("eve", "i1", "go", 3),
    ]
    leniency = {"ann": {"leniency": 1.0, "n": 3}, "bob": {"leniency": -0.5, "n": 3}}
    assert adjusted_values(rows, leniency) == [
        ("ann", "i1", "go", 3.0),
        ("ann", "i1", "sql", 1.0),  # 0 clipped to 1
        ("bob", "i1", "go", 5.0),  # 5.5 clipped to 5
        ("eve", "i1", "go", 3.0),  # no estimate: unchanged
    ]


cells = st.lists(
    st.tuples(
        st.sampled_from(["ann", "bob", "cat", "dan"]),
        st.sampled_from(["i1", "i2", "i3"]),
        st.sampled_from(["go", "sql"]),
        st.integers(min_value=1, max_value=5),
    ),
    max_size=40,
)


@given(rows=cells)
def test_rater_leniency_deviations_cancel_within_each_cell(
    rows: list[tuple[str, str, str, int]],
) -> None:
    # In a cell of m raters, the deviations sum to zero; so leniency weighted by n sums to 0.
    result = rater_leniency(rows)
    assert sum(entry["leniency"] * entry["n"] for entry in result.values()) == pytest.approx(
        0.0, abs=1e-9
    )


@given(rows=cells, shift=st.integers(min_value=-2, max_value=2))
def test_rater_leniency_ignores_a_shift_of_everyone(
    rows: list[tuple[str, str, str, int]], shift: int
) -> None:
    shifted = [(r, i, c, v + shift) for r, i, c, v in rows]
    before, after = rater_leniency(rows), rater_leniency(shifted)
    assert before.keys() == after.keys()
    for rater in before:
        assert after[rater]["n"] == before[rater]["n"]
        assert after[rater]["leniency"] == pytest.approx(before[rater]["leniency"], abs=1e-9)
