"""The job-spec content model and its validation rules (DESIGN: Job specs).

Field rules come from pydantic models that forbid unknown keys; rules across fields (weights
summing to 1.00, unique ids, round rules, question references) are checked here so that every
problem of a file is reported at once, each at its own location."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from app.specs.content import Competency, Level, QuestionSource, RoundKind, SpecContent

SNAKE_ID = r"^[a-z][a-z0-9_]*$"
SLUG = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
WEIGHT_TOLERANCE = 0.001

Snake = Annotated[str, StringConstraints(pattern=SNAKE_ID, max_length=64)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20000)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]

Loc = tuple[str | int, ...]
BankLookup = Callable[[str], dict[str, Any] | None]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, use_enum_values=True)


class Rubric(_Strict):
    strong: list[Text] = Field(default_factory=list)
    weak: list[Text] = Field(default_factory=list)


class QuestionIn(_Strict):
    """A published question inside a spec round (competencies are this spec's ids)."""

    id: Snake
    text: Text
    kind: Literal["written", "behavioral"] | None = None
    competencies: list[Snake] = Field(default_factory=list)
    levels: list[Level] = Field(default_factory=list)
    rubric: Rubric = Field(default_factory=Rubric)
    follow_ups: list[Text] = Field(default_factory=list)
    minutes: int | None = Field(default=None, ge=1, le=240)
    source: QuestionSource = QuestionSource.CUSTOM
    topic: Snake | None = None
    reference: Text | None = None
    why: Text | None = None
    provenance: dict[str, str] | None = None


class CompetencyIn(_Strict):
    id: Snake
    name: Name
    weight: float = Field(gt=0, le=1, allow_inf_nan=False)
    definition: LongText
    tags: list[Snake] | None = None


class MustHaveIn(_Strict):
    id: Snake
    text: Text
    required: bool = True


class RoundIn(_Strict):
    key: Snake
    name: Name
    kind: RoundKind
    duration_minutes: float = Field(gt=0, le=24 * 60, allow_inf_nan=False)
    question_count: int = Field(ge=0, le=50)
    rotate_questions: bool = False
    questions: list[Any] | None = None
    mode: Literal["text", "voice"] = "text"  # voice: a behavioral round answered aloud (app/voice/)


class SpecIn(_Strict):
    slug: Annotated[str, StringConstraints(pattern=SLUG, max_length=120)]
    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
    level: Level
    description: LongText
    blind_until_all_submitted: bool = False
    competencies: list[CompetencyIn] = Field(min_length=1, max_length=30)
    must_haves: list[MustHaveIn] = Field(default_factory=list, max_length=30)
    rounds: list[RoundIn] = Field(min_length=1, max_length=12)


class SpecProblems(Exception):
    """Content that breaks the rules, with every problem as (loc, message)."""

    def __init__(self, errors: list[tuple[Loc, str]]):
        super().__init__("; ".join(f"{'.'.join(map(str, loc)) or '(root)'}: {msg}" for loc, msg in errors))
        self.errors = errors


def _pydantic_errors(exc: ValidationError, prefix: Loc = ()) -> list[tuple[Loc, str]]:
    errors = []
    for err in exc.errors(include_url=False):
        loc = prefix + tuple(err["loc"])
        if err["type"] == "extra_forbidden":
            errors.append((loc, f"unknown key '{loc[-1]}'"))
        elif err["type"] == "missing":
            errors.append((loc[:-1], f"missing required key '{loc[-1]}'"))
        else:
            field = next((str(p) for p in reversed(loc) if isinstance(p, str)), "value")
            errors.append((loc, f"{field}: {err['msg']}"))
    return errors


def effective_tags(competency: Competency) -> list[str]:
    """The bank tags a competency covers: its `tags`, or its own id."""
    return list(competency.bank_tags)


def validate_spec(data: Any, *, bank: BankLookup | None = None, known_tags: set[str] | None = None) -> SpecContent:
    """Validate raw spec data into canonical content, or raise SpecProblems with all problems."""
    errors: list[tuple[Loc, str]] = []
    spec: SpecIn | None = None
    if not isinstance(data, dict):
        raise SpecProblems([((), "a job spec must be a mapping of keys to values")])
    try:
        spec = SpecIn.model_validate(data)
    except ValidationError as exc:
        errors.extend(_pydantic_errors(exc))
    errors.extend(_cross_checks(data, known_tags))
    questions, q_errors = _resolve_rounds(data, bank)
    errors.extend(q_errors)
    if errors or spec is None:
        raise SpecProblems(_dedupe(errors))
    return canonical_content(spec, questions)


def _dedupe(errors: Iterable[tuple[Loc, str]]) -> list[tuple[Loc, str]]:
    seen, out = set(), []
    for item in errors:
        if item not in seen:
            seen.add(item)
            out.append(item)
    return out


def _items(data: dict[str, Any], key: str) -> list[tuple[int, dict[str, Any]]]:
    value = data.get(key)
    if not isinstance(value, list):
        return []
    return [(i, item) for i, item in enumerate(value) if isinstance(item, dict)]


def _cross_checks(data: dict[str, Any], known_tags: set[str] | None) -> list[tuple[Loc, str]]:
    errors: list[tuple[Loc, str]] = []
    competencies = _items(data, "competencies")
    weights = [c.get("weight") for _, c in competencies]
    if competencies and all(isinstance(w, (int, float)) and not isinstance(w, bool) for w in weights):
        total = sum(weights)
        if abs(total - 1.0) > WEIGHT_TOLERANCE:
            errors.append((("competencies",), f"weights sum to {total:.3f}, must be 1.00 (±{WEIGHT_TOLERANCE})"))
    errors += _duplicates(competencies, "competencies", "id", "competency id")
    errors += _duplicates(_items(data, "must_haves"), "must_haves", "id", "must-have id")
    errors += _duplicates(_items(data, "rounds"), "rounds", "key", "round key")
    if known_tags is not None:
        for i, comp in competencies:
            tags = comp.get("tags")
            if tags is None:
                continue
            for j, tag in enumerate(tags if isinstance(tags, list) else []):
                if isinstance(tag, str) and tag not in known_tags:
                    errors.append((("competencies", i, "tags", j), f"unknown question-bank tag '{tag}'"))
    for i, rnd in _items(data, "rounds"):
        kind, count = rnd.get("kind"), rnd.get("question_count")
        if kind in ("written", "behavioral") and isinstance(count, int) and count < 1:
            errors.append((("rounds", i, "question_count"), f"a {kind} round needs at least 1 question"))
        if rnd.get("mode") == "voice" and kind != "behavioral":
            errors.append((("rounds", i, "mode"), "only a behavioral round can be a voice round"))
    return errors


def _duplicates(items: list[tuple[int, dict[str, Any]]], section: str, key: str, label: str) -> list[tuple[Loc, str]]:
    seen: set[Any] = set()
    errors = []
    for i, item in items:
        value = item.get(key)
        if not isinstance(value, str):
            continue  # a key that is not text is reported by the field rules
        if value in seen:
            errors.append(((section, i, key), f"duplicate {label} '{value}'"))
        seen.add(value)
    return errors


def _resolve_rounds(data: dict[str, Any], bank: BankLookup | None) -> tuple[dict[int, list[dict]], list[tuple[Loc, str]]]:
    """Resolve each round's published questions (bank ids or full questions) and check them."""
    tags_by_id = {c["id"]: _raw_tags(c) for _, c in _items(data, "competencies") if isinstance(c.get("id"), str)}
    resolved: dict[int, list[dict]] = {}
    errors: list[tuple[Loc, str]] = []
    for i, rnd in _items(data, "rounds"):
        raw = rnd.get("questions")
        if raw is None:
            continue
        loc: Loc = ("rounds", i, "questions")
        if not isinstance(raw, list):
            errors.append((loc, "questions: must be a list"))
            continue
        questions = []
        for j, item in enumerate(raw):
            question, q_errors = _resolve_question(item, loc + (j,), bank, tags_by_id, rnd.get("kind"))
            errors.extend(q_errors)
            if question:
                questions.append(question)
        errors.extend(_round_count_rules(rnd, loc, questions))
        resolved[i] = questions
    return resolved, errors


def _round_count_rules(rnd: dict[str, Any], loc: Loc, questions: list[dict]) -> list[tuple[Loc, str]]:
    errors: list[tuple[Loc, str]] = []
    ids = [q["id"] for q in questions]
    for dup in sorted({x for x in ids if ids.count(x) > 1}):
        errors.append((loc, f"question '{dup}' appears twice in this round"))
    count = rnd.get("question_count")
    if not isinstance(count, int) or rnd.get("kind") == "live":
        return errors
    if rnd.get("rotate_questions") is True:
        if len(questions) < count:
            errors.append((loc, f"a rotating round needs a pool of at least {count} questions, has {len(questions)}"))
    elif questions and len(questions) != count:
        errors.append((loc, f"round publishes {len(questions)} questions but question_count is {count}"))
    return errors


def _raw_tags(competency: dict[str, Any]) -> list[str]:
    """The bank tags of a competency not yet validated (its `tags` when a list, else its id)."""
    tags = competency.get("tags")
    return [t for t in tags if isinstance(t, str)] if isinstance(tags, list) and tags else [competency["id"]]


def _resolve_question(item: Any, loc: Loc, bank: BankLookup | None, tags_by_id: Mapping[str, Iterable[str]],
                      round_kind: Any) -> tuple[dict | None, list[tuple[Loc, str]]]:
    if isinstance(item, str):
        found = bank(item) if bank else None
        if found is None:
            return None, [(loc, f"unknown question-bank id '{item}'")]
        question = bank_question_for_spec(found, tags_by_id)
    elif isinstance(item, dict):
        try:
            question = QuestionIn.model_validate(item).model_dump(exclude_none=True)
        except ValidationError as exc:
            return None, _pydantic_errors(exc, loc)
        unknown = [c for c in question["competencies"] if c not in tags_by_id]
        if unknown:
            return None, [(loc + ("competencies",), f"unknown competency id '{c}'") for c in unknown]
    else:
        return None, [(loc, "a question is a bank id or a mapping")]
    expected = "behavioral" if round_kind == "behavioral" else "written"
    question.setdefault("kind", expected)
    if round_kind in ("written", "behavioral") and question["kind"] != expected:
        return None, [(loc, f"a {round_kind} round cannot hold a {question['kind']} question")]
    return question, []


def bank_question_for_spec(bank_q: dict[str, Any], tags_by_competency: Mapping[str, Iterable[str]]) -> dict[str, Any]:
    """A bank question as published in a spec: its tags mapped onto the spec's competency ids
    (`tags_by_competency` is competency id → the bank tags it covers, e.g. `SpecContent.bank_tags`)."""
    tags = set(bank_q.get("tags", []))
    covered = [cid for cid, covers in tags_by_competency.items() if tags & set(covers)]
    question = {
        "id": bank_q["id"],
        "text": bank_q["text"],
        "kind": bank_q["kind"],
        "competencies": covered,
        "levels": list(bank_q.get("levels", [])),
        "rubric": {"strong": list(bank_q["rubric"].get("strong", [])), "weak": list(bank_q["rubric"].get("weak", []))},
        "follow_ups": list(bank_q.get("follow_ups", [])),
        "minutes": bank_q.get("minutes"),
        "source": "bank",
        "topic": bank_q.get("topic"),
        "reference": bank_q.get("source"),
    }
    return {k: v for k, v in question.items() if v is not None}


def canonical_content(spec: SpecIn, questions: dict[int, list[dict]]) -> SpecContent:
    """The canonical content of a spec (SpecContent keeps integral numbers as ints)."""
    content = spec.model_dump(exclude_none=True)
    for i, rnd in enumerate(content["rounds"]):
        if i in questions:
            rnd["questions"] = questions[i]
        else:
            rnd.pop("questions", None)
    return SpecContent.from_dict(content)


def is_snake_id(value: str) -> bool:
    """True for ids of the form DESIGN requires (snake_case)."""
    return bool(re.fullmatch(SNAKE_ID, value))
