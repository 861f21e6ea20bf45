"""Question generation with the official `openai` client against any OpenAI-compatible server.

`generate_questions` returns checked questions (source "ai", with provenance) or raises
`GenerationFailed` (app/ai/client.py) naming the cause; the caller falls back to the bank and says why."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError

from app.ai.client import GenerationFailed, ask_json
from app.ai.prompt import build_messages, level_guide, prompt_hash
from app.ai.schemas import GeneratedQuestion, GeneratedSet, response_schema
from app.settings import Settings
from app.specs.content import RoundKind, SpecContent

NEAR_DUPLICATE = 0.6
_WORD = re.compile(r"[a-z0-9]+")


@dataclass
class Generated:
    """Checked questions and how many of the model's items were rejected."""

    questions: list[dict[str, Any]]
    rejected: list[str]


def tokens(text: str) -> set[str]:
    """The lower-case word tokens of a text."""
    return set(_WORD.findall(text.lower()))


def jaccard(a: set[str], b: set[str]) -> float:
    """Token Jaccard similarity of two token sets (0 when both are empty)."""
    return len(a & b) / len(a | b) if a | b else 0.0


def near_duplicate_of(text: str, bank: list[dict[str, Any]]) -> str | None:
    """The id of the most similar bank question when it is a near-duplicate (Jaccard ≥ 0.6)."""
    mine = tokens(text)
    best = max(bank, key=lambda q: jaccard(mine, tokens(q["text"])), default=None)
    if best is not None and jaccard(mine, tokens(best["text"])) >= NEAR_DUPLICATE:
        return best["id"]
    return None


def _parse(answer: str) -> list[dict[str, Any]]:
    try:
        return GeneratedSet.model_validate(json.loads(answer)).questions
    except (json.JSONDecodeError, ValidationError, TypeError):
        raise GenerationFailed("malformed output: not the requested JSON") from None


def _check(item: dict[str, Any], comp_ids: set[str], level: str) -> GeneratedQuestion:
    question = GeneratedQuestion.model_validate(item)
    unknown = [c for c in question.competencies if c not in comp_ids]
    if unknown:
        raise ValueError(f"unknown competency id '{unknown[0]}'")
    if question.level != level:
        raise ValueError(f"level '{question.level}' is not the spec's level '{level}'")
    return question


def _published(q: GeneratedQuestion, *, kind: str, content: SpecContent, provenance: dict[str, str],
               bank: list[dict[str, Any]]) -> dict[str, Any]:
    comps = list(dict.fromkeys(q.competencies))
    prov = dict(provenance)
    if duplicate := near_duplicate_of(q.text, bank):
        prov["near_duplicate_of"] = duplicate
    named = [c for c in (content.competency(cid) for cid in comps) if c is not None]
    covered = ", ".join(f"{c.name} ({c.weight:.2f})" for c in named)
    level = content.level.value
    return {
        "id": "ai_" + hashlib.sha256(q.text.encode("utf-8")).hexdigest()[:10],
        "text": q.text, "kind": kind, "competencies": comps, "levels": [level],
        "rubric": {"strong": q.rubric.strong, "weak": q.rubric.weak}, "follow_ups": q.follow_ups,
        "minutes": q.minutes, "source": "ai", "why": f"generated for {covered} · level {level}",
        "provenance": prov,
    }


def generate_questions(settings: Settings, *, content: SpecContent, round_kind: str, count: int,
                       bank: list[dict[str, Any]], examples: list[dict[str, Any]]) -> Generated:
    """Ask the model for a round's questions and keep the ones that pass every check."""
    kind = RoundKind(round_kind).question_kind.value
    comp_ids = list(content.competency_ids)
    level = content.level.value
    schema = response_schema(comp_ids, level)
    messages = build_messages(content=content, round_kind=kind, count=count, examples=examples,
                              guide=level_guide(settings.question_bank_dir, level))
    provenance = {"model": settings.llm_model, "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
                  "prompt_hash": prompt_hash(settings.llm_model, messages, schema)}
    kept, rejected, seen = [], [], set()
    for i, item in enumerate(_parse(ask_json(settings, messages, schema, name="interview_questions"))):
        try:
            question = _check(item, set(comp_ids), level)
        except (ValidationError, ValueError) as exc:
            rejected.append(f"item {i + 1}: {_reason(exc)}")
            continue
        published = _published(question, kind=kind, content=content, provenance=provenance, bank=bank)
        if published["id"] in seen:
            rejected.append(f"item {i + 1}: repeats an earlier question")
            continue
        seen.add(published["id"])
        kept.append(published)
    return Generated(kept[:count], rejected)


def _reason(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        err = exc.errors(include_url=False)[0]
        return f"{'.'.join(map(str, err['loc'])) or 'item'}: {err['msg']}"
    return str(exc)
