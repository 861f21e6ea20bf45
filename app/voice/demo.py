"""Spoken answers for `calibrate demo`: each answer of a voice round read aloud by espeak-ng (when
Debian's package is installed) or the speech endpoint (when configured), stored as the candidate's
recording and queued for transcription like a real one. Without either, answers stay typed."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import tempfile
from pathlib import Path

from sqlmodel import Session, select

from app.models import Answer, Interview, RoundAttempt
from app.voice import remote, storage
from app.voice.consent import NOTICE_VERSION, PURPOSE
from app.voice.formats import wav_format
from app.consent.models import Consent
from app.voice.models import AudioChunk, VoiceAnswer
from app.voice.service import finalize


def synthesise(text: str) -> tuple[bytes, str] | None:
    """`text` spoken: (bytes, media type), or None when nothing here can speak."""
    espeak = shutil.which("espeak-ng")
    if espeak:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "answer.wav"
            subprocess.run([espeak, "-s", "160", "-w", str(path), text], check=True, capture_output=True)
            return path.read_bytes(), "audio/wav"
    if remote.configured():
        return remote.speech(text), "audio/mpeg"
    return None


def _store(session: Session, interview: Interview, attempt: RoundAttempt, answer: Answer, data: bytes,
           media_type: str) -> None:
    voice = VoiceAnswer(answer_id=answer.id, attempt_id=attempt.id, content_type=media_type, chunks=1,
                        bytes=len(data), created_at=answer.saved_at)
    session.add(voice)
    session.flush()
    storage.write_at(storage.part_path(interview.id, voice.id, 0, media_type), 0, data)
    wav = wav_format(data) if media_type == "audio/wav" else None
    at = answer.saved_at.isoformat()
    voice.parts = [{"first_seq": 0, "bytes": len(data), "started_at": at, "last_at": at,
                    "byte_rate": wav.byte_rate if wav else None, "data_offset": wav.data_offset if wav else None}]
    voice.seconds = round((len(data) - wav.data_offset) / wav.byte_rate, 2) if wav else 0.0
    session.add(AudioChunk(voice_answer_id=voice.id, seq=0, part=0, offset=0, size=len(data),
                           sha256=hashlib.sha256(data).hexdigest(), total_bytes=len(data), received_at=answer.saved_at))
    finalize(session, voice, now=answer.saved_at)


def speak_answers(session: Session, interview: Interview, attempt: RoundAttempt) -> int:
    """Record every answer of a demo voice round aloud; returns how many were recorded."""
    session.add(Consent(interview_id=interview.id, attempt_id=attempt.id, purpose=PURPOSE, choice="voice",
                        notice_version=NOTICE_VERSION, at=attempt.started_at))
    recorded = 0
    for answer in session.exec(select(Answer).where(Answer.attempt_id == attempt.id)).all():
        spoken = synthesise(answer.text) if answer.text.strip() else None
        if spoken is None:
            continue
        _store(session, interview, attempt, answer, *spoken)
        recorded += 1
    session.flush()
    return recorded
