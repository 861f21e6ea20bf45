"""What the dashboard stores equals a fresh computation from the rows: the ranking rows kept in each
change's transaction (app/dashboard/stats.py), the aggregates recomputed in the background
(app/dashboard/aggregates.py) and the what-if over stored competency scores (app/dashboard/ranking.py),
against `scoring` run over every interview's full evidence (tests/dashboard/reference.py), the model's
agreement with the panel included (suggestion sets on some scorecards, newest first)."""

from __future__ import annotations

import math
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import Session, select

import scoring

from app import changes
from app.changes import ChangeKind
from app.dashboard import aggregates, stats
from app.dashboard import ranking as rank
from app.models import Rating, Scorecard, utcnow
from app.specs.service import get_spec
from app.suggestions.models import AiSuggestion, AiSuggestionSet
from tests.dashboard.helpers import SPEC, add_scorecard
from tests.dashboard.reference import fresh_leniency, fresh_model_agreement, fresh_ranking, fresh_reliability
from tests.factories import make_interview, make_user

COMPETENCIES = ("financial_systems_design", "distributed_systems_reliability", "postgres_schema_design",
                "production_ownership", "fastapi_kafka_systems", "not_in_this_version")
MUST_HAVES = ("python_production", "postgres_transactional_sql", "distributed_systems_fundamentals")

card = st.fixed_dictionaries({
    "rater": st.integers(0, 3),
    "ratings": st.dictionaries(st.sampled_from(COMPETENCIES), st.one_of(st.none(), st.integers(1, 5)), max_size=6),
    "must_haves": st.dictionaries(st.sampled_from(MUST_HAVES), st.sampled_from(("met", "not_met", "not_assessed")),
                                  max_size=3),
    "recommendation": st.one_of(st.none(), st.sampled_from(("strong_no", "no", "yes", "strong_yes"))),
    "submitted": st.booleans(),
    # the model's answers to this card's "Compare with AI", oldest first (the newest counts)
    "suggested": st.lists(st.dictionaries(st.sampled_from(COMPETENCIES), st.integers(1, 5), max_size=6), max_size=2),
})
interview = st.fixed_dictionaries({"cards": st.lists(card, max_size=4), "completed": st.booleans()})


def _suggest(session: Session, card: Scorecard, answers: list[dict[str, int]]) -> None:
    """Suggestion sets on the card as the model's answers were stored, one a second apart."""
    for n, ratings in enumerate(answers):
        found = AiSuggestionSet(scorecard_id=card.id, model="m", prompt_hash="h",
                                created_at=utcnow() - timedelta(seconds=len(answers) - n))
        session.add(found)
        session.flush()
        session.add_all(AiSuggestion(set_id=found.id, competency_id=cid, rating=v) for cid, v in ratings.items())
        session.flush()


def _build(session: Session, plan: list[dict]) -> list[str]:
    raters = [make_user(session, role="interviewer") for _ in range(4)]
    ids = []
    for item in plan:
        created = make_interview(session).interview
        taken: set[tuple[str, int]] = set()
        for k, c in enumerate(item["cards"]):
            # two raters' cards may share a round: the model's answers to both count for it
            round_key = f"round_{k % 2:02d}" if (f"round_{k % 2:02d}", c["rater"]) not in taken else f"round_{k:02d}"
            taken.add((round_key, c["rater"]))
            made = add_scorecard(session, created, interviewer=raters[c["rater"]], round_key=round_key,
                                 ratings=c["ratings"], must_haves=c["must_haves"],
                                 recommendation=c["recommendation"], submitted=c["submitted"])
            _suggest(session, made, c["suggested"])
        # The assignments (drafts included) are made before create_interview records the interview.
        changes.record(session, ChangeKind.INTERVIEW_CREATED, spec_id=created.spec_id, interview_id=created.id)
        if item["completed"]:
            created.completed_at = utcnow()
            session.add(created)
            changes.record(session, ChangeKind.INTERVIEW_COMPLETED, spec_id=created.spec_id, interview_id=created.id)
        ids.append(created.id)
    session.flush()
    return ids


def _all_pages(session: Session, spec_id: str, wanted: rank.RankingFilter = rank.RankingFilter()) -> list[dict]:
    rows, cursor = [], ""
    while cursor is not None:
        page, cursor = rank.page(session, spec_id, wanted, cursor=cursor, limit=7)
        rows += page
    return rows


def _close(a: float | None, b: float | None) -> bool:
    return (a is None and b is None) or (a is not None and b is not None and math.isclose(a, b, abs_tol=1e-9))


FIELDS = ("candidate", "candidate_email", "version", "completed", "status", "knocked_out", "recommendations",
          "scorecards")


def _same_rows(stored: list[dict], fresh: list[dict], *, adjusted: bool) -> None:
    assert [r["interview_id"] for r in stored] == [r["interview_id"] for r in fresh]
    for s, f in zip(stored, fresh, strict=True):
        assert {k: s[k] for k in FIELDS} == {k: f[k] for k in FIELDS}
        assert _close(s["overall"], f["overall"]) and _close(s["coverage"], f["coverage"])
        if adjusted:
            assert _close(s["adjusted_overall"], f["adjusted_overall"]), (s, f)


