"""A small valid spec to vary in tests."""

from __future__ import annotations

import copy
from typing import Any

import yaml

BASE: dict[str, Any] = {
    "slug": "test-spec",
    "title": "Test Engineer",
    "level": "senior",
    "description": "Builds payment systems.",
    "competencies": [
        {"id": "financial_systems_design", "name": "Financial Systems Design", "weight": 0.6,
         "definition": "Designs payment state machines."},
        {"id": "production_ownership", "name": "Production Ownership", "weight": 0.4,
         "definition": "Owns services end to end."},
    ],
    "must_haves": [{"id": "python", "text": "Ships Python in production", "required": True}],
    "rounds": [
        {"key": "round_01", "name": "Written", "kind": "written", "duration_minutes": 45, "question_count": 2},
        {"key": "round_02", "name": "Behavioral", "kind": "behavioral", "duration_minutes": 30, "question_count": 2},
    ],
}


def spec(**changes: Any) -> dict[str, Any]:
    """A deep copy of BASE with top-level changes."""
    data = copy.deepcopy(BASE)
    data.update(changes)
    return data


def spec_yaml(**changes: Any) -> str:
    """BASE (with changes) as YAML text."""
    return yaml.safe_dump(spec(**changes), sort_keys=False, allow_unicode=True)
