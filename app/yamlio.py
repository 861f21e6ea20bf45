"""Safe YAML with positions: every value keeps its line and column so that each problem can be
reported as `path:line:col: message`. Aliases are expanded under a node budget (no alias bombs)
and files over a size limit are refused."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

MAX_BYTES = 1_000_000
MAX_NODES = 50_000
MAX_DEPTH = 64

Loc = tuple[str | int, ...]
SAFE_TAGS = {f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null", "map", "seq")}


@dataclass(frozen=True)
class Problem:
    """One problem in a file, at a 1-based line and column."""

    path: str
    line: int
    col: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: {self.message}"


class YamlProblems(Exception):
    """A file that cannot be accepted, with every problem found in it."""

    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


@dataclass
class Document:
    """Parsed YAML plus the position of every key and value, addressed by location tuples."""

    path: str
    data: Any
    value_marks: dict[Loc, tuple[int, int]] = field(default_factory=dict)
    key_marks: dict[Loc, tuple[int, int]] = field(default_factory=dict)

    def problem(self, loc: Loc, message: str, *, at_key: bool = False) -> Problem:
        """A problem at `loc`, or at the nearest enclosing location that has a position."""
        marks = self.key_marks if at_key else self.value_marks
        probe = tuple(loc)
        while True:
            if probe in marks:
                line, col = marks[probe]
                return Problem(self.path, line, col, message)
            if probe in self.value_marks:
                line, col = self.value_marks[probe]
                return Problem(self.path, line, col, message)
            if not probe:
                return Problem(self.path, 1, 1, message)
            probe = probe[:-1]


class _Builder:
    def __init__(self, doc: Document):
        self.doc = doc
        self.nodes = 0

    def build(self, node: yaml.Node, loc: Loc, depth: int) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise YamlProblems([self.doc.problem((), f"document expands to more than {MAX_NODES} values (alias bomb?)")])
        if depth > MAX_DEPTH:
            raise YamlProblems([_at(self.doc.path, node, f"nesting deeper than {MAX_DEPTH} levels")])
        self.doc.value_marks[loc] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if node.tag not in SAFE_TAGS:
            raise YamlProblems([_at(self.doc.path, node, f"unsupported tag {node.tag}")])
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, loc, depth)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, loc + (i,), depth + 1) for i, item in enumerate(node.value)]
        return _scalar(self.doc.path, node)

    def _mapping(self, node: yaml.MappingNode, loc: Loc, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        problems: list[Problem] = []
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                problems.append(_at(self.doc.path, key_node, "keys must be plain text"))
                continue
            key = str(_scalar(self.doc.path, key_node))
            if key in result:
                problems.append(_at(self.doc.path, key_node, f"duplicate key '{key}'"))
                continue
            self.doc.key_marks[loc + (key,)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            result[key] = self.build(value_node, loc + (key,), depth + 1)
        if problems:
            raise YamlProblems(problems)
        return result


_CONSTRUCTOR = yaml.SafeLoader(b"")


def _scalar(path: str, node: yaml.ScalarNode) -> Any:
    try:
        return _CONSTRUCTOR.construct_object(node, deep=True)
    except yaml.YAMLError as exc:
        raise YamlProblems([_at(path, node, f"invalid value: {exc}")]) from None


def _at(path: str, node: yaml.Node, message: str) -> Problem:
    return Problem(path, node.start_mark.line + 1, node.start_mark.column + 1, message)


def parse(text: str | bytes, path: str) -> Document:
    """Parse one YAML document safely, keeping positions; raise YamlProblems when it cannot."""
    if len(text) > MAX_BYTES:
        raise YamlProblems([Problem(path, 1, 1, f"file is larger than {MAX_BYTES} bytes")])
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise YamlProblems([Problem(path, 1, 1, f"not UTF-8 text ({exc.reason})")]) from None
    doc = Document(path=path, data=None)
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        message = " ".join(filter(None, [exc.context, exc.problem])) or "invalid YAML"
        raise YamlProblems([Problem(path, line, col, f"invalid YAML: {message}")]) from None
    except yaml.YAMLError as exc:
        raise YamlProblems([Problem(path, 1, 1, f"invalid YAML: {exc}")]) from None
    if node is None:
        raise YamlProblems([Problem(path, 1, 1, "file is empty")])
    doc.data = _Builder(doc).build(node, (), 0)
    return doc


def dump(data: Any) -> str:
    """YAML text for plain data, keys in the given order, long text as block scalars."""
    return yaml.dump(data, Dumper=_BlockDumper, sort_keys=False, allow_unicode=True, width=100)


class _BlockDumper(yaml.SafeDumper):
    pass


def _str_representer(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    if "\n" in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


_BlockDumper.add_representer(str, _str_representer)
