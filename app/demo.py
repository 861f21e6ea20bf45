"""`calibrate demo`: realistic sample data so every chart and table shows something on first run.

About 40 candidates over the shipped job specs, each with an interview on the spec's current
version, written and behavioral answers, and scorecards from a panel drawn from four demo
interviewers. Ratings come from a latent ability per candidate and competency, plus each
interviewer's own leniency (one rates high, one low), plus noise; some competencies get "no
evidence", a few candidates fail a required must-have (knocked out), and some interviews are
unfinished (a round not yet taken, or a scorecard still in draft). A fixed seed makes the data
the same on every machine; running it twice does nothing the second time."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlmodel import Session, select

from app import changes
from app.auth.security import generate_password
from app.auth.service import create_user, user_by_email
from app.changes import ChangeKind
from app.demo_answers import answer_for
from app.interviews.service import create_candidate, create_interview, refresh_completion, round_questions
from app.models import (Answer, AnswerRevision, Candidate, Interview, JobSpec, JobSpecVersion, MustHaveCheck, Rating,
                        RoundAttempt, Scorecard, utcnow)
from app.specs.content import SpecContent
from app.specs.service import version_content
from app.voice import demo as voice_demo

DEMO_DOMAIN = "demo.calibrate.test"
SEED = 20240611
CANDIDATES = 40


@dataclass(frozen=True)
class DemoInterviewer:
    email: str
    name: str
    leniency: float  # added to every rating this person gives


INTERVIEWERS = (
    DemoInterviewer(f"priya.lenient@{DEMO_DOMAIN}", "Priya Raman", +0.6),
    DemoInterviewer(f"marcus.severe@{DEMO_DOMAIN}", "Marcus Webb", -0.7),
    DemoInterviewer(f"lena.steady@{DEMO_DOMAIN}", "Lena Okafor", 0.0),
    DemoInterviewer(f"tom.mild@{DEMO_DOMAIN}", "Tom Brandt", +0.2),
)
FIRST = ("Alex", "Sam", "Jordan", "Taylor", "Morgan", "Riley", "Casey", "Jamie", "Avery", "Quinn", "Noor", "Mateo",
         "Yuki", "Ines", "Ravi", "Chloe", "Tariq", "Sofia", "Emeka", "Hana")
LAST = ("Kowalski", "Nakamura", "Haddad", "Fernandes", "Olsen", "Mensah", "Ivanova", "Park", "Dubois", "García",
        "Schmidt", "Ahmed", "Rossi", "Lindqvist", "Okonkwo", "Chen", "Novak", "Silva", "Murphy", "Kaur")
# Every first name with every last name, shuffled once: unique names, no visible pattern.
NAMES = random.Random(SEED).sample([(f, last) for f in FIRST for last in LAST], CANDIDATES)
NOTES = {
    5: "Went well beyond the question: trade-offs, failure modes and how to verify it in production.",
    4: "Solid answer with concrete mechanisms; covered most edge cases without prompting.",
    3: "Meets the bar: correct approach, needed a hint on one edge case.",
    2: "Missed key failure modes; answer stayed at a high level.",
    1: "Could not explain the basics when probed.",
}


def already_loaded(session: Session) -> bool:
    """True when the demo data is in the database."""
    return session.exec(select(Candidate.id).where(Candidate.email.endswith(f"@{DEMO_DOMAIN}")).limit(1)).first() is not None


def _interviewers(session: Session) -> tuple[list[Any], str]:
    password = generate_password()
    users = []
    for person in INTERVIEWERS:
        user = user_by_email(session, person.email) or create_user(
            session, email=person.email, name=person.name, role="interviewer", password=password)
        users.append(user)
    return users, password


def _plan(specs: list[JobSpec]) -> list[JobSpec]:
    """Which spec each candidate interviews for: most for the payments spec, the rest spread out."""
    by_slug = {s.slug: s for s in specs}
    main = [by_slug[s] for s in ("senior-backend-payments", "senior-golang-fintech") if s in by_slug]
    others = [s for s in specs if s not in main] or main
    plan = []
    for k in range(CANDIDATES):
        plan.append(main[k % len(main)] if main and k % 4 != 3 else others[k % len(others)])
    return plan


def _rating(rng: random.Random, ability: float, leniency: float) -> int:
    return max(1, min(5, round(ability + leniency + rng.gauss(0, 0.45))))


def _answer(rng: random.Random, question: dict, ability: float) -> str:
    return answer_for(rng, question, ability if ability >= 2.6 or rng.random() >= 0.3 else 2.6)


def _take_rounds(session: Session, rng: random.Random, interview: Interview, content: SpecContent,
                 ability: float, skip: str | None) -> None:
    for rnd in content.candidate_rounds:
        if rnd.key == skip:
            continue
        started = interview.created_at + timedelta(hours=rng.randint(2, 48))
        minutes = float(rnd.duration_minutes) * interview.time_factor
        questions = [q.to_dict() for q in round_questions(interview, content, rnd.key)]
        attempt = RoundAttempt(interview_id=interview.id, round_key=rnd.key, kind=rnd.kind.value, started_at=started,
                               deadline=started + timedelta(minutes=minutes),
                               submitted_at=started + timedelta(minutes=minutes * rng.uniform(0.6, 0.98)),
                               closed_by="candidate", questions=questions)
        session.add(attempt)
        session.flush()
        for question in attempt.questions:
            text = _answer(rng, question, ability + rng.gauss(0, 0.3))
            answer = Answer(attempt_id=attempt.id, question_id=question["id"], text=text, revision=1,
                            saved_at=attempt.submitted_at)
            session.add(answer)
            session.flush()
            session.add(AnswerRevision(answer_id=answer.id, revision=1, text=text, saved_at=attempt.submitted_at))
        if rnd.mode == "voice":  # read aloud and stored as recordings; the worker transcribes them
            voice_demo.speak_answers(session, interview, attempt)


def _score_card(session: Session, rng: random.Random, card: Scorecard, content: SpecContent,
                abilities: dict[str, float], leniency: float, fails: str | None, submit: bool, rater: str) -> None:
    given = []
    for c in content.competencies:
        bias = random.Random(f"{rater}:{c.id}").gauss(0, 0.35)  # this rater's view of this competency
        value = None if rng.random() < 0.18 else _rating(rng, abilities[c.id], leniency + bias)
        note = "" if value is None or rng.random() < 0.4 else NOTES[value]
        session.add(Rating(scorecard_id=card.id, competency_id=c.id, value=value, note=note))
        given += [value] if value is not None else []
    for m in content.must_haves:
        status = "not_met" if m.id == fails and rng.random() < 0.85 else rng.choice(
            ("met", "met", "met", "met", "not_assessed"))
        session.add(MustHaveCheck(scorecard_id=card.id, must_have_id=m.id, status=status))
    mean = sum(given) / len(given) if given else 3
    card.recommendation = ("strong_no" if fails else "no" if mean < 2.6 else "yes" if mean < 3.8 else "strong_yes")
    if submit:
        card.status, card.submitted_at = "submitted", card.created_at + timedelta(hours=rng.randint(1, 72))
    session.add(card)


def _candidate(session: Session, rng: random.Random, k: int, spec: JobSpec, panel: list[Any], leniency: dict[str, float],
               now) -> str:  # type: ignore[no-untyped-def]
    first, last = NAMES[k]
    name = f"{first} {last}"
    candidate = create_candidate(session, name=name, email=f"candidate{k + 1:02d}@{DEMO_DOMAIN}", actor=None)
    content = version_content(session, _current_version_id(session, spec))
    chosen = rng.sample(panel, 3 if rng.random() < 0.6 else 2)
    rounds = [r.key for r in content.rounds]
    assignments = {key: [u.email for u in chosen] for key in rounds[:1]}
    if len(rounds) > 1:
        assignments[rounds[1]] = [u.email for u in rng.sample(chosen, min(2, len(chosen)))]
    interview = create_interview(session, candidate_id=candidate.id, spec_slug=spec.slug, interviewers=assignments,
                                 actor=None).interview
    interview.created_at = now - timedelta(days=rng.uniform(1, 30))
    level = rng.gauss(3.1, 0.7)
    abilities = {c.id: level + rng.gauss(0, 0.5) for c in content.competencies}
    unfinished = rng.random() < 0.15
    skip_round = next((r.key for r in content.candidate_rounds), None) if unfinished and k % 2 else None
    _take_rounds(session, rng, interview, content, level, skip_round)
    required = [m.id for m in content.must_haves if m.required]
    fails = rng.choice(required) if required and rng.random() < 0.12 else None
    cards = session.exec(select(Scorecard).where(Scorecard.interview_id == interview.id)).all()
    draft = rng.randrange(len(cards)) if unfinished and not skip_round and cards else None
    for i, card in enumerate(cards):
        email = next(u.email for u in panel if u.id == card.interviewer_id)
        _score_card(session, rng, card, content, abilities, leniency[email], fails, submit=i != draft, rater=email)
    for kind in (ChangeKind.ROUND_SUBMITTED, ChangeKind.SCORECARD_SUBMITTED):  # what the loops above did
        changes.record(session, kind, spec_id=spec.id, interview_id=interview.id)
    refresh_completion(session, interview)
    return f"{name} · {spec.slug} · {'completed' if interview.completed_at else 'in progress'}"


def _current_version_id(session: Session, spec: JobSpec) -> str:
    return session.exec(select(JobSpecVersion.id).where(JobSpecVersion.spec_id == spec.id,
                                                        JobSpecVersion.number == spec.current_version)).one()


def load_demo(session: Session) -> Iterator[str]:
    """Create the demo data (yields a line per step); does nothing when it is already there."""
    if already_loaded(session):
        yield "demo data is already loaded; nothing to do"
        return
    specs = list(session.exec(select(JobSpec).where(JobSpec.current_version > 0).order_by(JobSpec.slug)).all())
    if not specs:
        raise RuntimeError("no job specs loaded: run `calibrate setup` first")
    rng = random.Random(SEED)
    panel, password = _interviewers(session)
    leniency = {p.email: p.leniency for p in INTERVIEWERS}
    now = utcnow()
    for k, spec in enumerate(_plan(specs)):
        yield _candidate(session, rng, k, spec, panel, leniency, now)
    yield f"{CANDIDATES} demo candidates created; interviewers (password for all: {password}):"
    for person in INTERVIEWERS:
        yield f"  {person.email} ({person.name}, leniency {person.leniency:+.1f})"
