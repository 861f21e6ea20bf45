"""Job-spec content as frozen types (DESIGN: Job specs).

The validator (app/specs/schema.py) produces a `SpecContent` once; every version's content is
then shared, read-only, by every caller in the process (app/specs/service.py `version_content`).
Nothing here checks the cross-field rules (weights summing to 1.00, unique ids): that is the
validator's work. These types hold content that has passed it: they refuse values no content
can have (an unknown level, round kind or key) and turn lists into tuples, so nothing inside
can change.

`to_dict()` gives the canonical dict that versions are stored and hashed as; `from_dict()`
reads it back, so `SpecContent.from_dict(c.to_dict()) == c` and the version hash never moves.
A changed copy is made with `dataclasses.replace` (or by validating a new dict)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, fields
from enum import StrEnum
from functools import cached_property
from types import MappingProxyType
from typing import Any, TypeVar

T = TypeVar("T")


class Level(StrEnum):
    """A spec's level, from the progression guide, lowest first."""

    JUNIOR = "junior"
    MID = "mid"
    SENIOR = "senior"
    STAFF = "staff"
    PRINCIPAL = "principal"


class RoundKind(StrEnum):
    """What a round is: written answers, spoken behavioral prompts, or a live conversation."""

    WRITTEN = "written"
    BEHAVIORAL = "behavioral"
    LIVE = "live"

    @property
    def has_candidate_side(self) -> bool:
        """Written and behavioral rounds are taken by the candidate; a live round is not."""
        return self is not RoundKind.LIVE

    @property
    def question_kind(self) -> RoundKind:
        """The kind of question the round holds (a live round's notes are written)."""
        return RoundKind.BEHAVIORAL if self is RoundKind.BEHAVIORAL else RoundKind.WRITTEN


class QuestionSource(StrEnum):
    """Where a published question came from."""

    BANK = "bank"
    AI = "ai"
    CUSTOM = "custom"


class FrozenMap(Mapping[str, str]):
    """A read-only, hashable mapping of strings (a question's provenance)."""

    __slots__ = ("_data",)

    def __init__(self, data: Mapping[str, str] | Iterable[tuple[str, str]] = ()):
        self._data = dict(data)

    def __getitem__(self, key: str) -> str:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __hash__(self) -> int:
        return hash(frozenset(self._data.items()))

    def __repr__(self) -> str:
        return f"FrozenMap({self._data!r})"


