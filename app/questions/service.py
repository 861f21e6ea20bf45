"""Question sets of a spec's rounds: the published set, drafts (bank or AI with an honest fallback),
replacement suggestions that keep the coverage, and publishing a set as a new spec version."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session

from app.ai.generate import GenerationFailed, generate_questions
from app.errors import Invalid, NotFound
from app.models import JobSpec, User
from app.specs.draw import draw, level_tiers
from app.settings import get_settings
from app.specs import service as specs
from app.specs.content import Round, RoundKind, SpecContent
from app.specs.schema import SpecProblems, bank_question_for_spec

log = logging.getLogger("calibrate.questions")
AI_OFF = "AI generation is off — drew from the question bank"


@dataclass
class Draft:
    """Questions proposed for a round; nothing is saved until they are published."""

    questions: list[dict[str, Any]]
    source_used: str
    notice: str | None = None
    rejected: list[str] = field(default_factory=list)


def find_round(content: SpecContent, round_key: str) -> Round:
    """The round with this key, or NotFound."""
    rnd = content.round(round_key)
    if rnd is None:
        raise NotFound(f"no round '{round_key}'")
    return rnd


def bank_draft(bank: list[dict[str, Any]], *, content: SpecContent, rnd: Round, count: int,
               notice: str | None = None) -> Draft:
    """A draw from the bank for the round."""
    questions = draw(bank, content=content, round_kind=rnd.kind, count=count,
                     seed=f"{content.slug}:{rnd.key}:draft")
    return Draft(questions, "bank", notice)


def generate_draft(session: Session, *, content: SpecContent, round_key: str, source: str,
                   count: int) -> Draft:
    """A draft set for a round from the bank or the model; any model failure falls back to the bank."""
    rnd = find_round(content, round_key)
    if rnd.kind is RoundKind.LIVE:
        raise Invalid("a live round has no question set",
                      errors=[{"loc": ["path", "key"], "msg": "live rounds have no questions"}])
    bank = specs.bank_items(session)
    if source == "bank":
        return bank_draft(bank, content=content, rnd=rnd, count=count)
    settings = get_settings()
    if not settings.ai_enabled:
        return bank_draft(bank, content=content, rnd=rnd, count=count, notice=AI_OFF)
    examples = draw(bank, content=content, round_kind=rnd.kind, count=3, seed="examples")
    try:
        generated = generate_questions(settings, content=content, round_kind=rnd.kind, count=count,
                                       bank=bank, examples=examples)
    except GenerationFailed as exc:
        return bank_draft(bank, content=content, rnd=rnd, count=count,
                          notice=f"AI generation failed ({exc.cause}) — drew from the question bank")
    except Exception as exc:  # a draft must never fail the request: fall back and say so
        log.exception("question generation failed unexpectedly")
        return bank_draft(bank, content=content, rnd=rnd, count=count,
                          notice=f"AI generation failed (unexpected {type(exc).__name__}) — drew from the question bank")
    return _topped_up(generated.questions, generated.rejected, bank=bank, content=content, rnd=rnd, count=count)


def _topped_up(questions: list[dict[str, Any]], rejected: list[str], *, bank: list[dict[str, Any]],
               content: SpecContent, rnd: Round, count: int) -> Draft:
    if len(questions) >= count:
        return Draft(questions, "ai", None, rejected)
    missing = count - len(questions)
    extra = draw(bank, content=content, round_kind=rnd.kind, count=missing,
                 seed=f"{content.slug}:{rnd.key}:draft")
    if not questions:
        return Draft(extra, "bank", "AI generation failed (no usable questions) — drew from the question bank",
                     rejected)
    notice = (f"AI generation gave {len(questions)} usable of {count} questions — "
              f"filled {len(extra)} from the question bank")
    return Draft(questions + extra, "ai", notice, rejected)


def kept_weight(candidate: list[str], replaced: list[str], weights: Mapping[str, float]) -> float:
    """How much of the replaced question's competency weight a candidate question keeps."""
    return round(sum(weights.get(c, 0.0) for c in set(candidate) & set(replaced)), 6)


