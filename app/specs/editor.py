"""The spec editor's form: content → draft rows for the page, submitted form → raw spec data for
the same validation as the YAML loader, and validation problems → messages placed by row."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from starlette.datastructures import FormData

from app.specs.content import Competency, Level, Round, RoundKind, SpecContent
from app.specs.diff import format_weight
from app.specs.schema import WEIGHT_TOLERANCE, Loc

BLANK_CONTENT = SpecContent(
    slug="", title="", level=Level.SENIOR, description="",
    competencies=(Competency(id="", name="", weight=1, definition=""),),
    rounds=(Round(key="round_01", name="Round 01 — Written", kind=RoundKind.WRITTEN, duration_minutes=45,
                  question_count=3, published=False),),
)
NOT_CONTENT = {"must_have_row", "competency_tags", "round_kind"}  # set on blank rows too
SECTION_LABELS = {"competencies": "Competency", "must_haves": "Must-have", "rounds": "Round"}


@dataclass
class EditorErrors:
    """Problems placed where the form shows them: by row (`competencies.0`), or for the whole form."""

    by_row: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    general: list[str] = field(default_factory=list)
    summary: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.summary)


def draft_from_content(content: SpecContent) -> dict[str, Any]:
    """Editor rows for a version's content (must-have rows get stable row tokens): plain dicts,
    so that the form can hold what a person types."""
    return {
        "slug": content.slug, "title": content.title, "level": content.level.value,
        "description": content.description,
        "competencies": [{**c.to_dict(), "tags": ", ".join(c.tags or ())} for c in content.competencies],
        "must_haves": [{**m.to_dict(), "row": f"m{i}"} for i, m in enumerate(content.must_haves)],
        "rounds": [r.to_dict() for r in content.rounds],
    }


def _column(form: FormData, name: str, length: int) -> list[str]:
    values = [v if isinstance(v, str) else "" for v in form.getlist(name)]
    return (values + [""] * length)[:length]


def _rows(form: FormData, names: tuple[str, ...]) -> list[dict[str, str]]:
    length = max(len(form.getlist(name)) for name in names)
    columns = {name: _column(form, name, length) for name in names}
    rows = [{name: columns[name][i].strip() for name in names} for i in range(length)]
    return [row for row in rows if any(v for k, v in row.items() if k not in NOT_CONTENT)]


def draft_from_form(form: FormData) -> dict[str, Any]:
    """The submitted form as editor rows, exactly as typed (for re-rendering with errors)."""
    required_rows = set(form.getlist("must_have_required"))
    competencies = _rows(form, ("competency_id", "competency_name", "competency_weight", "competency_definition",
                                "competency_tags"))
    must_haves = _rows(form, ("must_have_row", "must_have_id", "must_have_text"))
    rounds = _rows(form, ("round_key", "round_name", "round_kind", "round_duration", "round_count"))
    return {
        "slug": str(form.get("slug", "")).strip(), "title": str(form.get("title", "")).strip(),
        "level": str(form.get("level", "")).strip(), "description": str(form.get("description", "")).strip(),
        "competencies": [{"id": r["competency_id"], "name": r["competency_name"], "weight": r["competency_weight"],
                          "definition": r["competency_definition"], "tags": r["competency_tags"]}
                         for r in competencies],
        "must_haves": [{"row": r["must_have_row"], "id": r["must_have_id"], "text": r["must_have_text"],
                        "required": r["must_have_row"] in required_rows} for r in must_haves],
        "rounds": [{"key": r["round_key"], "name": r["round_name"], "kind": r["round_kind"],
                    "duration_minutes": r["round_duration"], "question_count": r["round_count"]} for r in rounds],
    }


def _number(text: Any, kind: type) -> Any:
    """A typed number when the text is one, else the text itself (validation then reports it)."""
    try:
        return kind(text)
    except (TypeError, ValueError):
        return text


def raw_spec(draft: dict[str, Any], *, base: SpecContent | None) -> dict[str, Any]:
    """Spec data for validation: the draft's fields, plus what the editor does not show kept from `base`."""
    base_rounds = {r.key: r for r in base.rounds} if base else {}
    data: dict[str, Any] = {key: draft[key] for key in ("slug", "title", "level", "description")}
    if base is not None:
        data["blind_until_all_submitted"] = base.blind_until_all_submitted
    data["competencies"] = [_competency(c) for c in draft["competencies"]]
    data["must_haves"] = [{"id": m["id"], "text": m["text"], "required": m["required"]} for m in draft["must_haves"]]
    data["rounds"] = []
    for rnd in draft["rounds"]:
        row = {"key": rnd["key"], "name": rnd["name"], "kind": rnd["kind"],
               "duration_minutes": _number(rnd["duration_minutes"], float),
               "question_count": _number(rnd["question_count"], int)}
        kept = base_rounds.get(rnd["key"])
        if kept is not None and kept.rotate_questions:
            row["rotate_questions"] = True
        if kept is not None and kept.mode != "text" and row["kind"] == kept.kind:
            row["mode"] = kept.mode
        data["rounds"].append(row)
    return data


def _competency(row: dict[str, Any]) -> dict[str, Any]:
    comp = {"id": row["id"], "name": row["name"], "weight": _number(row["weight"], float),
            "definition": row["definition"]}
    tags = [t.strip() for t in str(row.get("tags") or "").split(",") if t.strip()]
    if tags:
        comp["tags"] = tags
    return comp


def _label(loc: Loc) -> str:
    if len(loc) >= 2 and loc[0] in SECTION_LABELS and isinstance(loc[1], int):
        rest = " · ".join(str(p) for p in loc[2:])
        return f"{SECTION_LABELS[str(loc[0])]} {loc[1] + 1}" + (f" · {rest}" if rest else "")
    return " · ".join(str(p) for p in loc) or "Job spec"


def place_errors(errors: list[tuple[Loc, str]]) -> EditorErrors:
    """Problems from validation, grouped by the form row they belong to."""
    placed = EditorErrors()
    for loc, msg in errors:
        placed.summary.append(f"{_label(loc)}: {msg}")
        if len(loc) >= 2 and loc[0] in SECTION_LABELS and isinstance(loc[1], int):
            placed.by_row[f"{loc[0]}.{loc[1]}"].append(msg)
        else:
            placed.by_row[str(loc[0]) if loc else "spec"].append(msg)
            placed.general.append(f"{_label(loc)}: {msg}")
    return placed


def weight_total(draft: dict[str, Any]) -> tuple[float | None, bool]:
    """The sum of the draft's weights (None when one is not a number) and whether it is balanced."""
    try:
        total = sum(float(c["weight"]) for c in draft["competencies"])
    except (TypeError, ValueError):
        return None, False
    return total, abs(total - 1.0) <= WEIGHT_TOLERANCE


def display_weight(value: Any) -> str:
    """A weight as the number field shows it: as typed, or with two decimals when exact."""
    if isinstance(value, str):
        return value
    return format_weight(value)
