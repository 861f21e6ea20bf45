"""Typed spec content: the canonical dict round-trips, the version hash holds, the shared content
is frozen at every level, and values no spec can have are refused."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from app import yamlio
from app.bank.loader import load_bank
from app.specs import service
from app.specs.content import (Competency, FrozenMap, Level, MustHave, QuestionSource, Round, RoundKind,
                               RoundQuestion, Rubric, SpecContent)
from app.specs.schema import validate_spec
from tests.conftest import ROOT

BANK = load_bank(ROOT / "question_bank")
SHIPPED = sorted((ROOT / "job_specs").glob("*.yaml"))

snake = st.from_regex(r"[a-z][a-z0-9_]{0,12}", fullmatch=True)
words = st.text(st.characters(codec="utf-8", categories=("L", "N", "P", "Zs")), min_size=1, max_size=40).map(
    lambda s: s.strip() or "x")
numbers = st.one_of(st.integers(1, 3), st.floats(min_value=0.001, max_value=600, allow_nan=False))
optional = lambda strategy: st.none() | strategy  # noqa: E731

rubrics = st.builds(Rubric, strong=st.lists(words, max_size=3), weak=st.lists(words, max_size=3))
questions = st.builds(
    RoundQuestion, id=snake, text=words, kind=st.sampled_from([RoundKind.WRITTEN, RoundKind.BEHAVIORAL]),
    competencies=st.lists(snake, max_size=3), levels=st.lists(st.sampled_from(Level), max_size=2, unique=True),
    rubric=rubrics, follow_ups=st.lists(words, max_size=2), minutes=optional(st.integers(1, 240)),
    source=st.sampled_from(QuestionSource), topic=optional(snake), reference=optional(words), why=optional(words),
    provenance=optional(st.dictionaries(snake, words, max_size=3)))
competencies = st.builds(Competency, id=snake, name=words, weight=numbers, definition=words,
                         tags=optional(st.lists(snake, max_size=3)))
must_haves = st.builds(MustHave, id=snake, text=words, required=st.booleans())


@st.composite
def rounds(draw: st.DrawFn) -> Round:
    published = draw(st.booleans())
    return Round(key=draw(snake), name=draw(words), kind=draw(st.sampled_from(RoundKind)),
                 duration_minutes=draw(numbers), question_count=draw(st.integers(0, 50)),
                 rotate_questions=draw(st.booleans()), mode=draw(st.sampled_from(["text", "voice"])),
                 questions=draw(st.lists(questions, max_size=3)) if published else (), published=published)


contents = st.builds(
    SpecContent, slug=snake, title=words, level=st.sampled_from(Level), description=words,
    blind_until_all_submitted=st.booleans(), competencies=st.lists(competencies, min_size=1, max_size=4),
    must_haves=st.lists(must_haves, max_size=3), rounds=st.lists(rounds(), min_size=1, max_size=3))


def shipped(path: Path) -> SpecContent:
    content = validate_spec(yamlio.parse(path.read_bytes(), str(path)).data, bank=BANK.lookup)
    return service.publish_defaults(content, current=None, bank=list(BANK.questions.values()))


@settings(max_examples=200, deadline=None)
@given(contents)
def test_content_from_to_dict_round_trips_and_keeps_its_digest(content: SpecContent) -> None:
    data = content.to_dict()
    again = SpecContent.from_dict(data)
    assert again == content and hash(again) == hash(content)
    assert again.to_dict() == data
    assert service.content_digest(again) == service.content_digest(content) == service.content_digest(data)
    assert SpecContent.from_dict(json.loads(json.dumps(data))) == content  # as the JSON column stores it


@settings(max_examples=100, deadline=None)
@given(contents)
def test_content_survives_the_yaml_export(content: SpecContent) -> None:
    assert SpecContent.from_dict(yaml.safe_load(yamlio.dump(content.to_dict()))) == content


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_shipped_spec_canonical_dict_and_digest_are_stable(path: Path) -> None:
    content = shipped(path)
    data = content.to_dict()
    assert list(data) == ["slug", "title", "level", "description", "blind_until_all_submitted", "competencies",
                          "must_haves", "rounds"]
    assert all(isinstance(c["weight"], (int, float)) and not isinstance(c["weight"], bool)
               for c in data["competencies"])
    assert SpecContent.from_dict(data) == content
    assert service.content_digest(SpecContent.from_dict(data)) == service.content_digest(data)


def test_shipped_versions_hash_their_stored_dict(session) -> None:
    for path in SHIPPED:
        spec = service.get_spec(session, yaml.safe_load(path.read_text())["slug"])
        version = service.get_version(session, spec)
        content = service.content_of(version)
        assert content.to_dict() == version.content
        assert service.content_digest(content) == version.content_hash


def test_content_integral_numbers_stay_ints() -> None:
    comp = Competency(id="a", name="A", weight=1.0, definition="d")
    rnd = Round(key="r", name="R", kind="live", duration_minutes=45.0, question_count=0)
    assert comp.to_dict()["weight"] == 1 and isinstance(comp.to_dict()["weight"], int)
    assert isinstance(rnd.to_dict()["duration_minutes"], int) and rnd.to_dict()["questions"] == []
    assert Round(key="r", name="R", kind="live", duration_minutes=7.5, question_count=0).duration_minutes == 7.5


def test_content_unpublished_round_has_no_questions_key() -> None:
    data = {"key": "r", "name": "R", "kind": "written", "duration_minutes": 30, "question_count": 2,
            "rotate_questions": False}
    rnd = Round.from_dict(data)
    assert not rnd.published and rnd.questions == () and rnd.to_dict() == data
    assert Round.from_dict({**data, "questions": []}).published
    with pytest.raises(ValueError):
        Round(key="r", name="R", kind="written", duration_minutes=1, question_count=1, published=False,
              questions=[{"id": "q", "text": "Q"}])


def test_content_attributes_cannot_be_assigned() -> None:
    content = shipped(ROOT / "job_specs" / "senior-backend-payments.yaml")
    rnd = content.rounds[0]
    for obj, name in ((content, "title"), (content.competencies[0], "weight"), (content.must_haves[0], "required"),
                      (rnd, "questions"), (rnd.questions[0], "text"), (rnd.questions[0].rubric, "strong")):
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(obj, name, None)
    assert isinstance(content.competencies, tuple) and isinstance(rnd.questions, tuple)
    assert isinstance(rnd.questions[0].rubric.strong, tuple) and isinstance(rnd.questions[0].levels, tuple)
    with pytest.raises(TypeError):
        content.weights["financial_systems_design"] = 1.0  # type: ignore[index]
    with pytest.raises(TypeError):
        FrozenMap({"model": "m"})["model"] = "other"  # type: ignore[index]


def test_content_lists_given_become_tuples() -> None:
    content = SpecContent(slug="s", title="T", level="mid", description="d",
                          competencies=[{"id": "a", "name": "A", "weight": 1, "definition": "d", "tags": ["x"]}],
                          rounds=[{"key": "r", "name": "R", "kind": "written", "duration_minutes": 5,
                                   "question_count": 1, "questions": [{"id": "q", "text": "Q", "levels": ["mid"]}]}])
    assert content.level is Level.MID and content.competencies[0].tags == ("x",)
    assert content.rounds[0].questions[0].levels == (Level.MID,) and content.rounds[0].kind is RoundKind.WRITTEN


def test_cached_content_is_one_shared_frozen_object(session) -> None:
    spec = service.get_spec(session, "senior-backend-payments")
    version = service.get_version(session, spec)
    first = service.version_content(session, version.id)
    assert service.version_content(session, version.id) is first
    assert service.version_content(session.connection(), version.id) is first
    assert service.content_of(version) is first and service.current_content(session, spec.slug) is first
    data = first.to_dict()
    data["competencies"][0]["weight"] = 0.99
    data["rounds"].clear()
    assert service.version_content(session, version.id).to_dict() == version.content  # a copy was changed, not it
    with pytest.raises(dataclasses.FrozenInstanceError):
        first.rounds = ()  # type: ignore[misc]


def test_saved_content_is_the_cached_object(session) -> None:
    current = service.current_content(session, "senior-backend-payments")
    assert current is not None
    comps = tuple(dataclasses.replace(c, name=c.name + " (renamed)") if i == 0 else c
                  for i, c in enumerate(current.competencies))
    changed = dataclasses.replace(current, competencies=comps)
    result = service.save_content(session, content=changed, source="api", actor=None)
    assert result.created and service.content_of(result.version) is changed
    assert current.competencies[0].name != changed.competencies[0].name  # the old version's content is untouched


def test_publish_defaults_returns_new_content_and_leaves_its_input() -> None:
    content = validate_spec(yamlio.parse((ROOT / "job_specs" / "fintech-backend-mid.yaml").read_bytes(), "mid").data,
                            bank=BANK.lookup)
    before = content.to_dict()
    published = service.publish_defaults(content, current=None, bank=list(BANK.questions.values()))
    assert content.to_dict() == before and published is not content
    assert all(r.published for r in published.rounds)
    assert service.publish_defaults(published, current=None, bank=[]) is published


def test_content_conveniences() -> None:
    content = shipped(ROOT / "job_specs" / "senior-backend-payments.yaml")
    assert dict(content.weights) == {c.id: float(c.weight) for c in content.competencies}
    assert abs(sum(content.weights.values()) - 1) <= 0.001
    assert content.competency_ids == tuple(content.weights)
    first = content.competencies[0]
    assert content.competency(first.id) is first and content.competency("nope") is None
    assert content.round("round_01") is content.rounds[0] and content.round("nope") is None
    assert content.must_have(content.must_haves[0].id) is content.must_haves[0] and content.must_have("x") is None
    assert all(r.kind is not RoundKind.LIVE for r in content.candidate_rounds)
    question = content.rounds[0].questions[0]
    assert content.rounds[0].question(question.id) is question and content.rounds[0].question("nope") is None
    assert content.bank_tags[first.id] == first.bank_tags == (first.tags or (first.id,))
    assert RoundKind.BEHAVIORAL.question_kind is RoundKind.BEHAVIORAL
    assert RoundKind.LIVE.question_kind is RoundKind.WRITTEN and not RoundKind.LIVE.has_candidate_side


def _minimal() -> dict:
    return {"slug": "s", "title": "T", "level": "senior", "description": "d",
            "competencies": [{"id": "a", "name": "A", "weight": 1, "definition": "d"}],
            "rounds": [{"key": "r", "name": "R", "kind": "written", "duration_minutes": 10, "question_count": 1,
                        "questions": [{"id": "q", "text": "Q", "kind": "written", "levels": ["senior"]}]}]}


@pytest.mark.parametrize("path, value", [
    (("level",), "ceo"),
    (("rounds", 0, "kind"), "oral"),
    (("rounds", 0, "mode"), "telepathy"),
    (("rounds", 0, "questions", 0, "kind"), "live"),
    (("rounds", 0, "questions", 0, "levels", 0), "intern"),
    (("rounds", 0, "questions", 0, "source"), "web"),
])
def test_content_refuses_unknown_enum_values(path: tuple, value: str) -> None:
    data = _minimal()
    SpecContent.from_dict(data)
    target = data
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    with pytest.raises(ValueError):
        SpecContent.from_dict(data)


@pytest.mark.parametrize("change", [
    lambda d: d.update(extra=1),
    lambda d: d["competencies"][0].update(colour="red"),
    lambda d: d["rounds"][0].update(published=True),
    lambda d: d["rounds"][0]["questions"][0].update(stage=1),
])
def test_content_refuses_unknown_keys(change) -> None:
    data = _minimal()
    change(data)
    with pytest.raises(ValueError, match="unknown key"):
        SpecContent.from_dict(data)


@pytest.mark.parametrize("weight", ["heavy", None, True])
def test_content_refuses_a_weight_that_is_not_a_number(weight) -> None:
    with pytest.raises(TypeError):
        Competency(id="a", name="A", weight=weight, definition="d")


def test_enum_values_are_plain_strings_in_the_dict() -> None:
    data = SpecContent.from_dict(_minimal()).to_dict()
    values = [data["level"], data["rounds"][0]["kind"], data["rounds"][0]["questions"][0]["levels"][0],
              data["rounds"][0]["questions"][0]["source"]]
    assert [type(v) for v in values] == [str] * 4
    assert yamlio.dump(data)  # the safe YAML dumper takes only plain types
