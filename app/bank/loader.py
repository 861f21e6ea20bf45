"""The question bank (`question_bank/`): questions, behavioral prompts and the progression
guide, validated with positions like job specs, and synced into the `question` table."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlmodel import Session, select

from app.models import LEVELS, Question
from app.specs.schema import Level, Name, Snake, Text, _pydantic_errors
from app.yamlio import Document, Problem, YamlProblems, parse

FILES = ("questions.yaml", "behavioral.yaml", "progression.yaml")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, use_enum_values=True)


class BankRubric(_Strict):
    strong: list[Text] = Field(min_length=1)
    weak: list[Text] = Field(min_length=1)


class BankQuestion(_Strict):
    id: Snake
    kind: Literal["written", "behavioral"]
    category: Snake
    topic: Snake
    text: Text
    tags: list[Snake] = Field(min_length=1)
    levels: list[Level] = Field(min_length=1)
    minutes: int = Field(ge=1, le=240)
    rubric: BankRubric
    follow_ups: list[Text] = Field(default_factory=list)
    source: Text
    stage: int | None = Field(default=None, ge=1, le=3)


class TechnologyStack(_Strict):
    primary_technologies: Text
    database_focus: Text
    integration: Text
    testing_quality: Text


class Transactions(_Strict):
    complexity: Text
    volume: Text
    consistency: Text
    regulatory_scope: Text


class InterviewFocus(_Strict):
    coding: Text
    system_design: Text
    financial_knowledge: Text
    behavioral: Text


class LevelGuide(_Strict):
    id: Level
    name: Name
    core_focus: Text
    responsibilities: list[Text] = Field(min_length=1)
    technical_skills: list[Text] = Field(min_length=1)
    example_project: Text
    technology_stack: TechnologyStack
    transactions: Transactions
    system_design: Text
    challenges: list[Text] = Field(min_length=1)
    interview_focus: InterviewFocus


class Anchors(_Strict):
    junior: Text
    mid: Text
    senior: Text
    staff: Text
    principal: Text


class CompetencyTag(_Strict):
    id: Snake
    name: Name
    description: Text
    anchors: Anchors


@dataclass
class Bank:
    """The whole question bank, validated."""

    questions: dict[str, dict[str, Any]] = field(default_factory=dict)
    levels: dict[str, dict[str, Any]] = field(default_factory=dict)
    tags: dict[str, dict[str, Any]] = field(default_factory=dict)

    def lookup(self, question_id: str) -> dict[str, Any] | None:
        """A question or prompt by id, or None."""
        return self.questions.get(question_id)


def _read(path: Path) -> Document:
    try:
        return parse(path.read_bytes(), str(path))
    except FileNotFoundError:
        raise YamlProblems([Problem(str(path), 1, 1, "file not found")]) from None


TOP_KEYS = {"questions.yaml": {"questions"}, "behavioral.yaml": {"prompts"},
            "progression.yaml": {"levels", "competency_tags"}}


def _unknown_keys(doc: Document, name: str) -> list[Problem]:
    data = doc.data if isinstance(doc.data, dict) else {}
    return [doc.problem((extra,), f"unknown key '{extra}'", at_key=True) for extra in data if extra not in TOP_KEYS[name]]


def _validate_list(doc: Document, key: str, model: type[BaseModel], problems: list[Problem]) -> list[dict]:
    data = doc.data if isinstance(doc.data, dict) else {}
    items = data.get(key)
    if not isinstance(items, list):
        problems.append(doc.problem((), f"missing list '{key}'"))
        return []
    out = []
    for i, item in enumerate(items):
        try:
            out.append(model.model_validate(item).model_dump(exclude_none=True))
        except ValidationError as exc:
            problems += [doc.problem(loc, msg, at_key=msg.startswith("unknown key")) for loc, msg in _pydantic_errors(exc, (key, i))]
    return out


def load_bank(directory: Path) -> Bank:
    """Read and validate the bank; raise YamlProblems listing every problem in every file."""
    problems: list[Problem] = []
    docs = {}
    for name in FILES:
        try:
            docs[name] = _read(directory / name)
        except YamlProblems as exc:
            problems += exc.problems
    if problems:
        raise YamlProblems(problems)
    for name, doc in docs.items():
        problems += _unknown_keys(doc, name)
    written = _validate_list(docs["questions.yaml"], "questions", BankQuestion, problems)
    prompts = _validate_list(docs["behavioral.yaml"], "prompts", BankQuestion, problems)
    levels = _validate_list(docs["progression.yaml"], "levels", LevelGuide, problems)
    tags = _validate_list(docs["progression.yaml"], "competency_tags", CompetencyTag, problems)
    bank = Bank(levels={lv["id"]: lv for lv in levels}, tags={t["id"]: t for t in tags})
    problems += _bank_rules(docs, written, prompts, levels, bank)
    if problems:
        raise YamlProblems(problems)
    return bank


def _bank_rules(docs: dict[str, Document], written: list[dict], prompts: list[dict],
                levels: list[dict], bank: Bank) -> list[Problem]:
    problems: list[Problem] = []
    if [lv["id"] for lv in levels] != list(LEVELS):
        problems.append(docs["progression.yaml"].problem(("levels",), f"levels must be {', '.join(LEVELS)} in that order"))
    for file, key, items, kind in (("questions.yaml", "questions", written, "written"),
                                   ("behavioral.yaml", "prompts", prompts, "behavioral")):
        doc = docs[file]
        for i, q in enumerate(items):
            if q["id"] in bank.questions:
                problems.append(doc.problem((key, i, "id"), f"duplicate question id '{q['id']}'"))
            if q["kind"] != kind:
                problems.append(doc.problem((key, i, "kind"), f"{file} holds {kind} items only"))
            if kind == "behavioral" and "stage" not in q:
                problems.append(doc.problem((key, i), "a behavioral prompt needs a stage (1, 2 or 3)"))
            for j, tag in enumerate(q["tags"]):
                if tag not in bank.tags:
                    problems.append(doc.problem((key, i, "tags", j), f"unknown competency tag '{tag}'"))
            bank.questions.setdefault(q["id"], q)
    return problems


@lru_cache
def cached_bank(directory: str) -> Bank:
    """The bank of a directory, read once per process (the files do not change while serving)."""
    return load_bank(Path(directory))


def sync_bank(session: Session, bank: Bank) -> dict[str, int]:
    """Upsert every bank question into the database; questions gone from the files become inactive."""
    existing = {q.id: q for q in session.exec(select(Question)).all()}
    counts = {"added": 0, "updated": 0, "retired": 0}
    for qid, data in bank.questions.items():
        values = {k: data.get(k) for k in ("kind", "category", "topic", "text", "tags", "levels",
                                           "minutes", "rubric", "follow_ups", "source", "stage")}
        values["follow_ups"] = values["follow_ups"] or []
        row = existing.get(qid)
        if row is None:
            session.add(Question(id=qid, active=True, **values))
            counts["added"] += 1
        elif any(getattr(row, k) != v for k, v in values.items()) or not row.active:
            for k, v in values.items():
                setattr(row, k, v)
            row.active = True
            counts["updated"] += 1
    for qid, row in existing.items():
        if qid not in bank.questions and row.active:
            row.active = False
            counts["retired"] += 1
    session.flush()
    return counts