def _number(value: Any, name: str) -> float:
    """Integral numbers as ints, others as floats, as the canonical content keeps them."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{name} must be a number, not {type(value).__name__}")
    return int(value) if float(value).is_integer() else float(value)


def _strings(values: Iterable[Any] | None) -> tuple[str, ...] | None:
    return None if values is None else tuple(str(v) for v in values)


def _set(obj: object, name: str, value: Any) -> None:
    object.__setattr__(obj, name, value)  # only in __post_init__, while the object is being built


def _build(cls: type[T], data: Mapping[str, Any], **nested: Any) -> T:
    """An instance from a mapping, refusing keys the type does not have (they would be lost)."""
    if not isinstance(data, Mapping):
        raise TypeError(f"{cls.__name__} content must be a mapping, not {type(data).__name__}")
    names = {f.name for f in fields(cls)}  # type: ignore[arg-type]
    unknown = sorted(set(data) - names)
    if unknown:
        raise ValueError(f"{cls.__name__}: unknown key '{unknown[0]}'")
    return cls(**{**data, **nested})


def _without_none(items: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in items.items() if v is not None}


@dataclass(frozen=True, kw_only=True)
class Rubric:
    """What strong and weak answers show."""

    strong: tuple[str, ...] = ()
    weak: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        _set(self, "strong", _strings(self.strong))
        _set(self, "weak", _strings(self.weak))

    def to_dict(self) -> dict[str, Any]:
        """`{strong: [...], weak: [...]}`."""
        return {"strong": list(self.strong), "weak": list(self.weak)}


@dataclass(frozen=True, kw_only=True)
class RoundQuestion:
    """A question published in a round; `competencies` are the spec's own competency ids."""

    id: str
    text: str
    kind: RoundKind = RoundKind.WRITTEN
    competencies: tuple[str, ...] = ()
    levels: tuple[Level, ...] = ()
    rubric: Rubric = Rubric()
    follow_ups: tuple[str, ...] = ()
    minutes: int | None = None
    source: QuestionSource = QuestionSource.CUSTOM
    topic: str | None = None
    reference: str | None = None
    why: str | None = None
    provenance: FrozenMap | None = None

    def __post_init__(self) -> None:
        _set(self, "kind", RoundKind(self.kind))
        if self.kind is RoundKind.LIVE:
            raise ValueError("a question is written or behavioral, not live")
        _set(self, "competencies", _strings(self.competencies))
        _set(self, "levels", tuple(Level(v) for v in self.levels))
        if isinstance(self.rubric, Mapping):
            _set(self, "rubric", _build(Rubric, self.rubric))
        _set(self, "follow_ups", _strings(self.follow_ups))
        _set(self, "source", QuestionSource(self.source))
        if self.provenance is not None and not isinstance(self.provenance, FrozenMap):
            _set(self, "provenance", FrozenMap(self.provenance))

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RoundQuestion:
        """A question from its canonical dict."""
        return _build(cls, data)

    def to_dict(self) -> dict[str, Any]:
        """The canonical dict (absent optional fields are left out)."""
        return _without_none({
            "id": self.id, "text": self.text, "kind": self.kind.value, "competencies": list(self.competencies),
            "levels": [v.value for v in self.levels], "rubric": self.rubric.to_dict(),
            "follow_ups": list(self.follow_ups), "minutes": self.minutes, "source": self.source.value,
            "topic": self.topic, "reference": self.reference, "why": self.why,
            "provenance": dict(self.provenance) if self.provenance is not None else None,
        })


@dataclass(frozen=True, kw_only=True)
class Competency:
    """A weighted competency; `tags` (when set) are the question-bank tags it covers."""

    id: str
    name: str
    weight: float
    definition: str
    tags: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        _set(self, "weight", _number(self.weight, "weight"))
        _set(self, "tags", _strings(self.tags))

    @property
    def bank_tags(self) -> tuple[str, ...]:
        """The bank tags this competency covers: its `tags`, or its own id."""
        return self.tags or (self.id,)

    def to_dict(self) -> dict[str, Any]:
        """The canonical dict (`tags` only when set)."""
        return _without_none({"id": self.id, "name": self.name, "weight": self.weight,
                              "definition": self.definition,
                              "tags": list(self.tags) if self.tags is not None else None})


@dataclass(frozen=True, kw_only=True)
class MustHave:
    """A must-have; a failed required one knocks the candidate out."""

    id: str
    text: str
    required: bool = True

    def to_dict(self) -> dict[str, Any]:
        """The canonical dict."""
        return {"id": self.id, "text": self.text, "required": self.required}


