"""Interviews for question analysis, written straight into the database (specs with chosen
questions and weights, attempts with timed answers, submitted and draft scorecards), and the same
interviews as plain evidence for `scoring.questions`."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlmodel import Session

from app.models import (
    Answer,
    AnswerRevision,
    Candidate,
    Interview,
    JobSpec,
    JobSpecVersion,
    Rating,
    RoundAttempt,
    Scorecard,
    User,
    utcnow,
)
from app.voice.models import VoiceAnswer
from scoring.questions import AskedQuestion, InterviewEvidence
from tests.scoring import question_case as case

_ids = itertools.count(1)
KINDS = {"r1": "written", "r2": "behavioral", "r3": "written"}


@dataclass
class VersionSpec:
    """A version's weights and, per round, its questions with their competencies."""

    weights: dict[str, float]
    questions: dict[str, dict[str, tuple[str, ...]]]  # round → question → competencies


@dataclass
class Asked:
    round_key: str
    question_id: str
    text: str
    seconds: float
    spoken: bool = False


@dataclass
class InterviewSpec:
    version: int
    cards: list[tuple[str, bool, dict[str, int | None]]] = field(default_factory=list)  # (round, submitted, ratings)
    asked: list[Asked] = field(default_factory=list)


def content(slug: str, version: VersionSpec) -> dict[str, Any]:
    """A spec version's canonical content."""
    rounds = []
    for key, questions in version.questions.items():
        kind = KINDS.get(key, "written")
        rounds.append({"key": key, "name": f"Round {key[1:]}", "kind": kind, "duration_minutes": 30,
                       "question_count": len(questions), "rotate_questions": False,
                       "questions": [{"id": qid, "text": f"Question {qid}: tell us how you would do it?", "kind": kind,
                                      "competencies": list(comps), "levels": ["senior"],
                                      "rubric": {"strong": ["Clear"], "weak": ["Vague"]}, "follow_ups": [],
                                      "source": "custom"} for qid, comps in questions.items()]})
    return {"slug": slug, "title": f"Analysis {slug}", "level": "senior", "description": "For question analysis.",
            "blind_until_all_submitted": False, "must_haves": [], "rounds": rounds,
            "competencies": [{"id": cid, "name": cid.upper(), "weight": w, "definition": f"Competency {cid}."}
                             for cid, w in version.weights.items()]}


def build(session: Session, versions: list[VersionSpec], interviews: list[InterviewSpec],
          slug: str | None = None) -> JobSpec:
    """The spec, its versions and interviews in the database (flushed, not committed)."""
    n = next(_ids)
    slug = slug or f"analysis-{n}"
    spec = JobSpec(slug=slug, current_version=len(versions))
    session.add(spec)
    session.flush()
    rows = []
    for number, version in enumerate(versions, start=1):
        row = JobSpecVersion(spec_id=spec.id, number=number, label=f"v{number}-analys", content_hash=f"{slug}-{number}",
                             content=content(slug, version), title=f"Analysis {slug}", level="senior", source="api")
        session.add(row)
        rows.append(row)
    candidate = Candidate(name="Analysed Candidate", email=f"analysed{n}@example.test")
    raters = [User(email=f"analyst{n}-{i}@example.test", name=f"Rater {i}", role="interviewer", password_hash="-")
              for i in range(4)]
    session.add_all([candidate, *raters])
    session.flush()
    for k, item in enumerate(interviews):
        _interview(session, spec, rows[item.version], candidate, raters, item, f"{slug}-{k}")
    session.flush()
    return spec


