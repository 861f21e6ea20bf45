"""The bank engine: level filter, weighted coverage, topic spread, determinism, behavioral order."""

from __future__ import annotations

import dataclasses
from collections import Counter
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from app.bank.loader import load_bank
from app.models import LEVELS
from app.specs.draw import coverage_by_weight, draw, level_tiers
from app.specs.content import Round, RoundQuestion, SpecContent
from app.specs.schema import validate_spec
from app.specs.service import publish_defaults
from app.yamlio import parse
from tests.conftest import ROOT

BANK = load_bank(ROOT / "question_bank")
ITEMS = list(BANK.questions.values())
COMPS = ["alpha", "beta", "gamma", "delta"]


def seed_002() -> SpecContent:
    doc = parse((ROOT / "job_specs" / "senior-backend-payments.yaml").read_bytes(), "seed-002")
    return validate_spec(doc.data, bank=BANK.lookup)


def content_for(level: str, weights: tuple[float, ...] = (0.4, 0.3, 0.2, 0.1)) -> SpecContent:
    return SpecContent.from_dict({
        "slug": "synthetic", "title": "Synthetic", "level": level, "description": "-", "rounds": [],
        "competencies": [{"id": c, "name": c.title(), "weight": w, "definition": "-"} for c, w in zip(COMPS, weights)]})


item = st.fixed_dictionaries({
    "topic": st.sampled_from(["t1", "t2", "t3", "t4", "t5"]),
    "tags": st.lists(st.sampled_from(COMPS + ["other"]), min_size=1, max_size=3, unique=True),
    "levels": st.lists(st.sampled_from(LEVELS), min_size=1, max_size=2, unique=True),
})
banks = st.lists(item, max_size=25).map(lambda items: [
    {**q, "id": f"q{i:02d}", "kind": "written", "text": f"Question {i}", "minutes": 10,
     "rubric": {"strong": ["s"], "weak": ["w"]}} for i, q in enumerate(items)])


def ids(questions: list[dict[str, Any]]) -> list[str]:
    return [q["id"] for q in questions]


@settings(max_examples=150, deadline=None)
@given(bank=banks, level=st.sampled_from(LEVELS), count=st.integers(0, 8), seed=st.text(max_size=8))
def test_draw_is_deterministic_for_a_seed(bank: list[dict], level: str, count: int, seed: str) -> None:
    content = content_for(level)
    first = draw(bank, content=content, round_kind="written", count=count, seed=seed)
    assert first == draw(list(bank), content=content, round_kind="written", count=count, seed=seed)


@settings(max_examples=200, deadline=None)
@given(bank=banks, level=st.sampled_from(LEVELS), count=st.integers(1, 8), seed=st.text(max_size=8))
def test_draw_levels_size_and_topics(bank: list[dict], level: str, count: int, seed: str) -> None:
    at_level, adjacent = level_tiers(bank, kind="written", level=level)
    chosen = draw(bank, content=content_for(level), round_kind="written", count=count, seed=seed)
    by_id = {q["id"]: q for q in bank}
    picked = [by_id[i] for i in ids(chosen)]
    # Size: min(count, eligible pool); the pool widens to adjacent levels only when too few remain.
    pool = at_level if len(at_level) >= count else at_level + adjacent
    assert len(chosen) == min(count, len(pool))
    assert len(set(ids(chosen))) == len(chosen)
    if len(at_level) >= count:
        assert all(level in q["levels"] for q in picked)
    else:
        assert set(ids(at_level)) <= set(ids(picked))
        assert all(q in at_level or q in adjacent for q in picked)
    # Topics: a topic repeats only when every remaining question of the tier repeats one.
    tier_of = {q["id"]: (0 if q in at_level else 1) for q in pool}
    for n, q in enumerate(picked):
        used = {p["topic"] for p in picked[:n]}
        if q["topic"] in used:
            left = [p for p in pool if p not in picked[:n] and tier_of[p["id"]] == tier_of[q["id"]]]
            assert all(p["topic"] in used for p in left)


