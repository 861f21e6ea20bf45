"""Every loader rule of DESIGN, on data and on files with positions."""

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.specs.schema import SpecProblems, validate_spec
from app.specs.service import validate_documents
from app.yamlio import YamlProblems
from tests.specs.helpers import spec, spec_yaml


def problems_of(data):
    with pytest.raises(SpecProblems) as info:
        validate_spec(data)
    return info.value.errors


def file_problems(tmp_path: Path, text: str, name: str = "bad.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(YamlProblems) as info:
        validate_documents([path], bank=[], known_tags=None, current_for=lambda s: None)
    return [str(p) for p in info.value.problems]


def test_validate_spec_accepts_valid_spec_and_canonicalises_numbers():
    content = validate_spec(spec())
    assert content.rounds[0].duration_minutes == 45 and isinstance(content.rounds[0].duration_minutes, int)
    assert content.competencies[0].weight == 0.6
    assert not content.rounds[0].published and "questions" not in content.to_dict()["rounds"][0]


def test_weights_summing_to_090_reported_with_sum_line_and_column(tmp_path):
    data = spec()
    data["competencies"][1]["weight"] = 0.3
    problems = file_problems(tmp_path, spec_yaml(competencies=data["competencies"]))
    assert len(problems) == 1
    assert problems[0].startswith(f"{tmp_path / 'bad.yaml'}:")
    assert "weights sum to 0.900" in problems[0]
    line = spec_yaml(competencies=data["competencies"]).splitlines().index("competencies:") + 2
    assert f":{line}:" in problems[0]


def test_weight_within_tolerance_is_accepted_and_kept_as_given():
    data = spec()
    data["competencies"][0]["weight"] = 0.6005
    assert validate_spec(data).competencies[0].weight == 0.6005


@pytest.mark.parametrize("weight", [0, -0.1, 1.5, "heavy", None])
def test_weight_outside_zero_one_is_rejected(weight):
    data = spec()
    data["competencies"][0]["weight"] = weight
    errors = problems_of(data)
    assert any(loc[:3] == ("competencies", 0, "weight") for loc, _ in errors)


def test_every_problem_in_a_file_is_reported(tmp_path):
    data = spec(level="expert", extra_key=1)
    data["competencies"][1]["id"] = "financial_systems_design"
    data["competencies"][0]["weight"] = 0.5
    data["rounds"][0]["duration_minutes"] = 0
    text = spec_yaml(**{k: v for k, v in data.items()})
    problems = file_problems(tmp_path, text)
    joined = "\n".join(problems)
    assert "level" in joined and "unknown key 'extra_key'" in joined
    assert "duplicate competency id 'financial_systems_design'" in joined
    assert "weights sum to 0.900" in joined
    assert "duration_minutes" in joined
    assert len(problems) >= 5


def test_unknown_key_points_at_the_key(tmp_path):
    text = spec_yaml() + "colour: blue\n"
    problems = file_problems(tmp_path, text)
    line = len(spec_yaml().splitlines()) + 1
    assert problems == [f"{tmp_path / 'bad.yaml'}:{line}:1: unknown key 'colour'"]


@pytest.mark.parametrize("bad_id", ["Financial", "with-dash", "1st", "has space", ""])
def test_competency_ids_must_be_snake_case(bad_id):
    data = spec()
    data["competencies"][0]["id"] = bad_id
    assert any(loc[:3] == ("competencies", 0, "id") for loc, _ in problems_of(data))


def test_duplicate_must_have_ids_and_round_keys_are_rejected():
    data = spec()
    data["must_haves"].append(dict(data["must_haves"][0]))
    data["rounds"][1]["key"] = "round_01"
    messages = [m for _, m in problems_of(data)]
    assert "duplicate must-have id 'python'" in messages and "duplicate round key 'round_01'" in messages


def test_at_least_one_competency_and_one_round():
    errors = problems_of(spec(competencies=[], rounds=[]))
    locs = {loc for loc, _ in errors}
    assert ("competencies",) in locs and ("rounds",) in locs


def test_round_rules_written_needs_questions_live_may_have_none_duration_fractional():
    data = spec()
    data["rounds"][0]["question_count"] = 0
    assert any("needs at least 1 question" in m for _, m in problems_of(data))
    data = spec()
    data["rounds"].append({"key": "live", "name": "Live", "kind": "live", "duration_minutes": 7.5, "question_count": 0})
    content = validate_spec(data)
    assert content.rounds[2].duration_minutes == 7.5


@pytest.mark.parametrize("duration", [0, -5, "long"])
def test_round_duration_must_be_positive_number(duration):
    data = spec()
    data["rounds"][0]["duration_minutes"] = duration
    assert any(loc[:3] == ("rounds", 0, "duration_minutes") for loc, _ in problems_of(data))


def test_missing_required_key_is_reported_at_parent():
    data = spec()
    del data["title"]
    assert ((), "missing required key 'title'") in problems_of(data)


def test_published_questions_must_match_count_kind_and_competencies():
    data = spec()
    data["rounds"][0]["questions"] = [
        {"id": "q1", "text": "Design a ledger.", "competencies": ["financial_systems_design"]},
        {"id": "q2", "text": "Design a cache.", "competencies": ["caching"]},
    ]
    messages = [m for _, m in problems_of(data)]
    assert "unknown competency id 'caching'" in messages
    data["rounds"][0]["questions"] = data["rounds"][0]["questions"][:1]
    assert any("publishes 1 questions but question_count is 2" in m for _, m in problems_of(data))


def test_bank_question_reference_must_exist():
    data = spec()
    data["rounds"][0]["questions"] = ["nope_one", "nope_two"]
    messages = [m for _, m in problems_of(data)]
    assert "unknown question-bank id 'nope_one'" in messages


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(min_value=0.001, max_value=1.0, allow_nan=False), min_size=1, max_size=8))
def test_weights_accepted_exactly_when_they_sum_to_one(weights):
    data = spec()
    data["competencies"] = [{"id": f"c{i}", "name": f"C{i}", "weight": w, "definition": "d"} for i, w in enumerate(weights)]
    ok = abs(sum(weights) - 1.0) <= 0.001
    if ok:
        assert len(validate_spec(data).competencies) == len(weights)
    else:
        assert any("weights sum to" in m for _, m in problems_of(data))


@pytest.mark.parametrize("odd_key", [{}, [], 7, None])
def test_round_key_that_is_not_text_is_a_problem_not_a_crash(odd_key):
    data = spec()
    data["rounds"][0]["key"] = odd_key
    assert any(loc[:3] == ("rounds", 0, "key") for loc, _ in problems_of(data))
