"""The question-set editor's draft: held in the page's form (nothing is saved until Publish),
read back on every post, changed by one operation at a time."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session

from app.errors import Invalid
from app.questions import service
from app.specs.draw import coverage_by_weight
from app.specs import service as specs
from app.specs.content import Round, SpecContent


@dataclass
class EditorState:
    """The draft sets by round key, which replace panel is open, and what to tell the user."""

    sets: dict[str, list[dict[str, Any]]]
    open: tuple[str, int] | None = None
    notices: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    custom: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> str:
        """The draft as the hidden form field carries it."""
        return json.dumps(self.sets, ensure_ascii=False, separators=(",", ":"))


def question_rounds(content: SpecContent) -> list[Round]:
    """The rounds that hold questions (written and behavioral)."""
    return list(content.candidate_rounds)


def published_sets(content: SpecContent) -> dict[str, list[dict[str, Any]]]:
    """The published sets of a version, as a draft to start from (plain dicts the draft may change)."""
    return {r.key: [q.to_dict() for q in r.questions] for r in question_rounds(content)}


def read_draft(form: Any, content: SpecContent) -> EditorState:
    """The draft from a posted form: the hidden JSON plus the edited texts."""
    try:
        raw = json.loads(form.get("draft") or "")
    except json.JSONDecodeError:
        raise Invalid("the draft could not be read; reload the page") from None
    keys = [r.key for r in question_rounds(content)]
    if not isinstance(raw, dict) or set(raw) != set(keys) or not all(
            isinstance(qs, list) and all(isinstance(q, dict) and isinstance(q.get("text"), str) for q in qs)
            for qs in raw.values()):
        raise Invalid("the draft could not be read; reload the page")
    for key in keys:
        for i, question in enumerate(raw[key]):
            text = form.get(f"text:{key}:{i}")
            if isinstance(text, str) and text.strip() and text.strip() != question["text"]:
                question["text"] = text.strip()
                if question.get("source") == "bank":
                    question["source"] = "custom"
                    question["id"] = _edited_id(question["id"])
                elif question.get("source") == "ai":
                    question["provenance"] = {**question.get("provenance", {}), "edited": "true"}
    return EditorState({k: raw[k] for k in keys})


def _edited_id(qid: str) -> str:
    return qid if qid.endswith("_edited") else f"{qid}_edited"[:64]


def position_of(state: EditorState, question_id: str) -> tuple[str, int] | None:
    """(round key, index) of a question in the draft, or None when it is not there."""
    for key, questions in state.sets.items():
        for i, question in enumerate(questions):
            if question.get("id") == question_id:
                return key, i
    return None


def _target(state: EditorState, key: str, index: str) -> tuple[str, int]:
    if key not in state.sets or not index.isdigit() or int(index) >= len(state.sets[key]):
        raise Invalid("that question is no longer in the draft; reload the page")
    return key, int(index)


def apply(session: Session, state: EditorState, op: str, form: Any, content: SpecContent) -> EditorState:
    """Apply one editor operation (`verb:round:index[:arg]`) to the draft."""
    verb, _, rest = op.partition(":")
    parts = rest.split(":")
    if verb in ("up", "down"):
        key, i = _target(state, *parts[:2])
        j = i - 1 if verb == "up" else i + 1
        if 0 <= j < len(state.sets[key]):
            qs = state.sets[key]
            qs[i], qs[j] = qs[j], qs[i]
    elif verb == "open":
        state.open = _target(state, *parts[:2])
    elif verb == "use" and len(parts) == 3:
        key, i = _target(state, *parts[:2])
        _use_bank(session, state, key, i, parts[2], content)
    elif verb == "custom":
        key, i = _target(state, *parts[:2])
        _use_custom(state, key, i, form, content)
    elif verb == "gen" and len(parts) == 2 and parts[0] in state.sets and parts[1] in ("bank", "ai"):
        key = parts[0]
        rnd = service.find_round(content, key)
        count = max(rnd.question_count, len(state.sets[key]))
        draft = service.generate_draft(session, content=content, round_key=key, source=parts[1], count=count)
        state.sets[key] = draft.questions
        origin = "with AI — review them before publishing" if draft.source_used == "ai" else "from the question bank"
        notice = draft.notice or f"Drafted {len(draft.questions)} questions {origin}."
        if draft.rejected:
            notice += f" Rejected from the model's answer: {'; '.join(draft.rejected)}."
        state.notices[key] = notice
    return state


def _use_bank(session: Session, state: EditorState, key: str, i: int, bank_id: str, content: SpecContent) -> None:
    options = service.suggestions(specs.bank_items(session), content=content, round_key=key,
                                  draft=state.sets[key], index=i, limit=50)
    chosen = next((q for q in options if q["id"] == bank_id), None)
    if chosen is None:
        raise Invalid("that suggestion is not available; reload the page")
    chosen.pop("keeps", None)
    state.sets[key][i] = chosen
    state.notices[key] = f"Replaced question {i + 1}."


def _lines(value: Any) -> list[str]:
    return [line.strip() for line in str(value or "").splitlines() if line.strip()]


def _use_custom(state: EditorState, key: str, i: int, form: Any, content: SpecContent) -> None:
    rnd = service.find_round(content, key)
    state.custom = {"text": form.get("custom_text") or "", "competencies": form.getlist("custom_comp"),
                    "strong": form.get("custom_strong") or "", "weak": form.get("custom_weak") or ""}
    try:
        question = service.custom_question(
            text=state.custom["text"], competencies=state.custom["competencies"],
            strong=_lines(state.custom["strong"]), weak=_lines(state.custom["weak"]),
            kind=rnd.kind.question_kind.value, content=content)
    except Invalid as exc:
        state.open = (key, i)
        state.errors = {e["loc"][0]: e["msg"] for e in exc.errors}
        return
    state.sets[key][i] = question
    state.custom = {}
    state.notices[key] = f"Replaced question {i + 1} with your own."


def view(session: Session, state: EditorState, content: SpecContent) -> dict[str, Any]:
    """What the editor template needs: rounds with their draft, suggestions, coverage before and after."""
    suggestions: list[dict[str, Any]] = []
    if state.open:
        key, i = state.open
        suggestions = service.suggestions(specs.bank_items(session), content=content, round_key=key,
                                          draft=state.sets[key], index=i)
    names = {c.id: c.name for c in content.competencies}
    return {"rounds": [(rnd, state.sets[rnd.key]) for rnd in question_rounds(content)], "state": state,
            "suggestions": suggestions, "coverage": coverage_by_weight(content, state.sets),
            "published_coverage": coverage_by_weight(content), "names": names,
            "dirty": state.sets != published_sets(content)}