@settings(max_examples=100, deadline=None)
@given(bank=banks, count=st.integers(1, 5))
def test_draw_first_pick_covers_most_weight(bank: list[dict], count: int) -> None:
    content = content_for("senior")
    chosen = draw(bank, content=content, round_kind="written", count=count, seed="s")
    at_level, _ = level_tiers(bank, kind="written", level="senior")
    if chosen and at_level:
        weights = content.weights
        best = max(sum(weights.get(t, 0) for t in q["tags"]) for q in at_level)
        first = next(q for q in bank if q["id"] == chosen[0]["id"])
        assert abs(sum(weights.get(t, 0) for t in first["tags"]) - best) < 1e-9


def test_draw_seed_002_written_covers_two_heaviest_competencies() -> None:
    chosen = draw(ITEMS, content=seed_002(), round_kind="written", count=3, seed="senior-backend-payments:round_01")
    covered = {c for q in chosen for c in q["competencies"]}
    assert len(chosen) == 3
    assert {"financial_systems_design", "distributed_systems_reliability"} <= covered
    assert len({q["topic"] for q in chosen}) == 3
    assert all(q["why"].startswith("covers ") and "level" in q["why"] for q in chosen)
    assert all("senior" in q["levels"] for q in chosen)


def test_publish_defaults_seed_002_publishes_three_and_four() -> None:
    content = publish_defaults(seed_002(), current=None, bank=ITEMS)
    written, behavioral = content.rounds
    assert len(written.questions) == 3 and len(behavioral.questions) == 4
    assert all(q.kind == "behavioral" for q in behavioral.questions)
    assert coverage_by_weight(content)["weight_covered"] == 1.0


def test_draw_behavioral_prompts_flow_by_stage() -> None:
    chosen = draw(ITEMS, content=seed_002(), round_kind="behavioral", count=4, seed="x")
    stages = [BANK.questions[q["id"]].get("stage") for q in chosen]
    assert stages == sorted(stages) and len(chosen) == 4
    assert all(q["kind"] == "behavioral" for q in chosen)


def test_draw_live_round_and_zero_count_are_empty() -> None:
    assert draw(ITEMS, content=seed_002(), round_kind="live", count=3, seed="x") == []
    assert draw(ITEMS, content=seed_002(), round_kind="written", count=0, seed="x") == []


def test_draw_excludes_ids() -> None:
    first = draw(ITEMS, content=seed_002(), round_kind="written", count=3, seed="x")
    again = draw(ITEMS, content=seed_002(), round_kind="written", count=3, seed="x", exclude=ids(first)[:1])
    assert ids(first)[0] not in ids(again) and len(again) == 3


def test_draw_widens_to_adjacent_level_only_when_needed() -> None:
    bank = [{"id": f"q{i}", "kind": "written", "topic": f"t{i}", "tags": ["alpha"], "levels": [lv],
             "text": "x", "rubric": {"strong": [], "weak": []}}
            for i, lv in enumerate(["senior", "staff", "mid", "principal", "junior"])]
    content = content_for("senior")
    assert ids(draw(bank, content=content, round_kind="written", count=1, seed="x")) == ["q0"]
    three = ids(draw(bank, content=content, round_kind="written", count=5, seed="x"))
    assert three[0] == "q0" and set(three) == {"q0", "q1", "q2"}


def test_coverage_by_weight_warns_on_uncovered_heavy_competency() -> None:
    questions = (RoundQuestion(id="a", text="a", competencies=("financial_systems_design",)),
                 RoundQuestion(id="b", text="b", competencies=("fastapi_kafka_systems",)))
    rnd = Round(key="r", name="R", kind="written", duration_minutes=30, question_count=2, questions=questions)
    content = dataclasses.replace(seed_002(), rounds=(rnd,))
    report = coverage_by_weight(content)
    assert report["weight_covered"] == 0.4
    assert len(report["warnings"]) == 3
    assert any("Production Ownership" in w for w in report["warnings"])
    assert Counter(r["covered"] for r in report["competencies"]) == Counter({False: 3, True: 2})
