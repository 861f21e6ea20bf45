"""Timed rounds (DESIGN: Timed rounds): the server owns the clock, answers autosave with revisions
so an older save never overwrites a newer one, saves are accepted until deadline + grace, and a
round past its deadline is closed with `submitted_at = deadline` by the sweeper or on any access."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app import audit
from app.errors import Conflict, Invalid, NotFound
from app.consent import ai as ai_consent
from app.interviews.attempts import close, close_if_due, grace
from app.interviews.service import interview_content, round_questions
from app.models import Answer, AnswerRevision, Interview, RoundAttempt
from app.specs.content import Round, RoundKind, RoundQuestion, SpecContent
from app.take import modes

MAX_ANSWER_CHARS = 50_000


def candidate_rounds(content: SpecContent) -> tuple[Round, ...]:
    """The rounds the candidate takes (live rounds are conversations with no candidate side)."""
    return content.candidate_rounds


def find_round(content: SpecContent, key: str) -> Round:
    """The candidate round with this key, or NotFound."""
    for rnd in candidate_rounds(content):
        if rnd.key == key:
            return rnd
    raise NotFound(f"no round '{key}'")


def round_duration(rnd: Round, interview: Interview) -> timedelta:
    """The round's duration with the candidate's time factor applied."""
    return timedelta(minutes=float(rnd.duration_minutes) * interview.time_factor)


def deadline_for(started_at: datetime, rnd: Round, interview: Interview) -> datetime:
    """DESIGN: deadline = started_at + duration × time_factor, on the server's clock."""
    return started_at + round_duration(rnd, interview)


def public_question(question: RoundQuestion) -> dict[str, Any]:
    """What a candidate sees of a question: never its rubric, competencies or levels."""
    return {"id": question.id, "text": question.text, "kind": question.kind.value}


def get_attempt(session: Session, interview: Interview, key: str, *, lock: bool = False) -> RoundAttempt | None:
    """The candidate's attempt at a round, locked for update when asked (Postgres)."""
    query = select(RoundAttempt).where(RoundAttempt.interview_id == interview.id, RoundAttempt.round_key == key)
    if lock:
        query = query.with_for_update()
    return session.exec(query).first()


def start_round(session: Session, interview: Interview, key: str, *, now: datetime) -> RoundAttempt:
    """Start the round's one attempt; starting again returns the same attempt and deadline."""
    content = interview_content(session, interview)
    rnd = find_round(content, key)
    attempt = get_attempt(session, interview, key)
    if attempt is not None:
        close_if_due(session, attempt, now=now)
        return attempt
    questions = [public_question(q) for q in round_questions(interview, content, key)]
    try:
        with session.begin_nested():
            attempt = RoundAttempt(interview_id=interview.id, round_key=key, kind=rnd.kind.value, started_at=now,
                                   deadline=deadline_for(now, rnd, interview), questions=questions)
            session.add(attempt)
            session.flush()
            for question in questions:
                session.add(Answer(attempt_id=attempt.id, question_id=question["id"], saved_at=now))
            session.flush()
    except IntegrityError:  # a concurrent start won: one attempt per round
        existing = get_attempt(session, interview, key)
        assert existing is not None
        return existing
    audit.record(session, actor=None, actor_label="candidate", action="round.start", object_type="interview",
                 object_id=interview.id, round=key, deadline=attempt.deadline.isoformat())
    return attempt


def start_with_ai_choice(session: Session, interview: Interview, key: str, *, choice: str,
                         now: datetime) -> RoundAttempt:
    """Start the round with the candidate's choice about AI assistance (app/consent/ai.py): a choice
    that is neither is refused before anything starts."""
    ai_consent.check_choice(choice)
    attempt = start_round(session, interview, key, now=now)
    ai_consent.record_choice(session, interview, attempt, choice=choice, now=now)
    return attempt


def _answers(session: Session, attempt: RoundAttempt) -> dict[str, Answer]:
    rows = session.exec(select(Answer).where(Answer.attempt_id == attempt.id)).all()
    return {a.question_id: a for a in rows}


def _check_order(attempt: RoundAttempt, answers: dict[str, Answer], question_id: str,
                 spoken: set[str] | frozenset[str] = frozenset()) -> None:
    # Behavioral prompts are answered one at a time, in order (seed 002); a prompt answered aloud
    # counts as answered while its transcript is still on the way.
    for question in attempt.questions:
        if question["id"] == question_id:
            return
        if not answers[question["id"]].text.strip() and question["id"] not in spoken:
            raise Conflict("answer the prompts in order: an earlier prompt has no answer yet", reason="order")


def _stored(answer: Answer) -> dict[str, Any]:
    return {"revision": answer.revision, "text": answer.text,
            "saved_at": answer.saved_at.isoformat() if answer.revision else None}


