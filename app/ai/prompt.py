"""The prompt for question generation: the job description, the competencies with definitions
and weights, the level's descriptors from the progression guide and a few bank examples."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from app.bank.loader import cached_bank
from app.specs.content import SpecContent
from app.yamlio import YamlProblems

ROOT = Path(__file__).resolve().parent.parent.parent

SYSTEM = ("You write structured interview questions for a FinTech engineering hiring team. Every "
          "question tests one or more of the listed competencies at the given level, has a rubric of "
          "strong and weak signals an interviewer can check, and fits the round's time. Answer only "
          "with JSON that follows the given schema.")


def level_guide(directory: Path, level: str) -> dict[str, Any] | None:
    """The progression guide's entry for a level, or None when the bank cannot be read."""
    path = directory if directory.is_absolute() or directory.exists() else ROOT / directory
    try:
        return cached_bank(str(path)).levels.get(level)
    except (YamlProblems, OSError):
        return None


def _level_text(guide: dict[str, Any] | None, level: str) -> str:
    if not guide:
        return f"Level: {level}."
    focus = guide.get("interview_focus", {})
    lines = [f"Level: {guide['name']} ({level}). Core focus: {guide['core_focus']}",
             "Technical skills expected: " + "; ".join(guide.get("technical_skills", [])),
             "Typical challenges: " + "; ".join(guide.get("challenges", [])),
             "Interview focus: " + "; ".join(f"{k}: {v}" for k, v in focus.items())]
    return "\n".join(lines)


def _examples_text(examples: list[dict[str, Any]]) -> str:
    parts = []
    for q in examples:
        strong = "; ".join(q.get("rubric", {}).get("strong", [])[:2])
        parts.append(f"- {q['text']} (competencies: {', '.join(q.get('competencies', []))}; strong: {strong})")
    return "\n".join(parts) or "- (none)"


def build_messages(*, content: SpecContent, round_kind: str, count: int, guide: dict[str, Any] | None,
                   examples: list[dict[str, Any]]) -> list[dict[str, str]]:
    """The chat messages asking for `count` questions (or behavioral prompts) for one round."""
    comps = "\n".join(f"- {c.id} (weight {c.weight:.2f}): {c.name} — {c.definition}"
                      for c in content.competencies)
    if round_kind == "behavioral":
        ask = (f"Write {count} behavioral prompts (\"Tell me about a time…\") for a spoken round, ordered so "
               "the round flows: an opening prompt, core prompts, then a reflective one.")
    else:
        ask = (f"Write {count} written interview questions a candidate answers in text, each on a different "
               "narrow topic, together covering the heaviest competencies first.")
    user = "\n\n".join([
        f"Job: {content.title}\n\nJob description:\n{content.description}",
        f"Competencies (tag each question with their ids only):\n{comps}",
        _level_text(guide, content.level.value),
        f"Examples of the bank's style (do not copy them):\n{_examples_text(examples)}",
        ask,
    ])
    return [{"role": "system", "content": SYSTEM}, {"role": "user", "content": user}]


def prompt_hash(model: str, messages: list[dict[str, str]], schema: dict[str, Any]) -> str:
    """A short SHA-256 of everything sent, so a draft can be traced to its exact prompt."""
    text = json.dumps({"model": model, "messages": messages, "schema": schema}, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
