"""A small job spec with short timed rounds, for the candidate-side tests (API and browser)."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta, timezone
from typing import Any

from sqlmodel import Session

from app.specs.service import prepare, save_content

_slugs = itertools.count(1)
START = datetime(2026, 3, 2, 9, 0, 0, tzinfo=timezone.utc)


def timed_spec(session: Session, *, minutes: float = 0.1, behavioral_minutes: float = 1.0,
               slug: str | None = None) -> str:
    """Create a spec whose written round lasts `minutes`; returns its slug."""
    slug = slug or f"timed-round-test-{next(_slugs)}"
    raw: dict[str, Any] = {
        "slug": slug, "title": "Timed round test", "level": "senior",
        "description": "A spec with a very short written round.",
        "competencies": [{"id": "financial_systems_design", "name": "Financial Systems Design", "weight": 1.0,
                          "definition": "Payment state machines."}],
        "rounds": [
            {"key": "written", "name": "Written", "kind": "written", "duration_minutes": minutes,
             "question_count": 2, "questions": [
                 {"id": "q_ledger", "text": "Design a double-entry ledger.", "competencies": ["financial_systems_design"]},
                 {"id": "q_retry", "text": "How do you make a payment retry safe?", "competencies": ["financial_systems_design"]}]},
            {"key": "story", "name": "Behavioral", "kind": "behavioral", "duration_minutes": behavioral_minutes,
             "question_count": 2, "questions": [
                 {"id": "p_incident", "text": "Tell us about an incident you owned.", "kind": "behavioral"},
                 {"id": "p_disagree", "text": "Tell us about a disagreement.", "kind": "behavioral"}]},
            {"key": "live", "name": "Live design", "kind": "live", "duration_minutes": 30, "question_count": 0},
        ],
    }
    save_content(session, content=prepare(session, raw), source="api", actor=None)
    session.flush()
    return slug


def take_link(session: Session, *, minutes: float = 0.1, **interview_options: Any) -> tuple[Any, str]:
    """An interview on a fresh timed spec, committed; returns it and its candidate API base path."""
    from tests.factories import make_interview
    created = make_interview(session, spec_slug=timed_spec(session, minutes=minutes), **interview_options)
    session.commit()  # a refused request rolls back to here, not past the setup
    return created.interview, f"/api/v1/take/{created.token}"


def put_answer(client, base: str, text: str, revision: int, key: str = "written", qid: str = "q_ledger"):  # type: ignore[no-untyped-def]
    """Autosave one answer through the candidate API."""
    return client.put(f"{base}/rounds/{key}/answers/{qid}", json={"text": text, "revision": revision})


class FakeClock:
    """An injectable clock: tests move time forward instead of sleeping."""

    def __init__(self, start: datetime = START):
        self.current = start

    def __call__(self) -> datetime:
        return self.current

    def advance(self, seconds: float) -> datetime:
        self.current += timedelta(seconds=seconds)
        return self.current
