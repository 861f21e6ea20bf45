"""The SQL behind question analysis equals `scoring.questions` on random interviews written into
the real test database: several versions with their own weights and question tags, drafts,
"no evidence" ratings, ratings of competencies a version does not weigh, second raters, blank
and spoken answers, questions asked in rounds nobody rated."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlmodel import Session

from app.analysis.questions import question_totals, spec_versions
from scoring import questions as reference
from tests.analysis.helpers import Asked, InterviewSpec, VersionSpec, build, evidence

COMPETENCIES = ("a", "b", "c")
ROUNDS = ("r1", "r2")
QUESTIONS = ("q1", "q2", "q3")

weights = st.lists(st.integers(1, 10), min_size=1, max_size=3).map(
    lambda raw: {cid: w / sum(raw) for cid, w in zip(COMPETENCIES, raw, strict=False)})
tags = st.lists(st.sampled_from(COMPETENCIES), min_size=1, max_size=2, unique=True).map(tuple)
round_questions = st.dictionaries(st.sampled_from(QUESTIONS), tags, min_size=1, max_size=3)
version = st.builds(VersionSpec, weights, st.dictionaries(st.sampled_from(ROUNDS), round_questions, min_size=1))
card = st.tuples(st.sampled_from((*ROUNDS, "r3")), st.booleans(),
                 st.dictionaries(st.sampled_from((*COMPETENCIES, "d")), st.one_of(st.none(), st.integers(1, 5)),
                                 max_size=4))
answer = st.tuples(st.sampled_from(["", "  \n", "An answer about ledgers."]), st.integers(0, 900), st.booleans())


@st.composite
def interview(draw, versions: list[VersionSpec]) -> InterviewSpec:  # type: ignore[no-untyped-def]
    index = draw(st.integers(0, len(versions) - 1))
    offered = [(r, q) for r, qs in versions[index].questions.items() for q in qs]
    chosen = [rq for rq in offered if draw(st.integers(0, 5))]  # most questions are asked
    asked = []
    for round_key, qid in chosen:
        text, seconds, spoken = draw(answer)
        asked.append(Asked(round_key, qid, text, float(seconds), spoken and bool(text.strip())))
    # Most interviews have a full panel on both rounds, so that questions reach five pairs.
    full = st.tuples(st.sampled_from(ROUNDS), st.just(True),
                     st.fixed_dictionaries({cid: st.one_of(st.integers(1, 5), st.none()) for cid in COMPETENCIES}))
    base = [draw(full.map(lambda c, r=r: (r, c[1], c[2]))) for r in ROUNDS] if draw(st.integers(0, 4)) else []
    return InterviewSpec(index, base + draw(st.lists(card, max_size=3)), asked)


@st.composite
def world(draw):  # type: ignore[no-untyped-def]
    versions = draw(st.lists(version, min_size=1, max_size=2))
    return versions, draw(st.lists(interview(versions), max_size=12))


def _same(got: float | None, want: float | None, tolerance: float = 1e-6) -> bool:
    return got is None and want is None or (got is not None and want is not None
                                             and got == pytest.approx(want, abs=tolerance))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(data=world())
def test_question_totals_in_sql_equal_the_reference(session: Session, data) -> None:  # type: ignore[no-untyped-def]
    versions, interviews = data
    nested = session.begin_nested()
    try:
        spec = build(session, versions, interviews)
        got = question_totals(session, spec, spec_versions(session, spec))
        want = reference.question_totals(evidence(versions, interviews))
        assert set(got) == set(want)
        for qid, expected in want.items():
            mine = got[qid]
            assert (mine.asked, mine.blank, mine.rated, mine.pairs.n) == \
                (expected.asked, expected.blank, expected.rated, expected.pairs.n), qid
            assert _same(mine.median_answer_seconds, expected.median_answer_seconds, 1e-3), qid
            a, b = reference.question_stats(qid, mine), reference.question_stats(qid, expected)
            assert _same(a.mean_score, b.mean_score) and _same(a.discrimination, b.discrimination), qid
            assert a.flagged == b.flagged and a.blank_rate == b.blank_rate
            event(f"discrimination {'set' if b.discrimination is not None else 'none'}")
    finally:
        nested.rollback()
