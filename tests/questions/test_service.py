"""Question-set service: suggestions that keep coverage, custom questions, publishing, rotation."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from sqlmodel import Session

from app.errors import Conflict, Invalid
from app.interviews.service import round_questions
from app.questions import service
from app.specs.draw import coverage_by_weight
from app.specs.content import SpecContent
from app.specs.service import bank_items, current_content, get_spec, prepare, save_content
from tests.factories import make_interview
from tests.specs.helpers import spec

SLUG = "senior-backend-payments"


def test_suggestions_rank_by_kept_competency_weight(session: Session) -> None:
    content = current_content(session, SLUG)
    draft = [q.to_dict() for q in content.rounds[0].questions]
    rows = service.suggestions(bank_items(session), content=content, round_key="round_01", draft=draft, index=0)
    weights = content.weights
    kept = [s["keeps"] for s in rows]
    assert len(rows) == 5 and kept == sorted(kept, reverse=True)
    assert kept[0] == pytest.approx(sum(weights[c] for c in draft[0]["competencies"]))
    assert not {s["id"] for s in rows} & {q["id"] for q in draft}
    assert all(s["kind"] == "written" and s["why"].startswith("keeps ") for s in rows)


def test_suggestions_for_behavioral_round_are_prompts(session: Session) -> None:
    content = current_content(session, SLUG)
    draft = [q.to_dict() for q in content.rounds[1].questions]
    rows = service.suggestions(bank_items(session), content=content, round_key="round_02", draft=draft, index=1)
    assert rows and all(s["kind"] == "behavioral" for s in rows)


def test_custom_question_needs_text_tags_and_rubric(session: Session) -> None:
    content = current_content(session, SLUG)
    with pytest.raises(Invalid) as exc:
        service.custom_question(text=" ", competencies=["nope"], strong=[], weak=["w"], kind="written", content=content)
    assert {e["loc"][0] for e in exc.value.errors} == {"text", "competencies", "rubric"}
    question = service.custom_question(text="Draw the ledger.", competencies=["postgres_schema_design"],
                                       strong=["s"], weak=["w"], kind="written", content=content)
    assert question["source"] == "custom" and question["id"].startswith("custom_")


def test_publish_makes_version_and_keeps_other_rounds(session: Session) -> None:
    spec = get_spec(session, SLUG)
    before = current_content(session, SLUG)
    reordered = [q.to_dict() for q in before.rounds[0].questions[::-1]]
    result = service.publish(session, spec=spec, sets={"round_01": reordered}, actor=None,
                             base_version=spec.current_version)
    assert result.created and result.version.source == "editor"
    after = current_content(session, SLUG)
    assert [q.to_dict() for q in after.rounds[0].questions] == reordered
    assert after.rounds[1].questions == before.rounds[1].questions
    with pytest.raises(Conflict):
        service.publish(session, spec=spec, sets={"round_01": [q.to_dict() for q in before.rounds[0].questions]},
                        actor=None, base_version=result.version.number - 1)


def test_publish_unchanged_makes_no_version(session: Session) -> None:
    spec = get_spec(session, SLUG)
    number = spec.current_version
    same = [q.to_dict() for q in current_content(session, SLUG).rounds[0].questions]
    result = service.publish(session, spec=spec, sets={"round_01": same}, actor=None, base_version=None)
    assert not result.created and spec.current_version == number


def _rotating_spec(session: Session, *, tags: bool = False) -> SpecContent:
    def q(qid: str, comp: str) -> dict[str, Any]:
        source = {"source": "ai", "provenance": {"model": "m", "generated_at": "t", "prompt_hash": "h"}} \
            if qid.endswith("1") else {"source": "custom"}
        return {"id": qid, "text": f"Question {qid}", "competencies": [comp], "topic": qid,
                "rubric": {"strong": ["s"], "weak": ["w"]}, **source}
    data = spec(slug="rotating-spec", rounds=[
        {"key": "round_01", "name": "Written", "kind": "written", "duration_minutes": 30, "question_count": 2,
         "rotate_questions": True, "questions": [q("a1", "financial_systems_design"), q("a2", "financial_systems_design"),
                                                 q("b1", "production_ownership"), q("b2", "production_ownership")]}])
    data["competencies"][0]["weight"] = 0.5
    data["competencies"][1]["weight"] = 0.5
    if tags:  # competencies mapped onto bank tags that differ from their ids
        data["competencies"][0]["tags"] = ["financial_domain", "system_design"]
        data["competencies"][1]["tags"] = ["leadership_collaboration"]
    content = prepare(session, data)
    save_content(session, content=content, source="api", actor=None)
    return content


@pytest.mark.parametrize("tags", [False, True])
def test_rotation_gives_candidates_different_sets_of_equal_coverage(session: Session, tags: bool) -> None:
    content = _rotating_spec(session, tags=tags)
    pool = {q.id: q for q in content.rounds[0].questions}
    sets = []
    for _ in range(8):
        interview = make_interview(session, spec_slug="rotating-spec").interview
        questions = round_questions(interview, content, "round_01")
        assert len(questions) == 2
        assert coverage_by_weight(content, {"round_01": [q.to_dict() for q in questions]})["weight_covered"] == 1.0
        for q in questions:  # kept as published: competencies, source and provenance
            assert dataclasses.replace(q, why=None) == dataclasses.replace(pool[q.id], why=None)
        sets.append(frozenset(q.id for q in questions))
    assert len(set(sets)) > 1