def _interview(session: Session, spec: JobSpec, version: JobSpecVersion, candidate: Candidate, raters: list[User],
               item: InterviewSpec, token: str) -> None:
    interview = Interview(candidate_id=candidate.id, spec_id=spec.id, spec_version_id=version.id, token_hash=token,
                          token_expires_at=utcnow())
    session.add(interview)
    session.flush()
    used: dict[str, int] = {}
    for round_key, submitted, ratings in item.cards:
        rater = raters[used.get(round_key, 0) % len(raters)]
        used[round_key] = used.get(round_key, 0) + 1
        card = Scorecard(interview_id=interview.id, round_key=round_key, interviewer_id=rater.id,
                         status="submitted" if submitted else "draft")
        session.add(card)
        session.flush()
        session.add_all([Rating(scorecard_id=card.id, competency_id=cid, value=v) for cid, v in ratings.items()])
    start = utcnow() - timedelta(hours=2)
    attempts: dict[str, RoundAttempt] = {}
    for asked in item.asked:
        if asked.round_key not in attempts:
            attempts[asked.round_key] = RoundAttempt(
                interview_id=interview.id, round_key=asked.round_key, started_at=start, deadline=start,
                submitted_at=start,
                questions=[{"id": a.question_id, "text": "?", "kind": KINDS.get(a.round_key, "written")}
                           for a in item.asked if a.round_key == asked.round_key])
            session.add(attempts[asked.round_key])
            session.flush()
        _answer(session, attempts[asked.round_key], asked, start)


def _answer(session: Session, attempt: RoundAttempt, asked: Asked, start: Any) -> None:
    saved = start + timedelta(seconds=asked.seconds)
    revisions = 0 if asked.text == "" else 2
    answer = Answer(attempt_id=attempt.id, question_id=asked.question_id, text=asked.text, revision=revisions,
                    saved_at=saved if revisions else start)
    session.add(answer)
    session.flush()
    if revisions:
        session.add(AnswerRevision(answer_id=answer.id, revision=1, text=asked.text[:1], saved_at=start))
        session.add(AnswerRevision(answer_id=answer.id, revision=2, text=asked.text, saved_at=saved))
    if asked.spoken:  # answered aloud: the transcript is the text, the time is the recording's
        session.add(VoiceAnswer(answer_id=answer.id, attempt_id=attempt.id, mode="voice", status="done",
                                seconds=asked.seconds, transcript=asked.text))
        answer.saved_at = start  # its saves took no time: the recording's length must be what counts
        session.add(answer)


def evidence(versions: list[VersionSpec], interviews: list[InterviewSpec]) -> list[InterviewEvidence]:
    """The same interviews as `scoring.questions` evidence."""
    found = []
    for k, item in enumerate(interviews):
        version = versions[item.version]
        ratings = [(r, cid, v) for r, submitted, values in item.cards if submitted for cid, v in values.items()]
        tagged = version.questions
        asked = [AskedQuestion(a.question_id, a.round_key, tagged.get(a.round_key, {}).get(a.question_id, ()),
                               a.text, a.seconds) for a in item.asked]
        found.append(InterviewEvidence(f"i{k}", version.weights, ratings, asked))
    return found


def hand_case() -> tuple[list[VersionSpec], list[InterviewSpec]]:
    """tests/scoring/question_case.py as database rows: one version, six interviews."""
    questions: dict[str, dict[str, tuple[str, ...]]] = {}
    for qid, (round_key, comps) in case.QUESTIONS.items():
        questions.setdefault(round_key, {})[qid] = comps
    version = VersionSpec(dict(case.WEIGHTS), questions)
    interviews = []
    for i, (a, b, c) in enumerate(case.ABC):
        cards: list[tuple[str, bool, dict[str, int | None]]] = [("r1", True, {"a": a, "b": b}), ("r2", True, {"c": c})]
        cards += [("r1", True, extra) for j, extra in case.EXTRA_R1.items() if j == i]
        cards += [("r2", False, draft) for j, draft in case.DRAFT_R2.items() if j == i]
        asked = [Asked(case.QUESTIONS[qid][0], qid, text, secs, (i, qid) in case.SPOKEN)
                 for qid, (text, secs) in case.ANSWERS[i].items()]
        interviews.append(InterviewSpec(0, cards, asked))
    return [version], interviews