@dataclass(frozen=True, kw_only=True)
class Round:
    """A round of the interview.

    `published` is False only between validation and publishing (app/specs/service.py
    `publish_defaults`): the source gave no question set for the round, so one is drawn. Every
    stored version's rounds are published (a live round with no questions)."""

    key: str
    name: str
    kind: RoundKind
    duration_minutes: float
    question_count: int
    rotate_questions: bool = False
    questions: tuple[RoundQuestion, ...] = ()
    published: bool = True
    mode: str = "text"  # text | voice (a behavioral round Cal speaks, answered aloud: app/voice/)

    def __post_init__(self) -> None:
        _set(self, "kind", RoundKind(self.kind))
        if self.mode not in ("text", "voice"):
            raise ValueError(f"round '{self.key}': unknown mode '{self.mode}'")
        _set(self, "duration_minutes", _number(self.duration_minutes, "duration_minutes"))
        _set(self, "questions", tuple(q if isinstance(q, RoundQuestion) else RoundQuestion.from_dict(q)
                                      for q in self.questions))
        if not self.published and self.questions:
            raise ValueError(f"round '{self.key}' has questions, so it is published")

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Round:
        """A round from its canonical dict (no `questions` key: not yet published)."""
        if "published" in data:
            raise ValueError("Round: unknown key 'published'")
        questions = data.get("questions")
        return _build(cls, data, questions=() if questions is None else questions, published="questions" in data)

    def question(self, question_id: str) -> RoundQuestion | None:
        """The published question with this id, or None."""
        return next((q for q in self.questions if q.id == question_id), None)

    def to_dict(self) -> dict[str, Any]:
        """The canonical dict (`questions` once published)."""
        body: dict[str, Any] = {"key": self.key, "name": self.name, "kind": self.kind.value,
                                "duration_minutes": self.duration_minutes, "question_count": self.question_count,
                                "rotate_questions": self.rotate_questions}
        if self.mode != "text":  # absent means text, so specs without voice rounds keep their hash
            body["mode"] = self.mode
        if self.published:
            body["questions"] = [q.to_dict() for q in self.questions]
        return body


@dataclass(frozen=True, kw_only=True)
class SpecContent:
    """The whole content of one job-spec version."""

    slug: str
    title: str
    level: Level
    description: str
    blind_until_all_submitted: bool = False
    competencies: tuple[Competency, ...]
    must_haves: tuple[MustHave, ...] = ()
    rounds: tuple[Round, ...]

    def __post_init__(self) -> None:
        _set(self, "level", Level(self.level))
        _set(self, "competencies", tuple(c if isinstance(c, Competency) else _build(Competency, c)
                                         for c in self.competencies))
        _set(self, "must_haves", tuple(m if isinstance(m, MustHave) else _build(MustHave, m)
                                       for m in self.must_haves))
        _set(self, "rounds", tuple(r if isinstance(r, Round) else Round.from_dict(r) for r in self.rounds))

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SpecContent:
        """Content from its canonical dict (a stored version's, or the validator's)."""
        return _build(cls, data)

    def to_dict(self) -> dict[str, Any]:
        """The canonical dict: what a version stores and hashes, and what the API and YAML export show."""
        return {"slug": self.slug, "title": self.title, "level": self.level.value, "description": self.description,
                "blind_until_all_submitted": self.blind_until_all_submitted,
                "competencies": [c.to_dict() for c in self.competencies],
                "must_haves": [m.to_dict() for m in self.must_haves],
                "rounds": [r.to_dict() for r in self.rounds]}

    @cached_property
    def weights(self) -> Mapping[str, float]:
        """Competency id → weight, read-only, in the spec's order."""
        return MappingProxyType({c.id: float(c.weight) for c in self.competencies})

    @cached_property
    def bank_tags(self) -> Mapping[str, tuple[str, ...]]:
        """Competency id → the bank tags it covers, read-only."""
        return MappingProxyType({c.id: c.bank_tags for c in self.competencies})

    @property
    def competency_ids(self) -> tuple[str, ...]:
        """The competency ids in the spec's order."""
        return tuple(self.weights)

    def competency(self, competency_id: str) -> Competency | None:
        """The competency with this id, or None."""
        return next((c for c in self.competencies if c.id == competency_id), None)

    def must_have(self, must_have_id: str) -> MustHave | None:
        """The must-have with this id, or None."""
        return next((m for m in self.must_haves if m.id == must_have_id), None)

    def round(self, key: str) -> Round | None:
        """The round with this key, or None."""
        return next((r for r in self.rounds if r.key == key), None)

    @property
    def candidate_rounds(self) -> tuple[Round, ...]:
        """The rounds the candidate takes (a live round has no candidate side)."""
        return tuple(r for r in self.rounds if r.kind.has_candidate_side)
