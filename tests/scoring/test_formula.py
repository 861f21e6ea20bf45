import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scoring.formula import (
    CompetencyScore,
    RatingInput,
    competency_score,
    rescore,
    score_interview,
)

WEIGHTS = {"go": 0.3, "sql": 0.25, "design": 0.2, "ops": 0.15, "comms": 0.1}


def ratings(cid: str, *values: int | None, rater: str = "") -> list[RatingInput]:
    return [RatingInput(cid, v, rater) for v in values]


def test_competency_score_mean_on_0_100_scale() -> None:
    result = competency_score([4, 5])
    assert result.n == 2
    assert result.mean == 4.5
    assert result.score == 87.5
    assert result.band is not None


def test_competency_score_null_is_absent_not_a_one() -> None:
    result = competency_score([3, None])
    assert result.n == 1
    assert result.score == 50.0  # not (3 + 1) / 2 -> 25
    assert result.band is None  # a single rating has no spread


def test_competency_score_no_ratings() -> None:
    assert competency_score([None, None]) == CompetencyScore(score=None, n=0, mean=None, band=None)


@pytest.mark.parametrize("bad", [0, 6, 2.5, True, "3"])
def test_competency_score_rejects_off_scale_values(bad: object) -> None:
    with pytest.raises(ValueError):
        competency_score([bad])  # type: ignore[list-item]


def test_rating_input_rejects_off_scale_value() -> None:
    with pytest.raises(ValueError):
        RatingInput("go", 7)


def test_score_interview_partial_coverage() -> None:
    submitted = ratings("go", 4, 5) + ratings("sql", 3, None, 2) + ratings("design", None)
    result = score_interview(WEIGHTS, submitted, completed=True)
    # go: mean 4.5 -> 87.5; sql: mean 2.5 -> 37.5; design has only "no evidence".
    assert result.coverage == pytest.approx(0.55)
    assert result.overall == pytest.approx((0.3 * 87.5 + 0.25 * 37.5) / 0.55)
    assert result.overall == pytest.approx(64.772727, abs=1e-6)
    assert result.status == "provisional"
    assert list(result.competencies) == list(WEIGHTS)
    assert result.competencies["design"].n == 0
    assert result.competencies["design"].score is None
    assert result.competencies["sql"].n == 2


def test_score_interview_null_ratings_do_not_lower_the_score() -> None:
    with_nulls = score_interview({"go": 1.0}, ratings("go", 4, None, None), completed=True)
    assert with_nulls.overall == 75.0
    assert with_nulls.competencies["go"].n == 1


def test_score_interview_final_when_completed_and_fully_covered() -> None:
    submitted = [RatingInput(cid, 3) for cid in WEIGHTS]
    result = score_interview(WEIGHTS, submitted, completed=True)
    assert result.coverage == pytest.approx(1.0)
    assert result.status == "final"
    assert result.overall == pytest.approx(50.0)


def test_score_interview_provisional_when_not_completed() -> None:
    submitted = [RatingInput(cid, 3) for cid in WEIGHTS]
    assert score_interview(WEIGHTS, submitted, completed=False).status == "provisional"


def test_score_interview_no_ratings() -> None:
    result = score_interview(WEIGHTS, [], completed=True)
    assert result.overall is None
    assert result.coverage == 0.0
    assert result.status == "provisional"


def test_score_interview_ignores_competencies_outside_the_weights() -> None:
    submitted = ratings("go", 5) + ratings("retired", 1)
    result = score_interview({"go": 1.0}, submitted, completed=True)
    assert result.overall == 100.0
    assert list(result.competencies) == ["go"]


def test_score_interview_rejects_negative_weight() -> None:
    with pytest.raises(ValueError):
        score_interview({"go": -0.1}, [], completed=True)


def test_score_interview_required_must_have_knocks_out() -> None:
    result = score_interview(
        {"go": 1.0},
        ratings("go", 5),
        completed=True,
        required_must_haves={"prod": True, "english": False},
        must_have_checks=[
            ("prod", "not_met"),
            ("prod", "not_met"),
            ("prod", "met"),
            ("english", "met"),
        ],
    )
    assert result.must_haves == {"prod": "failed", "english": "met"}
    assert result.knocked_out is True
    assert result.overall == 100.0  # the score is still reported


def test_score_interview_to_dict_is_json_ready() -> None:
    submitted = ratings("go", 3, 5) + ratings("sql", 4)
    result = score_interview(
        {"go": 0.5, "sql": 0.5},
        submitted,
        completed=True,
        required_must_haves={"prod": True},
        must_have_checks=[("prod", "met")],
    )
    data = json.loads(json.dumps(result.to_dict()))
    assert data["overall"] == pytest.approx(75.0)
    assert data["status"] == "final"
    assert data["coverage"] == 1.0
    assert data["knocked_out"] is False
    assert data["must_haves"] == {"prod": "met"}
    assert data["competencies"]["sql"] == {"score": 75.0, "n": 1, "band": None}
    assert data["competencies"]["go"]["score"] == 75.0
    assert len(data["competencies"]["go"]["band"]) == 2
    assert set(data) == {
        "overall",
        "status",
        "coverage",
        "knocked_out",
        "competencies",
        "must_haves",
    }


def test_rescore_with_other_weights() -> None:
    submitted = ratings("go", 4, 5) + ratings("sql", 3, 2)
    original = score_interview(WEIGHTS, submitted, completed=True)
    what_if = rescore(original, {"go": 1, "sql": 3})
    # go 87.5, sql 37.5 -> (1 * 87.5 + 3 * 37.5) / 4
    assert what_if.overall == pytest.approx(50.0)
    assert what_if.coverage == pytest.approx(1.0)
    assert what_if.status == "final"  # completed, and the what-if weights are all covered
    assert list(what_if.competencies) == ["go", "sql"]
    assert what_if.competencies["go"] is original.competencies["go"]


