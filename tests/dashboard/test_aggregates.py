"""The dashboard — from running totals and from SQL aggregates — equals the reference `scoring.dashboard_summary` on random data
inserted into the real test database (several versions with their own weights, drafts, no-evidence
ratings, ratings of competencies a version does not have, unfinished interviews)."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import Session

import scoring
from app import changes
from app.changes import ChangeKind
from app.dashboard import stats
from app.dashboard.service import spec_dashboard
from tests.dashboard.reference import dashboard_from_ratings
from app.models import Candidate, Interview, JobSpec, JobSpecVersion, Rating, Scorecard, User, utcnow

COMPETENCIES = ("alpha", "beta", "gamma")
_ids = itertools.count(1)

version_weights = st.lists(st.integers(1, 10), min_size=2, max_size=3).map(
    lambda raw: {cid: w / sum(raw) for cid, w in zip(COMPETENCIES, raw)})
rating_value = st.one_of(st.none(), st.integers(1, 5))
card = st.tuples(st.booleans(), st.dictionaries(st.sampled_from(COMPETENCIES), rating_value, max_size=3))
interview = st.tuples(st.integers(0, 2), st.booleans(), st.lists(card, max_size=3))


def _content(weights: dict[str, float]) -> dict:
    return {"slug": "prop", "title": "Prop", "level": "senior", "description": "Property-test spec.",
            "must_haves": [], "rounds": [],
            "competencies": [{"id": cid, "name": cid.title(), "weight": w, "definition": cid}
                             for cid, w in weights.items()]}


def _insert(session: Session, versions: list[dict[str, float]], interviews: list) -> tuple[JobSpec, list]:
    n = next(_ids)
    spec = JobSpec(slug=f"prop-{n}", current_version=len(versions))
    session.add(spec)
    session.flush()
    rows = []
    for number, weights in enumerate(versions, start=1):
        row = JobSpecVersion(spec_id=spec.id, number=number, label=f"v{number}-x", content_hash=f"{n}-{number}",
                             content=_content(weights), title="Prop", level="senior", source="api")
        session.add(row)
        rows.append(row)
    candidate = Candidate(name="Prop", email="prop@example.test")
    raters = [User(email=f"rater{n}-{i}@example.test", name=f"Rater {i}", role="interviewer", password_hash="-")
              for i in range(3)]
    session.add_all(raters)
    session.add(candidate)
    session.flush()
    facts = []
    for k, (vindex, completed, cards) in enumerate(interviews):
        version = rows[min(vindex, len(rows) - 1)]
        item = Interview(candidate_id=candidate.id, spec_id=spec.id, spec_version_id=version.id,
                         token_hash=f"prop-{n}-{k}", token_expires_at=utcnow(),
                         completed_at=utcnow() if completed else None)
        session.add(item)
        session.flush()
        submitted_ratings = []
        for rater, (submitted, ratings) in zip(raters, cards):
            sc = Scorecard(interview_id=item.id, round_key="r", interviewer_id=rater.id,
                           status="submitted" if submitted else "draft")
            session.add(sc)
            session.flush()
            for cid, value in ratings.items():
                session.add(Rating(scorecard_id=sc.id, competency_id=cid, value=value))
                if submitted:
                    submitted_ratings.append(scoring.RatingInput(cid, value, rater.email))
        facts.append(scoring.InterviewFacts(item.id, completed, versions[min(vindex, len(rows) - 1)],
                                            submitted_ratings))
    changes.record_many(session, ChangeKind.INTERVIEW_CREATED, spec_id=spec.id, interview_ids=[f.interview_id for f in facts])
    return spec, facts


def _assert_matches(got: dict, expected: dict) -> None:
    assert (got["interviews"], got["completed"]) == (expected["interviews"], expected["completed"])
    assert got["completion_rate"] == pytest.approx(expected["completion_rate"])
    if expected["avg_score"] is None:
        assert got["avg_score"] is None
    else:
        assert got["avg_score"] == pytest.approx(expected["avg_score"], abs=1e-6)
    assert len(got["competencies"]) == len(expected["competencies"])
    for mine, ref in zip(got["competencies"], expected["competencies"]):
        assert (mine["id"], mine["name"], mine["n"]) == (ref["id"], ref["name"], ref["n"])
        assert mine["weight"] == pytest.approx(ref["weight"])
        assert mine["avg_score"] == (None if ref["avg_score"] is None else pytest.approx(ref["avg_score"], abs=1e-6))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(versions=st.lists(version_weights, min_size=1, max_size=3), interviews=st.lists(interview, max_size=6))
def test_dashboard_totals_and_sql_aggregates_equal_scoring_reference(session: Session, versions, interviews) -> None:
    nested = session.begin_nested()
    try:
        spec, facts = _insert(session, versions, interviews)
        current = [(cid, cid.title(), w) for cid, w in versions[-1].items()]
        expected = scoring.dashboard_summary(facts, current)
        for got in (spec_dashboard(session, spec), dashboard_from_ratings(session, spec)):
            _assert_matches(got, expected)
        stats.rebuild(session.connection())
        _assert_matches(spec_dashboard(session, spec), expected)
    finally:
        nested.rollback()