def _same_icc(stored: dict | None, fresh: dict | None) -> None:
    assert (stored is None) == (fresh is None)
    for key in (fresh or {}):
        value = fresh[key]  # type: ignore[index]
        assert _close(stored[key], None if math.isnan(value) else value)  # type: ignore[index]


def _same_agreement(stored: dict, fresh: dict) -> None:
    assert stored.keys() == fresh.keys()
    for cid, entry in fresh.items():
        assert stored[cid]["n"] == entry["n"], cid
        for key in ("mean_deviation", "agreement", "consistency"):
            assert _close(stored[cid][key], entry[key]), (cid, key)
        assert (stored[cid]["icc"] is None) == (entry["icc"] is None)
        for key, value in (entry["icc"] or {}).items():
            assert _close(stored[cid]["icc"][key], value), (cid, key)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(plan=st.lists(interview, min_size=1, max_size=7))
def test_stored_ranking_and_aggregates_equal_a_fresh_computation(session: Session, plan) -> None:
    spec = get_spec(session, SPEC)
    nested = session.begin_nested()
    try:
        ids = set(_build(session, plan))
        mine = lambda rows: [r for r in rows if r["interview_id"] in ids]  # noqa: E731
        # The rows kept in each change's transaction, read a page at a time, before any recompute.
        _same_rows(mine(_all_pages(session, spec.id)), mine(fresh_ranking(session, spec, {})), adjusted=False)
        # The background recompute: leniency, reliability, distribution and every adjusted overall.
        aggregates.recompute(session.connection(), spec.id)
        stored = aggregates.stored(session, spec.id)
        leniency = fresh_leniency(session, spec)
        assert stored.leniency.keys() == leniency.keys()
        for rater, entry in leniency.items():
            assert stored.leniency[rater]["n"] == entry["n"]
            assert _close(stored.leniency[rater]["leniency"], entry["leniency"])
        fresh_icc = fresh_reliability(session, spec)
        assert stored.reliability.keys() == fresh_icc.keys()
        for cid, entry in fresh_icc.items():
            assert (stored.reliability[cid]["targets"], stored.reliability[cid]["raters"]) == (
                entry["targets"], entry["raters"])
            _same_icc(stored.reliability[cid]["icc"], entry["icc"])
        fresh = fresh_ranking(session, spec, leniency)
        _same_rows(mine(_all_pages(session, spec.id)), mine(fresh), adjusted=True)
        assert stored.distribution == aggregates.score_distribution([r["overall"] for r in fresh
                                                                     if r["overall"] is not None])
        _same_agreement(stored.model_agreement, fresh_model_agreement(session, spec))
        # A refresh after the recompute keeps what the recompute stored (same leniency, same rows).
        stats.refresh(session.connection(), ids)
        _same_rows(mine(_all_pages(session, spec.id)), mine(fresh), adjusted=True)
    finally:
        nested.rollback()


@pytest.mark.parametrize("knocked_out", [False, True])
def test_equal_overalls_reached_by_different_sums_rank_as_ties_by_interview_id(session: Session,
                                                                                knocked_out: bool) -> None:
    """Ratings of 1 and 2 score 12.5 on any competencies; summed over some pairs of weights the mean
    used to come out a bit either side (12.499999999999998, 12.500000000000002), and 1000 below, where
    knocked-out candidates sort, those bits were lost: the stored order and a fresh one disagreed."""
    spec = get_spec(session, SPEC)
    subsets = [("financial_systems_design", "distributed_systems_reliability"), ("financial_systems_design",),
               ("financial_systems_design", "production_ownership")] * 2
    checks = {"python_production": "not_met"} if knocked_out else {}
    plan = [{"completed": True, "cards": [
        {"rater": rater, "ratings": dict.fromkeys(subset, rater + 1), "must_haves": checks, "recommendation": None,
         "submitted": True, "suggested": []} for rater in (0, 1)]} for subset in subsets]
    nested = session.begin_nested()
    try:
        ids = set(_build(session, plan))
        stored = [r for r in _all_pages(session, spec.id) if r["interview_id"] in ids]
        assert {(r["overall"], r["knocked_out"]) for r in stored} == {(12.5, knocked_out)}
        assert [r["interview_id"] for r in stored] == sorted(ids, reverse=True)
        _same_rows(stored, [r for r in fresh_ranking(session, spec, {}) if r["interview_id"] in ids], adjusted=False)
    finally:
        nested.rollback()