def suggestions(bank: list[dict[str, Any]], *, content: SpecContent, round_key: str,
                draft: list[dict[str, Any]], index: int, limit: int = 5) -> list[dict[str, Any]]:
    """Bank questions at (or next to) the spec's level that could replace draft[index], ranked by the
    competency weight of the replaced question they keep, then by level fit and a fresh topic."""
    kind = find_round(content, round_key).kind.question_kind.value
    replaced = draft[index]
    weights = content.weights
    taken = {q["id"] for q in draft}
    topics = {q.get("topic") for i, q in enumerate(draft) if i != index and q.get("topic")}
    at_level, adjacent = level_tiers(bank, kind=kind, level=content.level.value)
    rows = []
    for item in at_level + adjacent:
        if item["id"] in taken:
            continue
        question = bank_question_for_spec(item, content.bank_tags)
        keeps = kept_weight(question["competencies"], replaced.get("competencies", []), weights)
        total = sum(weights[c] for c in question["competencies"])
        at_level = content.level in item["levels"]
        question["keeps"] = keeps
        question["why"] = _why(question, content, keeps, replaced)
        rows.append(((keeps, at_level, item.get("topic") not in topics, total), item["id"], question))
    rows.sort(key=lambda r: (tuple(-x for x in r[0]), r[1]))
    return [q for _, _, q in rows[:limit]]


def _why(question: dict[str, Any], content: SpecContent, keeps: float, replaced: dict[str, Any]) -> str:
    names = {c.id: c.name for c in content.competencies}
    covered = ", ".join(names[c] for c in question["competencies"]) or "no weighted competency"
    share = sum(c.weight for c in content.competencies if c.id in replaced.get("competencies", []))
    return f"keeps {keeps:.2f} of {share:.2f} · covers {covered} · levels {', '.join(question['levels'])}"


def custom_question(*, text: str, competencies: list[str], strong: list[str], weak: list[str], kind: str,
                    content: SpecContent) -> dict[str, Any]:
    """A hand-written question (source "custom"); Invalid with field errors when incomplete."""
    errors = []
    text = text.strip()
    ids = set(content.competency_ids)
    if not text:
        errors.append({"loc": ["text"], "msg": "write the question"})
    elif len(text) > 4000:
        errors.append({"loc": ["text"], "msg": "at most 4000 characters"})
    if not competencies or any(c not in ids for c in competencies):
        errors.append({"loc": ["competencies"], "msg": "tag at least one of this spec's competencies"})
    if not strong or not weak:
        errors.append({"loc": ["rubric"], "msg": "give at least one strong and one weak signal"})
    if errors:
        raise Invalid("the custom question is incomplete", errors=errors)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:10]
    return {"id": f"custom_{digest}", "text": text, "kind": kind, "competencies": competencies,
            "levels": [content.level.value], "rubric": {"strong": strong, "weak": weak}, "source": "custom",
            "why": f"written by hand · level {content.level.value}"}


def with_round_questions(content: SpecContent, sets: Mapping[str, list[Any]]) -> dict[str, Any]:
    """The content as raw spec data with some rounds' questions replaced (round key → questions,
    bank ids or question mappings), for validation into a new version; NotFound for an unknown round."""
    for key in sets:
        find_round(content, key)
    raw = content.to_dict()
    for rnd in raw["rounds"]:
        if rnd["key"] in sets:
            rnd["questions"] = list(sets[rnd["key"]])
    return raw


def publish(session: Session, *, spec: JobSpec, sets: dict[str, list[Any]], actor: User | None,
            base_version: int | str | None, source: str = "editor") -> specs.SaveResult:
    """Publish question sets (round key → questions) as a new spec version; Invalid or Conflict otherwise."""
    current = specs.content_of(specs.get_version(session, spec))
    raw = with_round_questions(current, sets)
    try:
        content = specs.prepare(session, raw, current=current)
    except SpecProblems as exc:
        raise Invalid("the question set is not valid", errors=problem_errors(raw, exc)) from None
    return specs.save_content(session, content=content, source=source, actor=actor, base_version=base_version,
                              note="question set published")


def problem_errors(raw: dict[str, Any], exc: SpecProblems) -> list[dict[str, Any]]:
    """Spec problems as `{loc, msg}`, a round's questions located as `questions[j]…`."""
    out = []
    for loc, msg in exc.errors:
        loc = list(loc)
        if len(loc) >= 3 and loc[0] == "rounds" and loc[2] == "questions" and isinstance(loc[1], int):
            loc = [raw["rounds"][loc[1]]["key"], *loc[2:]]
        out.append({"loc": loc, "msg": msg})
    return out

