"""The bank engine: draws a round's questions from the bank for a spec version.

Rules: only questions whose levels include the spec's level (adjacent levels join only when too
few remain); each pick maximises the weight of the spec's competencies it adds, with diminishing
returns for competencies already covered, so the round spreads over the heaviest competencies;
no two questions of one narrow topic unless nothing else is left; deterministic for a seed.
Behavioral prompts come out ordered by stage (opening, core, reflection) so the round flows.
The same draw serves rotation, from a round's published pool (questions that carry `competencies`
instead of bank `tags`; a question without `levels` fits every level)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from app.models import LEVELS
from app.specs.content import Competency, RoundKind, SpecContent
from app.specs.schema import bank_question_for_spec


def _tiebreak(seed: str, question_id: str) -> str:
    return hashlib.sha256(f"{seed}:{question_id}".encode()).hexdigest()


def level_tiers(bank: Iterable[dict[str, Any]], *, kind: str, level: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Bank items of a kind: those at the level, and those only at an adjacent level."""
    items = [q for q in bank if q["kind"] == kind]
    index = LEVELS.index(level)
    adjacent = {LEVELS[i] for i in (index - 1, index + 1) if 0 <= i < len(LEVELS)}
    at_level = [q for q in items if level in q.get("levels", []) or not q.get("levels")]
    taken = {q["id"] for q in at_level}
    return at_level, [q for q in items if q["id"] not in taken and adjacent & set(q.get("levels", []))]


def eligible(bank: Iterable[dict[str, Any]], *, kind: str, level: str, count: int) -> list[dict[str, Any]]:
    """Bank items of the round's kind at the spec's level, widened to adjacent levels if too few."""
    at_level, adjacent = level_tiers(bank, kind=kind, level=level)
    return at_level if len(at_level) >= count else at_level + adjacent


def _coverage(question: dict[str, Any], competencies: Sequence[Competency]) -> list[Competency]:
    if "competencies" in question:  # a published question: already mapped onto the spec's ids
        return [c for c in competencies if c.id in question["competencies"]]
    tags = set(question.get("tags", []))
    return [c for c in competencies if tags & set(c.bank_tags)]


def _gain(covered: list[Competency], times: dict[str, int]) -> float:
    return sum(c.weight / (1 + times.get(c.id, 0)) for c in covered)


def draw(bank: Iterable[dict[str, Any]], *, content: SpecContent, round_kind: str, count: int,
         seed: str, exclude: Iterable[str] = ()) -> list[dict[str, Any]]:
    """Draw `count` questions for a round of a spec's content, each with the reason it was picked.

    Questions at the spec's level are used up before any of an adjacent level is considered."""
    if round_kind == RoundKind.LIVE or count <= 0:
        return []
    kind = RoundKind(round_kind).question_kind.value
    excluded = set(exclude)
    tiers = [[q for q in tier if q["id"] not in excluded]
             for tier in level_tiers(bank, kind=kind, level=content.level.value)]
    competencies = content.competencies
    covers = {q["id"]: _coverage(q, competencies) for tier in tiers for q in tier}
    chosen: list[dict[str, Any]] = []
    times: dict[str, int] = {}
    topics: set[str] = set()
    for tier in tiers:
        remaining = list(tier)
        while len(chosen) < count and remaining:
            fresh = [q for q in remaining if q.get("topic") not in topics] or remaining
            best = max(fresh, key=lambda q: (round(_gain(covers[q["id"]], times), 9),
                                             _tiebreak(seed, q["id"])))
            chosen.append(best)
            remaining.remove(best)
            topics.add(best.get("topic"))
            for c in covers[best["id"]]:
                times[c.id] = times.get(c.id, 0) + 1
    if kind == "behavioral":
        chosen.sort(key=lambda q: q.get("stage") or 2)
    return [_published(q, content, covers[q["id"]]) for q in chosen]


def _published(bank_q: dict[str, Any], content: SpecContent, covered: list[Competency]) -> dict[str, Any]:
    if "competencies" in bank_q:  # drawing from a published pool (rotation): keep the question as published
        question = {k: v for k, v in bank_q.items() if k != "why"}
    else:
        question = bank_question_for_spec(bank_q, content.bank_tags)
    levels = bank_q.get("levels", [])
    level = content.level.value if content.level in levels or not levels else "/".join(levels)
    names = ", ".join(f"{c.name} ({c.weight:.2f})" for c in covered) or "no weighted competency"
    question["why"] = f"covers {names} · level {level}"
    return question


DraftSets = Mapping[str, Sequence[Mapping[str, Any]]]  # round key → draft questions (not yet published)


def _tagged(content: SpecContent, drafts: DraftSets | None) -> Iterable[set[str]]:
    """The competency ids of every question: a round's draft where given, else its published set."""
    for rnd in content.rounds:
        if drafts is not None and rnd.key in drafts:
            yield from (set(q.get("competencies") or []) for q in drafts[rnd.key])
        else:
            yield from (set(q.competencies) for q in rnd.questions)


def coverage_by_weight(content: SpecContent, drafts: DraftSets | None = None) -> dict[str, Any]:
    """Which competencies the whole interview's questions cover, by weight, and by how many
    questions: the published sets, or `drafts` for the rounds it names. A live round covers every
    competency (interviewers rate all of them in conversation) without adding questions."""
    covered: set[str] = set()
    counts: dict[str, int] = {}
    if any(rnd.kind is RoundKind.LIVE for rnd in content.rounds):
        covered |= set(content.competency_ids)
    for tagged in _tagged(content, drafts):
        covered |= tagged
        for cid in tagged:
            counts[cid] = counts.get(cid, 0) + 1
    rows = [{"id": c.id, "name": c.name, "weight": c.weight, "covered": c.id in covered,
             "questions": counts.get(c.id, 0)} for c in content.competencies]
    return {
        "weight_covered": round(sum(r["weight"] for r in rows if r["covered"]), 6),
        "competencies": rows,
        "warnings": [f"{r['name']} (weight {r['weight']:.2f}) is covered by no round"
                     for r in rows if not r["covered"] and r["weight"] >= 0.10],
    }
