"""The voice round's background work, for the worker's registry (app/wiring.py)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from app.jobs.registry import JobKind, Sweep
from app.models import RoundAttempt
from app.voice import speech, transcribe
from app.voice.models import VoiceAnswer
from app.voice.service import finalize

SPEECH = JobKind(speech.GENERATE, speech.generate, max_attempts=6, lease_seconds=120.0, backoff_seconds=30.0)
KINDS = (transcribe.KIND, SPEECH)


def finish_closed_rounds(session: Session, now: datetime) -> int:
    """Sweep: a recording left unfinished in a round that has closed (the tab was closed, the
    time ran out) is finished as received and transcribed; nothing acknowledged is left behind."""
    rows = session.exec(select(VoiceAnswer).join(RoundAttempt, col(RoundAttempt.id) == VoiceAnswer.attempt_id)
                        .where(col(VoiceAnswer.finalized_at).is_(None), VoiceAnswer.bytes > 0,
                               col(RoundAttempt.submitted_at).is_not(None))
                        .limit(100).with_for_update(skip_locked=True, of=VoiceAnswer)).all()
    return sum(finalize(session, voice, now=now) for voice in rows)


SWEEPS: tuple[Sweep, ...] = (finish_closed_rounds,)