def save_answer(session: Session, interview: Interview, key: str, question_id: str, *, text: str,
                revision: int, now: datetime) -> tuple[Answer, RoundAttempt]:
    """Store a newer revision of an answer atomically; stale revisions and late saves get 409.
    Returns the answer and its round attempt."""
    if len(text) > MAX_ANSWER_CHARS:
        raise Invalid("answer too long", errors=[{"loc": ["body", "text"], "msg": f"at most {MAX_ANSWER_CHARS} characters"}])
    rnd = find_round(interview_content(session, interview), key)
    attempt = get_attempt(session, interview, key, lock=True)
    if attempt is None:
        raise Conflict("this round has not been started", reason="not_started")
    answers = _answers(session, attempt)
    answer = answers.get(question_id)
    if answer is None:
        raise NotFound(f"no question '{question_id}' in this round")
    close_if_due(session, attempt, now=now)
    if attempt.submitted_at is not None:
        raise Conflict("this round is closed; answers can no longer change", reason="closed", **_stored(answer))
    if rnd.kind is RoundKind.BEHAVIORAL:
        mode = modes.mode_of(rnd)
        _check_order(attempt, answers, question_id,
                     spoken=mode.answered_otherwise(session, attempt) if mode else frozenset())
    # One atomic compare-and-set: concurrent saves of one answer can only move its revision forward.
    saved = session.execute(update(Answer).where(col(Answer.id) == answer.id, col(Answer.revision) < revision)
                            .values(text=text, revision=revision, saved_at=now)
                            .returning(col(Answer.revision))).first()  # the session's `answer` follows
    if saved is None:
        session.refresh(answer)
        raise Conflict("a newer revision of this answer is already saved", reason="stale", **_stored(answer))
    session.add(AnswerRevision(answer_id=answer.id, revision=revision, text=text, saved_at=now))
    session.flush()
    return answer, attempt


def submit_round(session: Session, interview: Interview, key: str, *, now: datetime) -> RoundAttempt:
    """Submit the round (idempotent); at or after the deadline it counts as closed by the timer."""
    find_round(interview_content(session, interview), key)
    attempt = get_attempt(session, interview, key, lock=True)
    if attempt is None:
        raise Conflict("this round has not been started", reason="not_started")
    if attempt.submitted_at is None:
        if now >= attempt.deadline:
            close(session, attempt, at=attempt.deadline, by="timer")
        else:
            close(session, attempt, at=now, by="candidate")
    return attempt


def seconds_left(attempt: RoundAttempt, now: datetime) -> float:
    """Seconds until the deadline (0 once it has passed or the round is closed)."""
    if attempt.submitted_at is not None:
        return 0.0
    return seconds_until(attempt.deadline, now)


def seconds_until(deadline: datetime, now: datetime) -> float:
    """Seconds from `now` to an open round's deadline, never below 0."""
    return round(max(0.0, (deadline - now).total_seconds()), 3)


def round_state(session: Session, interview: Interview, key: str, *, now: datetime) -> dict[str, Any]:
    """A round as the candidate sees it: status, clock, questions and saved answers."""
    rnd = find_round(interview_content(session, interview), key)
    attempt = get_attempt(session, interview, key)
    state: dict[str, Any] = {"key": key, "name": rnd.name, "kind": rnd.kind.value,
                             "duration_seconds": round(round_duration(rnd, interview).total_seconds(), 3),
                             "status": "not_started", "closed_by": None, "started_at": None, "deadline": None,
                             "submitted_at": None, "seconds_left": None, "questions": [], "answers": {}}
    mode = modes.mode_of(rnd)  # a voice round adds its consent and recordings
    state["mode"] = modes.name_of(rnd)
    if attempt is not None:
        close_if_due(session, attempt, now=now)
        answers = _answers(session, attempt)
        state.update(status="submitted" if attempt.submitted_at else "in_progress", closed_by=attempt.closed_by,
                     started_at=attempt.started_at.isoformat(), deadline=attempt.deadline.isoformat(),
                     submitted_at=attempt.submitted_at.isoformat() if attempt.submitted_at else None,
                     seconds_left=seconds_left(attempt, now), questions=attempt.questions,
                     answers={q["id"]: _stored(answers[q["id"]]) for q in attempt.questions if q["id"] in answers})
    if mode:
        mode.annotate(session, rnd, attempt, state)
    return state


def overview(session: Session, interview: Interview, *, now: datetime) -> list[dict[str, Any]]:
    """Every candidate round with its state (due rounds are closed on the way)."""
    content = interview_content(session, interview)
    return [round_state(session, interview, rnd.key, now=now) | {"question_count": rnd.question_count}
            for rnd in candidate_rounds(content)]


def sweep(session: Session, *, now: datetime) -> int:
    """Close every open attempt past its deadline and grace; returns how many were closed."""
    query = (select(RoundAttempt).where(col(RoundAttempt.submitted_at).is_(None),
                                        col(RoundAttempt.deadline) < now - grace())
             .with_for_update(skip_locked=True))
    closed = 0
    for attempt in session.exec(query).all():
        closed += close_if_due(session, attempt, now=now)
    return closed
