"""Safe YAML with positions."""

import pytest

from app.yamlio import MAX_BYTES, YamlProblems, parse


def test_parse_keeps_line_and_column_of_values_and_keys():
    doc = parse("a: 1\nb:\n  - x\n  - y: 2\n", "f.yaml")
    assert doc.data == {"a": 1, "b": ["x", {"y": 2}]}
    assert doc.value_marks[("b", 1, "y")] == (4, 8)
    assert doc.key_marks[("b", 1, "y")] == (4, 5)
    assert str(doc.problem(("b", 1, "y"), "bad")) == "f.yaml:4:8: bad"


def test_parse_invalid_yaml_names_file_line_and_column():
    with pytest.raises(YamlProblems) as info:
        parse("a: 1\nb: [1, 2\nc: 3\n", "broken.yaml")
    problem = info.value.problems[0]
    assert problem.path == "broken.yaml" and problem.line == 3 and "invalid YAML" in problem.message


def test_parse_reports_every_duplicate_key():
    with pytest.raises(YamlProblems) as info:
        parse("a: 1\na: 2\nb: 1\nb: 2\n", "d.yaml")
    assert [(p.line, p.message) for p in info.value.problems] == [(2, "duplicate key 'a'"), (4, "duplicate key 'b'")]


def test_parse_refuses_alias_bomb():
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
    for i in range(1, 9):
        bomb += f"{chr(97 + i)}: &{chr(97 + i)} [" + ", ".join([f"*{chr(96 + i)}"] * 10) + "]\n"
    with pytest.raises(YamlProblems) as info:
        parse(bomb, "bomb.yaml")
    assert "alias bomb" in info.value.problems[0].message


def test_parse_refuses_oversized_file_and_unsafe_tags():
    with pytest.raises(YamlProblems, match="larger than"):
        parse("a: " + "x" * MAX_BYTES, "big.yaml")
    with pytest.raises(YamlProblems):
        parse("a: !!python/object/apply:os.system ['true']\n", "evil.yaml")
