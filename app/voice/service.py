"""Recording a spoken answer (DESIGN: Voice rounds): chunks numbered from 0, idempotent per `seq`,
stored durably before they are acknowledged; a final chunk queues the transcription in the same
transaction. The round's clock is the timed round's: chunks are accepted until deadline + grace."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from app import audit
from app.errors import Conflict, DomainError, Invalid, NotFound
from app.interviews.service import interview_content
from app.jobs import queue
from app.models import Answer, Interview, RoundAttempt
from app.settings import get_settings
from app.take import modes
from app.take import service as take
from app.voice import storage
from app.voice.formats import base_type, looks_like_text, starts_stream, wav_format
from app.voice.models import AudioChunk, VoiceAnswer

TRANSCRIBE = "voice.transcribe"
MAX_CHUNK_BYTES = 4 * 1024 * 1024
# Compressed audio is counted by the server's clock while it arrives; this bounds what a client
# can send in that time (Opus and MP3 recordings stay far below it).
MAX_BYTES_PER_SECOND = 48_000


class UnsupportedAudio(DomainError):
    status_code = 415


class AudioTooLong(DomainError):
    status_code = 413


@dataclass(frozen=True)
class Ack:
    """What an accepted (or repeated) chunk is answered with."""

    seq: int
    received_bytes: int
    seconds_left: float


def voice_round(session: Session, interview: Interview, key: str) -> Any:
    """The voice round with this key; NotFound for rounds that take no audio."""
    rnd = take.find_round(interview_content(session, interview), key)
    if modes.name_of(rnd) != "voice":
        raise NotFound(f"round '{key}' is not a voice round")
    return rnd


def _voice_answer(session: Session, attempt: RoundAttempt, question_id: str, *, lock: bool) -> tuple[Answer, VoiceAnswer]:
    answer = session.exec(select(Answer).where(Answer.attempt_id == attempt.id,
                                               Answer.question_id == question_id)).first()
    if answer is None:
        raise NotFound(f"no question '{question_id}' in this round")
    query = select(VoiceAnswer).where(VoiceAnswer.answer_id == answer.id)
    voice = session.exec(query.with_for_update() if lock else query).first()
    if voice is None:
        voice = VoiceAnswer(answer_id=answer.id, attempt_id=attempt.id)
        session.add(voice)
        session.flush()
    return answer, voice


def open_attempt(session: Session, interview: Interview, key: str, *, now: datetime) -> RoundAttempt:
    """The started voice round, locked; 409 once it is closed or past deadline + grace."""
    voice_round(session, interview, key)
    attempt = take.get_attempt(session, interview, key, lock=True)
    if attempt is None:
        raise Conflict("this round has not been started", reason="not_started")
    take.close_if_due(session, attempt, now=now)
    if attempt.submitted_at is not None:
        raise Conflict("this round is closed; answers can no longer change", reason="closed")
    return attempt


def _repeat(session: Session, voice: VoiceAnswer, seq: int, data: bytes, attempt: RoundAttempt,
            now: datetime) -> Ack:
    chunk = session.exec(select(AudioChunk).where(AudioChunk.voice_answer_id == voice.id,
                                                  AudioChunk.seq == seq)).first()
    if chunk is None or chunk.sha256 != hashlib.sha256(data).hexdigest():
        raise Conflict(f"chunk {seq} was already received with other bytes", reason="seq_conflict",
                       expected_seq=voice.chunks)
    return Ack(seq, chunk.total_bytes, take.seconds_left(attempt, now))


def spoken_answers(session: Session, attempt: RoundAttempt) -> set[str]:
    """The question ids of the attempt answered aloud (the recording is finished)."""
    return set(session.exec(select(Answer.question_id).join(VoiceAnswer, col(VoiceAnswer.answer_id) == Answer.id)
                            .where(Answer.attempt_id == attempt.id, col(VoiceAnswer.finalized_at).is_not(None),
                                   VoiceAnswer.mode == "voice")).all())


def answered(session: Session, attempt: RoundAttempt) -> set[str]:
    """The question ids of the attempt answered so far: typed text, or a finished recording."""
    typed = {a.question_id for a in session.exec(select(Answer).where(Answer.attempt_id == attempt.id)) if a.text.strip()}
    return typed | spoken_answers(session, attempt)


def _check_order(session: Session, attempt: RoundAttempt, question_id: str) -> None:
    done = answered(session, attempt)
    for question in attempt.questions:
        if question["id"] == question_id:
            return
        if question["id"] not in done:
            raise Conflict("answer the prompts in order: an earlier prompt has no answer yet", reason="order")


def _refuse_state(voice: VoiceAnswer, seq: int) -> None:
    if voice.mode == "typed":
        raise Conflict("this prompt is answered by typing", reason="typed")
    if voice.finalized_at is not None:
        raise Conflict("this answer's recording is finished", reason="finished", expected_seq=voice.chunks)
    if seq != voice.chunks:
        raise Conflict(f"chunk {seq} does not follow the last received chunk; send chunk {voice.chunks}",
                       reason="gap", expected_seq=voice.chunks)


def _check_bytes(voice: VoiceAnswer, media: str, data: bytes, seq: int, final: bool) -> bool:
    """Validate a new chunk's bytes; True when it starts a new part (a new recording stream)."""
    if not data:
        if final and seq > 0:
            return False
        raise Invalid("an empty chunk", errors=[{"loc": ["body"], "msg": "a chunk holds at least one byte of audio"}])
    if len(data) > MAX_CHUNK_BYTES:
        raise AudioTooLong(f"a chunk holds at most {MAX_CHUNK_BYTES} bytes")
    if voice.content_type and media != voice.content_type:
        raise UnsupportedAudio(f"this answer is recorded as {voice.content_type}, not {media}")
    new_part = seq == 0 or starts_stream(media, data)
    if seq == 0 and not starts_stream(media, data):
        raise UnsupportedAudio(f"the bytes are not {media} audio")
    if not new_part and looks_like_text(data):
        raise UnsupportedAudio(f"the bytes are not {media} audio")
    return new_part


