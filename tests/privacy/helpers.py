"""A candidate with something of every kind stored about them, written through the real services,
each fact carrying a string (or audio) found nowhere else, so an export or an erasure can be
checked fact by fact."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import timedelta

from sqlmodel import Session, select

from app.models import Candidate, Interview, Scorecard, User, utcnow
from app.consent import self_id
from app.scorecards import service as cards
from app.scorecards.rounds import round_view
from app.take import service as take
from app.voice import consent as voice_consent
from app.voice import service as voice
from app.voice.local import Segment
from app.voice.models import VoiceAnswer
from app.voice.transcribe import Transcript, store
from tests.factories import make_candidate, make_interview, make_user
from tests.voice.helpers import tone_wav

SPEC = "senior-backend-payments"  # round_01 written, round_02 the voice round


@dataclass
class Seeded:
    """What the seed wrote: the rows, and the strings and audio only this candidate has."""

    candidate: Candidate
    interview: Interview
    raters: list[User]
    name: str
    email: str
    revisions: list[str]
    transcript: str
    note: str
    audio: bytes
    token: str
    cards: list[Scorecard] = field(default_factory=list)

    @property
    def unique_strings(self) -> list[str]:
        """Every personal string the seed stored (the name in two spellings, as pages may show it)."""
        return [self.name, self.email, *self.revisions, self.transcript, self.note]


def _rate(session: Session, card: Scorecard, rater: User, value: int, note: str | None) -> None:
    view = round_view(session, card)
    notes = {view.covered_ids[0]: note} if note else {}
    cards.save_draft(session, card=card, changes=cards.Changes(ratings={cid: value for cid in view.covered_ids},
                                                               notes=notes))
    cards.submit(session, card=card, actor=rater)


def _voice_answer(session: Session, interview: Interview, audio: bytes, transcript: str) -> None:
    now = utcnow()
    attempt, _ = voice_consent.give(session, interview, "round_02", choice="voice", now=now)
    prompt = attempt.questions[0]["id"]
    voice.receive_chunk(session, interview, "round_02", prompt, seq=0, final=True, content_type="audio/wav",
                        data=audio, now=now)
    row = session.exec(select(VoiceAnswer).where(VoiceAnswer.attempt_id == attempt.id)).one()
    store(session, row, Transcript([Segment(0.0, 1.5, transcript)], 1.5, "local:test"))


def seed_candidate(session: Session, *, interviews: int = 1) -> Seeded:
    """A candidate (with `interviews` interviews on the payments spec, the first fully used)."""
    tag = secrets.token_hex(6)
    name, email = f"Quillon Farsight {tag}", f"quillon.{tag}@example.test"
    raters = [make_user(session, role="interviewer"), make_user(session, role="interviewer")]
    candidate = make_candidate(session, name=name, email=email)
    emails = {"round_01": [r.email for r in raters]}
    created = make_interview(session, spec_slug=SPEC, candidate=candidate, interviewers=emails)
    interview = created.interview
    for _ in range(interviews - 1):
        make_interview(session, spec_slug=SPEC, candidate=candidate, interviewers=emails)
    now = utcnow()
    attempt = take.start_round(session, interview, "round_01", now=now)
    revisions = [f"ledger answer draft {n} {tag}" for n in (1, 2, 3)]
    for n, text in enumerate(revisions, 1):
        take.save_answer(session, interview, "round_01", attempt.questions[0]["id"], text=text, revision=n,
                         now=now + timedelta(seconds=n))
    take.submit_round(session, interview, "round_01", now=now + timedelta(seconds=5))
    audio = tone_wav(0.4, frequency=300 + int(tag[:3], 16) % 500)
    transcript = f"spoken reconciliation story {tag}"
    _voice_answer(session, interview, audio, transcript)
    note = f"evidence note about the ledger {tag}"
    found = [session.exec(select(Scorecard).where(Scorecard.interview_id == interview.id,
                                                  Scorecard.interviewer_id == r.id)).one() for r in raters]
    _rate(session, found[0], raters[0], 4, note)
    _rate(session, found[1], raters[1], 3, None)
    self_id.set_self_identification(session, interview, sex="female", race_ethnicity="asian")
    session.commit()
    return Seeded(candidate, interview, raters, name, email, revisions, transcript, note, audio, created.token, found)
