"""spec_dashboard against hand-computed figures."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from app.dashboard.service import spec_dashboard
from app.specs.service import get_spec
from tests.dashboard.helpers import SPEC, scored_interview


def test_spec_dashboard_empty_spec_has_counts_zero_and_no_scores(session: Session) -> None:
    live = spec_dashboard(session, get_spec(session, SPEC))
    assert (live["interviews"], live["completed"], live["completion_rate"], live["avg_score"]) == (0, 0, 0.0, None)
    assert [c["id"] for c in live["competencies"]][:2] == ["financial_systems_design", "distributed_systems_reliability"]
    assert all(c["n"] == 0 and c["avg_score"] is None for c in live["competencies"])


def test_spec_dashboard_hand_computed_counts_averages_and_n(session: Session) -> None:
    # A: fsd 4,5 → 87.5; dsr 3 → 50; rest none. overall = (.3*87.5 + .25*50) / .55 = 70.4545…
    scored_interview(session, [{"ratings": {"financial_systems_design": 4, "distributed_systems_reliability": 3}},
                               {"ratings": {"financial_systems_design": 5, "distributed_systems_reliability": None}}])
    # B: every competency 2 → 25 overall; fsd 25.
    scored_interview(session, [{"ratings": dict.fromkeys(
        ["financial_systems_design", "distributed_systems_reliability", "postgres_schema_design",
         "production_ownership", "fastapi_kafka_systems"], 2)}])
    # C: unfinished, rated 5 everywhere: counts in `interviews` only.
    scored_interview(session, [{"ratings": {"financial_systems_design": 5}}], completed=False)
    # D: a draft scorecard does not count.
    scored_interview(session, [{"ratings": {"financial_systems_design": 1}, "submitted": False}])
    live = spec_dashboard(session, get_spec(session, SPEC))
    assert live["interviews"] == 4
    assert live["completed"] == 3
    assert live["completion_rate"] == pytest.approx(0.75)
    assert live["avg_score"] == pytest.approx((70.4545 + 25) / 2, abs=0.05)
    by_id = {c["id"]: c for c in live["competencies"]}
    assert by_id["financial_systems_design"]["avg_score"] == pytest.approx((87.5 + 25) / 2)
    assert by_id["financial_systems_design"]["n"] == 2
    assert by_id["distributed_systems_reliability"]["avg_score"] == pytest.approx(37.5)
    assert by_id["production_ownership"]["n"] == 1
    assert by_id["financial_systems_design"]["weight"] == pytest.approx(0.30)
