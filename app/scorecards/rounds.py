"""What an interviewer scores: the round's questions and the candidate's answers, and the
competencies the round covers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import Session, select

from app.interviews.service import interview_content, round_questions
from app.models import Answer, Interview, RoundAttempt, Scorecard
from app.specs.content import Competency, Round, RoundKind, RoundQuestion, SpecContent


@dataclass
class RoundView:
    """One scorecard's round: spec content, round definition, questions, answers, covered competencies."""

    interview: Interview
    content: SpecContent
    round: Round
    questions: Sequence[RoundQuestion]
    attempt: RoundAttempt | None
    answers: dict[str, Answer] = field(default_factory=dict)
    covered: list[Competency] = field(default_factory=list)

    @property
    def covered_ids(self) -> list[str]:
        """The ids of the covered competencies, in the spec's order."""
        return [c.id for c in self.covered]

    @property
    def is_live(self) -> bool:
        """A conversation round: no candidate side, scored from the interviewer's notes."""
        return self.round.kind is RoundKind.LIVE


def covered_competencies(content: SpecContent, rnd: Round, questions: Sequence[RoundQuestion]) -> list[Competency]:
    """The competencies a round covers: those its questions are tagged with; all for a live round
    (and for a round whose questions are unknown, so that nothing goes unscored)."""
    if rnd.kind is RoundKind.LIVE or not questions:
        return list(content.competencies)
    ids = {cid for q in questions for cid in q.competencies}
    return [c for c in content.competencies if c.id in ids]


def _seen(question: dict[str, Any], published: dict[str, RoundQuestion]) -> RoundQuestion:
    """A question as the candidate saw it, with the published fields (rubric, competencies) when known."""
    found = published.get(question["id"])
    if found is not None:
        return found
    return RoundQuestion(id=question["id"], text=question["text"], kind=question.get("kind", RoundKind.WRITTEN))


def round_view(session: Session, card: Scorecard) -> RoundView:
    """The round a scorecard rates, with the questions the candidate saw and their answers."""
    interview = session.get(Interview, card.interview_id)
    assert interview is not None
    content = interview_content(session, interview)
    rnd = content.round(card.round_key)
    assert rnd is not None, f"round '{card.round_key}' is not in the interview's version"
    attempt = session.exec(select(RoundAttempt).where(RoundAttempt.interview_id == interview.id,
                                                      RoundAttempt.round_key == card.round_key)).first()
    published = round_questions(interview, content, card.round_key)
    # The attempt keeps the questions the candidate saw, without rubric or competencies (those are
    # never sent to candidates); the interviewer scores them with the published questions' fields.
    by_id = {q.id: q for q in published}
    questions = [_seen(q, by_id) for q in attempt.questions] if attempt and attempt.questions else list(published)
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
