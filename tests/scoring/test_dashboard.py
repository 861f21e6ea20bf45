import pytest

from scoring.dashboard import InterviewFacts, dashboard_summary
from scoring.formula import RatingInput

COMPETENCIES = [("go", "Go", 0.6), ("sql", "SQL", 0.4), ("ops", "Operations", 0.0)]
V1 = {"go": 0.6, "sql": 0.4}
V2 = {"go": 0.5, "sql": 0.5}


def rated(*pairs: tuple[str, int | None]) -> list[RatingInput]:
    return [RatingInput(cid, value) for cid, value in pairs]


def test_dashboard_summary_hand_computed() -> None:
    interviews = [
        # go 4, 5 -> 87.5; sql 3 -> 50; overall 0.6 * 87.5 + 0.4 * 50 = 72.5 (final)
        InterviewFacts("i1", True, V1, rated(("go", 4), ("go", 5), ("sql", 3))),
        # go 2 -> 25; sql only "no evidence"; overall 25 (provisional, coverage 0.6)
        InterviewFacts("i2", True, V1, rated(("go", 2), ("sql", None))),
        # scored with its own version's weights: sql 5 -> 100, go 3 -> 50; overall 75
        InterviewFacts("i3", True, V2, rated(("go", 3), ("sql", 5))),
        # completed without a single rating: counts as completed, no overall
        InterviewFacts("i4", True, V1, []),
        # not finished: counts in `interviews` only
        InterviewFacts("i5", False, V1, rated(("go", 1), ("sql", 1))),
    ]
    summary = dashboard_summary(interviews, COMPETENCIES)
    assert summary["interviews"] == 5
    assert summary["completed"] == 4
    assert summary["completion_rate"] == pytest.approx(0.8)
    assert summary["avg_score"] == pytest.approx((72.5 + 25 + 75) / 3)
    assert summary["competencies"] == [
        {
            "id": "go",
            "name": "Go",
            "weight": 0.6,
            "avg_score": pytest.approx((87.5 + 25 + 50) / 3),
            "n": 3,
        },
        {
            "id": "sql",
            "name": "SQL",
            "weight": 0.4,
            "avg_score": pytest.approx((50 + 100) / 2),
            "n": 2,
        },
        {"id": "ops", "name": "Operations", "weight": 0.0, "avg_score": None, "n": 0},
    ]


def test_dashboard_summary_without_interviews() -> None:
    summary = dashboard_summary([], COMPETENCIES[:1])
    assert summary == {
        "interviews": 0,
        "completed": 0,
        "completion_rate": 0.0,
        "avg_score": None,
        "competencies": [{"id": "go", "name": "Go", "weight": 0.6, "avg_score": None, "n": 0}],
    }


def test_dashboard_summary_only_unfinished_interviews() -> None:
    interviews = [InterviewFacts("i1", False, V1, rated(("go", 5)))]
    summary = dashboard_summary(interviews, COMPETENCIES[:1])
    assert (summary["interviews"], summary["completed"], summary["completion_rate"]) == (1, 0, 0.0)
    assert summary["avg_score"] is None
    assert summary["competencies"][0]["n"] == 0
