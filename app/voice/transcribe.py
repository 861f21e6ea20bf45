"""The transcription job: the OpenAI-compatible endpoint when configured, else (and whenever it
fails) the local engine, recording which engine it was. The transcript becomes the answer's text
(a new revision) unless the candidate switched the prompt to typing; the audio is always kept."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session

from app.jobs.registry import JobKind
from app.jobs.worker import JobRun
from app.models import Answer, AnswerRevision, RoundAttempt, utcnow
from app.voice import local, remote, storage
from app.voice.local import Segment
from app.voice.models import VoiceAnswer
from app.voice.service import TRANSCRIBE

log = logging.getLogger("calibrate.voice")


@dataclass(frozen=True)
class Part:
    """One recorded part on disk: its file, type and acknowledged size."""

    path: Path
    media_type: str
    size: int


@dataclass(frozen=True)
class Transcript:
    """The result of transcribing an answer."""

    segments: list[Segment]
    seconds: float
    engine: str
    notice: str | None = None

    @property
    def text(self) -> str:
        return " ".join(s.text for s in self.segments).strip()


def parts_of(session: Session, voice: VoiceAnswer) -> list[Part]:
    """The recorded parts of an answer, as far as the database acknowledged them."""
    attempt = session.get(RoundAttempt, voice.attempt_id)
    assert attempt is not None and voice.content_type is not None
    return [Part(storage.part_path(attempt.interview_id, voice.id, i, voice.content_type), voice.content_type,
                 int(p["bytes"])) for i, p in enumerate(voice.parts)]


def _acknowledged(part: Part) -> Path:
    """A part cut to its acknowledged bytes (an unacknowledged tail from a crashed write goes)."""
    if part.path.stat().st_size == part.size:
        return part.path
    trimmed = part.path.with_name(part.path.stem + ".ack" + part.path.suffix)
    trimmed.write_bytes(storage.read_range(part.path, part.size))
    return trimmed


def _local(parts: list[Part], notice: str | None = None) -> Transcript:
    segments: list[Segment] = []
    offset = 0.0
    for part in parts:
        samples = local.decode(_acknowledged(part))
        segments += local.transcribe(samples, offset=offset)
        offset += samples.size / local.SAMPLE_RATE
    return Transcript(segments, offset, local.ENGINE, notice)


def _remote(parts: list[Part]) -> Transcript:
    segments: list[Segment] = []
    offset = 0.0
    for part in parts:
        path = _acknowledged(part)
        duration = local.decode(path).size / local.SAMPLE_RATE
        segments += remote.transcribe(path, part.media_type, offset=offset, duration=duration)
        offset += duration
    return Transcript(segments, offset, remote.transcription_engine())


def transcribe_parts(parts: list[Part]) -> Transcript:
    """Remote first when configured; any remote failure falls back to the local engine and says so."""
    if remote.configured():
        try:
            return _remote(parts)
        except local.NotAudio:
            raise
        except Exception as exc:  # noqa: BLE001 - timeouts, 5xx, bad answers: the local engine takes over
            log.warning("remote transcription failed; transcribing locally", extra={"error": str(exc)[:300]})
            notice = f"{remote.transcription_engine()} failed ({type(exc).__name__}); transcribed locally"
            return _local(parts, notice)
    return _local(parts)


def store(session: Session, voice: VoiceAnswer, result: Transcript) -> None:
    """Keep the transcript on the voice answer and, for a spoken answer, as the answer's text."""
    now = utcnow()
    voice.segments = [s.as_dict() for s in result.segments]
    voice.transcript = result.text
    voice.engine, voice.notice = result.engine, result.notice
    voice.seconds = round(result.seconds, 2)
    voice.status, voice.transcribed_at = "done", now
    session.add(voice)
    answer = session.get(Answer, voice.answer_id, with_for_update=True)
    if answer is not None and voice.mode == "voice":
        answer.text, answer.revision, answer.saved_at = result.text, answer.revision + 1, now
        session.add(answer)
        session.add(AnswerRevision(answer_id=answer.id, revision=answer.revision, text=result.text, saved_at=now))
    session.flush()


def run(job: JobRun) -> None:
    """Job: transcribe one finished recording (retried by the worker when it fails)."""
    voice_id = str(job.payload["voice_answer_id"])
    with job.transaction() as session:
        voice = session.get(VoiceAnswer, voice_id)
        if voice is None or voice.status == "done" or not voice.parts:
            job.finish(session)
            return
        parts = parts_of(session, voice)
    try:
        result = transcribe_parts(parts)  # slow: outside any transaction
    except Exception as exc:
        with job.transaction() as session:
            failed = session.get(VoiceAnswer, voice_id)
            if failed is not None:
                failed.status, failed.notice = "failed", f"transcription failed: {type(exc).__name__}: {exc}"[:500]
                session.add(failed)
        raise
    with job.transaction() as session:
        voice = session.get(VoiceAnswer, voice_id, with_for_update=True)
        if voice is not None and voice.parts:  # no parts: erased while it was transcribed (app/privacy)
            store(session, voice, result)
        job.finish(session)


KIND = JobKind(TRANSCRIBE, run, max_attempts=12, lease_seconds=300.0, backoff_seconds=10.0)
