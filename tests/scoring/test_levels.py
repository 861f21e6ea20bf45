import pytest

from scoring.levels import LEVELS, level_estimate, level_index


@pytest.mark.parametrize(
    ("mean", "level"),
    [(3.0, "senior"), (4.0, "staff"), (5.0, "principal"), (2.0, "mid"), (1.0, "junior")],
)
def test_level_estimate_anchors_for_a_senior_spec(mean: float, level: str) -> None:
    estimate = level_estimate("senior", mean)
    assert estimate is not None
    assert estimate["level"] == level
    assert estimate["offset"] == mean - 3


def test_level_estimate_labels() -> None:
    assert level_estimate("senior", 3.0) == {
        "level": "senior",
        "offset": 0.0,
        "label": "meets the senior bar",
    }
    assert level_estimate("senior", 4.0)["label"] == "above the senior bar: staff evidence"  # type: ignore[index]
    assert level_estimate("senior", 2.0)["label"] == "below the senior bar: mid evidence"  # type: ignore[index]


def test_level_estimate_fractional_mean_supports_the_bar_it_clears() -> None:
    assert level_estimate("senior", 3.6) == pytest.approx(
        {"level": "senior", "offset": 0.6, "label": "meets the senior bar"}
    )
    assert level_estimate("senior", 2.5)["level"] == "mid"  # type: ignore[index]
    assert level_estimate("senior", 3.9999999999)["level"] == "staff"  # type: ignore[index]


def test_level_estimate_below_junior_is_none() -> None:
    estimate = level_estimate("mid", 1.0)
    assert estimate == {"level": None, "offset": -2.0, "label": "below the junior bar"}
    assert level_estimate("junior", 2.5)["level"] is None  # type: ignore[index]


def test_level_estimate_clipped_at_principal() -> None:
    assert level_estimate("staff", 5.0)["level"] == "principal"  # type: ignore[index]
    top = level_estimate("principal", 4.5)
    assert top == {"level": "principal", "offset": 1.5, "label": "above the principal bar"}


def test_level_estimate_without_evidence() -> None:
    assert level_estimate("senior", None) is None


def test_level_estimate_rejects_unknown_level_and_off_scale_mean() -> None:
    with pytest.raises(ValueError):
        level_estimate("lead", 3.0)
    with pytest.raises(ValueError):
        level_estimate("senior", 5.5)


def test_level_index_orders_the_ladder() -> None:
    assert [level_index(level) for level in LEVELS] == [0, 1, 2, 3, 4]
