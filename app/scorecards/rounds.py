"""What an interviewer scores: the round's questions and the candidate's answers, and the
competencies the round covers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import Session, select

from app.interviews.service import interview_content, round_questions
from app.models import Answer, Interview, RoundAttempt, Scorecard
from app.specs.schema import effective_tags


@dataclass
class RoundView:
    """One scorecard's round: spec content, round definition, questions, answers, covered competencies."""

    interview: Interview
    content: dict[str, Any]
    round: dict[str, Any]
    questions: list[dict[str, Any]]
    attempt: RoundAttempt | None
    answers: dict[str, Answer] = field(default_factory=dict)
    covered: list[dict[str, Any]] = field(default_factory=list)

    @property
    def covered_ids(self) -> list[str]:
        """The ids of the covered competencies, in the spec's order."""
        return [c["id"] for c in self.covered]

    @property
    def is_live(self) -> bool:
        """A conversation round: no candidate side, scored from the interviewer's notes."""
        return self.round["kind"] == "live"


def covered_competencies(content: dict[str, Any], rnd: dict[str, Any],
                         questions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The competencies a round covers: those its questions are tagged with; all for a live round
    (and for a round whose questions are unknown, so that nothing goes unscored)."""
    competencies = content["competencies"]
    if rnd["kind"] == "live" or not questions:
        return list(competencies)
    ids: set[str] = set()
    tags: set[str] = set()
    for q in questions:
        ids.update(q.get("competencies") or [])
        tags.update(q.get("tags") or [])
    return [c for c in competencies if c["id"] in ids or tags & set(effective_tags(c))]


def round_view(session: Session, card: Scorecard) -> RoundView:
    """The round a scorecard rates, with the questions the candidate saw and their answers."""
    interview = session.get(Interview, card.interview_id)
    assert interview is not None
    content = interview_content(session, interview)
    rnd = next(r for r in content["rounds"] if r["key"] == card.round_key)
    attempt = session.exec(select(RoundAttempt).where(RoundAttempt.interview_id == interview.id,
                                                      RoundAttempt.round_key == card.round_key)).first()
    published = round_questions(interview, content, card.round_key)
    # The attempt keeps the questions the candidate saw, without rubric or competencies (those are
    # never sent to candidates); the interviewer scores them with the published questions' fields.
    by_id = {q["id"]: q for q in published}
    questions = [by_id.get(q["id"], q) for q in attempt.questions] if attempt and attempt.questions else published
    answers: dict[str, Answer] = {}
    if attempt is not None:
        answers = {a.question_id: a for a in session.exec(select(Answer).where(Answer.attempt_id == attempt.id))}
    return RoundView(interview, content, rnd, questions, attempt, answers,
                     covered_competencies(content, rnd, questions))


def waiting_since(card: Scorecard, attempt: RoundAttempt | None) -> datetime:
    """Since when the scorecard has waited: the candidate's submission of the round, else assignment."""
    if attempt is not None and attempt.submitted_at is not None:
        return max(attempt.submitted_at, card.created_at)
    return card.created_at


def waiting_label(seconds: float) -> str:
    """A short human duration: "5 minutes", "3 hours", "2 days"."""
    minutes = int(seconds // 60)
    for unit, size in (("day", 1440), ("hour", 60)):
        if minutes >= size:
            n = minutes // size
            return f"{n} {unit}{'s' if n != 1 else ''}"
    return f"{max(minutes, 0)} minute{'s' if minutes != 1 else ''}"