def test_stored_model_agreement_equals_a_fresh_one_over_many_compared_rounds(session: Session) -> None:
    spec = get_spec(session, SPEC)
    some = [{cid: 1 + (i * 7 + j * 3 + len(cid)) % 5 for j, cid in enumerate(COMPETENCIES)} for i in range(12)]
    plan = [{"completed": True, "cards": [
        {"rater": 0, "ratings": some[i], "must_haves": {}, "recommendation": None, "submitted": True,
         "suggested": [some[(i + 5) % 12], some[(i + 1) % 12]]},
        {"rater": 1, "ratings": some[(i + 2) % 12], "must_haves": {}, "recommendation": None, "submitted": True,
         "suggested": [] if i % 3 else [some[(i + 3) % 12]]},
    ]} for i in range(12)]
    nested = session.begin_nested()
    try:
        _build(session, plan)
        aggregates.recompute(session.connection(), spec.id)
        stored = aggregates.stored(session, spec.id).model_agreement
        fresh = fresh_model_agreement(session, spec)
        assert all(entry["n"] >= 12 and entry["agreement"] is not None for entry in fresh.values())
        _same_agreement(stored, fresh)
    finally:
        nested.rollback()


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(plan=st.lists(interview, min_size=1, max_size=6),
       weights=st.lists(st.floats(0, 1, allow_nan=False), min_size=5, max_size=5).filter(lambda w: sum(w) > 0.01))
def test_what_if_over_stored_scores_equals_rescoring_the_evidence(session: Session, plan, weights) -> None:
    spec = get_spec(session, SPEC)
    what = dict(zip(COMPETENCIES[:5], weights, strict=True))
    nested = session.begin_nested()
    try:
        ids = set(_build(session, plan))
        shown = [r for r in rank.what_if(session, spec.id, what, limit=100_000) if r["interview_id"] in ids]
        fresh = []
        for row in fresh_ranking(session, spec, {}):
            if row["interview_id"] in ids:
                score = scoring.rescore(row["score"], what)
                fresh.append((stats.rank_key(score.overall, score.knocked_out), row["interview_id"], score))
        fresh.sort(key=lambda t: (t[0], t[1]), reverse=True)
        assert [r["interview_id"] for r in shown] == [iid for _, iid, _ in fresh]
        for row, (_, _, score) in zip(shown, fresh, strict=True):
            assert _close(row["overall"], score.overall) and _close(row["coverage"], score.coverage)
            assert (row["status"], row["knocked_out"]) == (score.status, score.knocked_out)
    finally:
        nested.rollback()


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(plan=st.lists(interview, min_size=1, max_size=8), limit=st.integers(1, 5),
       weights=st.lists(st.sampled_from([0.0, 0.1, 0.25, 0.5, 1.0]), min_size=5, max_size=5).filter(lambda w: sum(w) > 0))
def test_what_if_top_and_moves_equal_scoring_over_every_row_of_the_spec(session: Session, plan, limit, weights) -> None:
    """The database picks the top by the re-weighted key; ties (equal weights, equal ratings) and rows
    just below it must still come out as `scoring` ranks them, and each row's move counts from its real place."""
    spec = get_spec(session, SPEC)
    what = dict(zip(COMPETENCIES[:5], weights, strict=True))
    nested = session.begin_nested()
    try:
        _build(session, plan)
        shown = rank.what_if(session, spec.id, what, limit=limit)
        rows = fresh_ranking(session, spec, {})
        real = sorted(((stats.rank_key(r["score"].overall, r["score"].knocked_out), r["interview_id"]) for r in rows),
                      reverse=True)
        real_place = {iid: place for place, (_, iid) in enumerate(real, start=1)}
        again = sorted(((stats.rank_key((s := scoring.rescore(r["score"], what)).overall, s.knocked_out),
                         r["interview_id"]) for r in rows), reverse=True)[:limit]
        assert [r["interview_id"] for r in shown] == [iid for _, iid in again]
        assert [r["moved"] for r in shown] == [real_place[iid] - place for place, (_, iid) in enumerate(again, start=1)]
    finally:
        nested.rollback()


def test_rank_key_orders_scored_then_knocked_out_then_unscored() -> None:
    keys = [stats.rank_key(0.0, False), stats.rank_key(100.0, True), stats.rank_key(0.0, True), stats.rank_key(None, False)]
    assert keys == sorted(keys, reverse=True)


def test_rows_follow_an_amended_interview_and_a_reopened_one(session: Session) -> None:
    spec = get_spec(session, SPEC)
    created = make_interview(session).interview
    card = add_scorecard(session, created, ratings={"financial_systems_design": 5})
    row = next(r for r in _all_pages(session, spec.id) if r["interview_id"] == created.id)
    assert row["overall"] == pytest.approx(100.0) and row["scorecards"] == "1/1" and not row["completed"]
    rating = session.exec(select(Rating).where(Rating.scorecard_id == card.id)).one()
    rating.value = 1
    session.add(rating)
    changes.record(session, ChangeKind.SCORECARD_AMENDED, spec_id=created.spec_id, interview_id=created.id)
    row = next(r for r in _all_pages(session, spec.id) if r["interview_id"] == created.id)
    assert row["overall"] == pytest.approx(0.0)
