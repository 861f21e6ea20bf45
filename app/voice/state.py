"""What a voice round adds to the candidate's round state (DESIGN: `answers[qid].audio =
{seconds, status, engine}`), and what staff pages show of the recordings."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from app.models import Answer, RoundAttempt
from app.voice.consent import NOTICE_VERSION, consent_for
from app.voice.models import VoiceAnswer


def voice_answers(session: Session, attempt: RoundAttempt) -> dict[str, VoiceAnswer]:
    """The attempt's voice answers by question id."""
    rows = session.exec(select(Answer.question_id, VoiceAnswer).join(VoiceAnswer, VoiceAnswer.answer_id == Answer.id)
                        .where(Answer.attempt_id == attempt.id)).all()
    return {qid: voice for qid, voice in rows}


def audio_state(voice: VoiceAnswer) -> dict[str, Any] | None:
    """`{seconds, status, engine}` of a spoken answer, or None when nothing was recorded."""
    if voice.mode != "voice" or (voice.bytes == 0 and voice.finalized_at is None):
        return None
    return {"seconds": voice.seconds, "status": voice.status, "engine": voice.engine}


def annotate(session: Session, attempt: RoundAttempt | None, state: dict[str, Any]) -> None:
    """Add a voice round's consent and each answer's recording to its state."""
    consent = consent_for(session, attempt) if attempt else None
    voices = voice_answers(session, attempt) if attempt else {}
    state["voice"] = {
        "notice_version": NOTICE_VERSION,
        "consent": {"choice": consent.choice, "at": consent.at.isoformat(),
                    "notice_version": consent.notice_version} if consent else None,
        "typed": sorted(qid for qid, v in voices.items() if v.mode == "typed"),
        "next_seq": {qid: v.chunks for qid, v in voices.items()},
        "finished": sorted(qid for qid, v in voices.items() if v.finalized_at is not None and v.mode == "voice"),
    }
    for qid, voice in voices.items():
        audio = audio_state(voice)
        if audio is not None and qid in state["answers"]:
            state["answers"][qid]["audio"] = audio
