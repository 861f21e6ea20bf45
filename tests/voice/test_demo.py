"""`calibrate demo` speaks the answers of seed 002's voice round and queues them for transcription."""

from __future__ import annotations

from sqlmodel import select

from app.jobs.models import Job
from app import clock
from app.take.service import get_attempt, save_answer, start_round
from app.voice import demo
from app.consent.models import Consent
from app.voice.service import TRANSCRIBE
from app.voice.state import voice_answers
from tests.factories import make_interview
from tests.voice.helpers import espeak


def test_demo_answers_are_recorded_aloud_and_queued(session):
    espeak()
    interview = make_interview(session).interview
    attempt = start_round(session, interview, "round_02", now=clock.now())
    first = attempt.questions[0]["id"]
    save_answer(session, interview, "round_02", first, text="Reconciliation runs every night.", revision=1,
                now=clock.now())
    assert demo.speak_answers(session, interview, get_attempt(session, interview, "round_02")) == 1
    voice = voice_answers(session, attempt)[first]
    assert voice.content_type == "audio/wav" and voice.seconds > 1 and voice.finalized_at is not None
    assert session.exec(select(Job).where(Job.kind == TRANSCRIBE, Job.key == voice.id)).one()
    assert session.exec(select(Consent).where(Consent.attempt_id == attempt.id)).one().choice == "voice"