def test_rescore_coverage_uses_normalised_weights() -> None:
    original = score_interview(WEIGHTS, ratings("go", 5), completed=True)
    what_if = rescore(original, {"go": 2, "sql": 2})
    assert what_if.coverage == pytest.approx(0.5)
    assert what_if.overall == 100.0
    assert what_if.status == "provisional"
    assert what_if.competencies["sql"].n == 0


def test_rescore_keeps_must_haves_and_incompleteness() -> None:
    original = score_interview(
        {"go": 1.0},
        ratings("go", 2),
        completed=False,
        required_must_haves={"prod": True},
        must_have_checks=[("prod", "not_met")],
    )
    what_if = rescore(original, {"go": 1.0})
    assert what_if.knocked_out is True
    assert what_if.must_haves == {"prod": "failed"}
    assert what_if.status == "provisional"


def test_rescore_with_same_weights_reproduces_the_score() -> None:
    submitted = ratings("go", 4, 5) + ratings("sql", 3) + ratings("ops", 1, 2)
    original = score_interview(WEIGHTS, submitted, completed=True)
    again = rescore(original, WEIGHTS)
    assert again.overall == pytest.approx(original.overall)
    assert again.coverage == pytest.approx(original.coverage)
    assert again.status == original.status


def test_rescore_rejects_weights_without_positive_sum() -> None:
    original = score_interview(WEIGHTS, ratings("go", 5), completed=True)
    with pytest.raises(ValueError):
        rescore(original, {"go": 0.0})


# --- properties -----------------------------------------------------------------------

rating_values = st.one_of(st.none(), st.integers(min_value=1, max_value=5))
competency_ids = st.sampled_from(list(WEIGHTS))
rating_lists = st.lists(
    st.builds(RatingInput, competency_ids, rating_values, st.sampled_from(["a", "b", "c"])),
    max_size=30,
)
weight_maps = st.dictionaries(
    competency_ids,
    st.floats(min_value=0.01, max_value=1.0, allow_nan=False),
    min_size=1,
)


@given(weights=weight_maps, submitted=rating_lists)
def test_score_interview_overall_within_0_100(
    weights: dict[str, float], submitted: list[RatingInput]
) -> None:
    overall = score_interview(weights, submitted, completed=True).overall
    assert overall is None or 0.0 <= overall <= 100.0


@given(values=st.lists(rating_values, min_size=1, max_size=10), weight=st.floats(0.01, 1.0))
def test_score_interview_single_competency_equals_its_score(
    values: list[int | None], weight: float
) -> None:
    result = score_interview({"go": weight}, ratings("go", *values), completed=True)
    competency = competency_score(values)
    if competency.score is None:
        assert result.overall is None
    else:
        assert result.overall == pytest.approx(competency.score, abs=1e-9)


@given(submitted=rating_lists, data=st.data())
def test_score_interview_invariant_under_permutation(
    submitted: list[RatingInput], data: st.DataObject
) -> None:
    shuffled = data.draw(st.permutations(submitted))
    assert score_interview(WEIGHTS, shuffled, completed=True) == score_interview(
        WEIGHTS, submitted, completed=True
    )


@given(
    submitted=rating_lists.filter(lambda rs: any(r.value is not None and r.value < 5 for r in rs)),
    data=st.data(),
)
def test_score_interview_raising_a_rating_never_lowers_overall(
    submitted: list[RatingInput], data: st.DataObject
) -> None:
    raisable = [i for i, r in enumerate(submitted) if r.value is not None and r.value < 5]
    index = data.draw(st.sampled_from(raisable))
    old = submitted[index]
    assert old.value is not None
    new_value = data.draw(st.integers(min_value=old.value + 1, max_value=5))
    raised = list(submitted)
    raised[index] = RatingInput(old.competency_id, new_value, old.rater)
    before = score_interview(WEIGHTS, submitted, completed=True).overall
    after = score_interview(WEIGHTS, raised, completed=True).overall
    assert before is not None and after is not None
    assert after >= before


@given(submitted=rating_lists, scale=st.floats(min_value=0.1, max_value=10.0))
def test_rescore_invariant_under_scaling_weights(
    submitted: list[RatingInput], scale: float
) -> None:
    original = score_interview(WEIGHTS, submitted, completed=True)
    plain = rescore(original, WEIGHTS)
    scaled = rescore(original, {cid: w * scale for cid, w in WEIGHTS.items()})
    assert scaled.coverage == pytest.approx(plain.coverage)
    if plain.overall is None:
        assert scaled.overall is None
    else:
        assert scaled.overall == pytest.approx(plain.overall)


@given(values=st.lists(st.integers(1, 5), min_size=1, max_size=4),
       rated=st.lists(st.sampled_from(sorted(WEIGHTS)), min_size=1, unique=True))
def test_equal_competency_scores_give_the_same_overall_whichever_competencies_carry_them(
    values: list[int], rated: list[str]
) -> None:
    """The weighted mean of equal scores is that score, to the last bit, however many competencies
    and weights add up to it: so equal candidates rank as ties, not by rounding noise."""
    alone = score_interview({"go": 1.0}, ratings("go", *values), completed=True).overall
    spread = [r for cid in rated for r in ratings(cid, *values)]
    assert score_interview(WEIGHTS, spread, completed=True).overall == alone