def _grow(voice: VoiceAnswer, media: str, data: bytes, new_part: bool, now: datetime) -> dict[str, Any]:
    """The parts list after this chunk, with the answer's seconds re-estimated; 413 past the limit."""
    parts = [dict(p) for p in voice.parts]
    if new_part:
        wav = wav_format(data) if media == "audio/wav" else None
        parts.append({"first_seq": voice.chunks, "bytes": 0, "started_at": now.isoformat(), "last_at": now.isoformat(),
                      "byte_rate": wav.byte_rate if wav else None, "data_offset": wav.data_offset if wav else None})
    part = parts[-1]
    part["bytes"] += len(data)
    part["last_at"] = now.isoformat()
    seconds = sum(_part_seconds(p) for p in parts)
    limit = get_settings().max_audio_seconds
    if seconds > limit or voice.bytes + len(data) > limit * MAX_BYTES_PER_SECOND:
        raise AudioTooLong(f"an answer holds at most {limit:g} seconds of audio", seconds=round(seconds, 1))
    return {"parts": parts, "seconds": seconds}


def _part_seconds(part: dict[str, Any]) -> float:
    if part.get("byte_rate"):
        return max(0.0, (part["bytes"] - part["data_offset"]) / part["byte_rate"])
    return (datetime.fromisoformat(part["last_at"]) - datetime.fromisoformat(part["started_at"])).total_seconds()


def receive_chunk(session: Session, interview: Interview, key: str, question_id: str, *, seq: int, final: bool,
                  content_type: str | None, data: bytes, now: datetime) -> Ack:
    """Store one chunk of a spoken answer durably, or answer a repeat as before (DESIGN: Voice rounds)."""
    voice_round(session, interview, key)
    attempt = take.get_attempt(session, interview, key, lock=True)
    if attempt is None:
        raise Conflict("this round has not been started", reason="not_started")
    answer, voice = _voice_answer(session, attempt, question_id, lock=True)
    if seq < voice.chunks:
        return _repeat(session, voice, seq, data, attempt, now)
    media = base_type(content_type)
    if media is None:
        raise UnsupportedAudio("send audio/webm, audio/ogg, audio/wav or audio/mpeg")
    attempt = open_attempt(session, interview, key, now=now)
    _refuse_state(voice, seq)
    if seq == 0:
        _check_order(session, attempt, question_id)
    new_part = _check_bytes(voice, media, data, seq, final)
    if data:
        grown = _grow(voice, media, data, new_part, now)
        part_index = len(grown["parts"]) - 1
        offset = grown["parts"][-1]["bytes"] - len(data)
        storage.write_at(storage.part_path(interview.id, voice.id, part_index, media), offset, data)
        voice.parts, voice.seconds = grown["parts"], round(grown["seconds"], 2)
    voice.content_type = voice.content_type or media
    voice.bytes += len(data)
    voice.chunks = seq + 1
    session.add(AudioChunk(voice_answer_id=voice.id, seq=seq, part=max(0, len(voice.parts) - 1),
                           offset=voice.parts[-1]["bytes"] - len(data) if voice.parts else 0, size=len(data),
                           sha256=hashlib.sha256(data).hexdigest(), total_bytes=voice.bytes, received_at=now))
    if final:
        finalize(session, voice, now=now)
    session.add(voice)
    session.flush()
    return Ack(seq, voice.bytes, take.seconds_left(attempt, now))


def finalize(session: Session, voice: VoiceAnswer, *, now: datetime) -> bool:
    """End a recording and queue its transcription (in the caller's transaction); False when
    there was nothing to transcribe or it was already finished."""
    if voice.finalized_at is not None or voice.bytes == 0:
        return False
    voice.finalized_at = now
    voice.status = "transcribing"
    session.add(voice)
    queue.enqueue(session, TRANSCRIBE, {"voice_answer_id": voice.id}, key=voice.id)
    return True


def switch_to_typing(session: Session, interview: Interview, key: str, question_id: str, *, now: datetime) -> VoiceAnswer:
    """The candidate answers this prompt by typing (an accommodation, recorded). Audio already
    uploaded is kept and transcribed for the interviewers; the typed text stays the answer."""
    attempt = open_attempt(session, interview, key, now=now)
    _answer, voice = _voice_answer(session, attempt, question_id, lock=True)
    if voice.mode == "typed":
        return voice
    if voice.finalized_at is not None:
        raise Conflict("this prompt is already answered aloud", reason="finished")
    voice.mode, voice.switched_at = "typed", now
    finalize(session, voice, now=now)
    session.add(voice)
    session.flush()
    audit.record(session, actor=None, actor_label="candidate", action="voice.typed", object_type="interview",
                 object_id=interview.id, round=key, question=question_id)
    return voice
