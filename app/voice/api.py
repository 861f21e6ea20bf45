"""The voice round's JSON API: the candidate's chunk uploads, consent, switch to typing and Cal's
speech (the secret link is the credential, as for every /take route), and the recorded audio for
staff who may see the answers (DESIGN: Roles)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import FileResponse, JSONResponse, Response

from app.deps import CurrentUser, Public, SessionDep
from app.errors import Conflict, NotFound
from app.schemas import errors
from app import clock
from app.take.access import TakeInterview
from app.take import service as take
from app.voice import audio_access, consent, service, speech
from app.voice.schemas import AudioAck, ConsentIn, ConsentOut, TypedOut

router = APIRouter()
TAKE = "/api/v1/take/{token}"
CANDIDATE = {"tags": ["candidate"], "dependencies": [Public]}  # the link is the credential
AUDIO_TYPES = "audio/webm, audio/ogg, audio/wav or audio/mpeg"


async def chunk_body(request: Request) -> bytes:
    """The raw request body, refused with 413 as soon as it passes the chunk limit."""
    data = bytearray()
    async for piece in request.stream():
        data += piece
        if len(data) > service.MAX_CHUNK_BYTES:
            raise service.AudioTooLong(f"a chunk holds at most {service.MAX_CHUNK_BYTES} bytes")
    return bytes(data)


def _conflict(exc: Conflict, session: Any, interview: Any, key: str) -> JSONResponse:
    # Answered without raising, so that a round closed on this access stays closed.
    attempt = take.get_attempt(session, interview, key)
    left = take.seconds_left(attempt, clock.now()) if attempt else None
    return JSONResponse({**exc.body(), "seconds_left": left}, status_code=409)


@router.post(TAKE + "/rounds/{key}/answers/{question_id}/audio", response_model=AudioAck, **CANDIDATE,
             responses=errors(404, (409, "late, closed, out of order, a gap in `seq` (see `expected_seq`), or "
                                         "finished"), 410, (413, "past CALIBRATE_MAX_AUDIO_SECONDS for this answer"),
                              (415, f"not {AUDIO_TYPES}, or bytes that are not that type"), 422, 429),
             openapi_extra={"requestBody": {"required": True, "content": {
                 t: {"schema": {"type": "string", "format": "binary"}} for t in AUDIO_TYPES.replace(" or ", ", ").split(", ")}}})
def upload_audio(key: str, question_id: str, request: Request, interview: TakeInterview, session: SessionDep,
                 data: Annotated[bytes, Depends(chunk_body)], seq: Annotated[int, Query(ge=0, le=100_000)],
                 final: bool = False) -> Response | AudioAck:
    """One chunk of a spoken answer, numbered from 0; a repeated `seq` gets the same answer; a
    `final` chunk ends the recording and queues its transcription."""
    try:
        ack = service.receive_chunk(session, interview, key, question_id, seq=seq, final=final,
                                    content_type=request.headers.get("content-type"), data=data, now=clock.now())
    except Conflict as exc:
        return _conflict(exc, session, interview, key)
    return AudioAck(seq=ack.seq, received_bytes=ack.received_bytes, seconds_left=ack.seconds_left)


@router.post(TAKE + "/rounds/{key}/answers/{question_id}/typed", response_model=TypedOut, **CANDIDATE,
             responses=errors(404, 409, 410, 429))
def type_instead(key: str, question_id: str, interview: TakeInterview, session: SessionDep) -> Response | TypedOut:
    """Answer this voice prompt by typing instead (an accommodation, recorded)."""
    try:
        voice = service.switch_to_typing(session, interview, key, question_id, now=clock.now())
    except Conflict as exc:
        return _conflict(exc, session, interview, key)
    assert voice.switched_at is not None
    return TypedOut(question_id=question_id, switched_at=voice.switched_at.isoformat())


@router.post(TAKE + "/rounds/{key}/consent", response_model=ConsentOut, **CANDIDATE,
             responses=errors(404, 410, 422, 429))
def give_consent(key: str, body: ConsentIn, interview: TakeInterview, session: SessionDep) -> ConsentOut:
    """Agree to the voice notice (`voice`) or ask for the typed alternative (`text`); starts the round."""
    now = clock.now()
    attempt, given = consent.give(session, interview, key, choice=body.choice, now=now)
    return ConsentOut(choice=given.choice, notice_version=given.notice_version, at=given.at.isoformat(),
                      deadline=attempt.deadline.isoformat(), seconds_left=take.seconds_left(attempt, now))


def _clip(session: Any, text: str) -> Response:
    clip = speech.clip_for(session, text)
    if clip is None:
        raise NotFound("no recorded speech for this prompt: the browser speaks it")
    from app.voice.storage import media_root

    return FileResponse(media_root() / clip.path, media_type=clip.content_type,
                        headers={"Cache-Control": "private, max-age=86400"})


@router.get(TAKE + "/rounds/{key}/prompts/{question_id}/speech", response_class=Response, **CANDIDATE,
            responses={200: {"content": {"audio/mpeg": {}}}, **errors(404, 410, 429)})
def prompt_speech(key: str, question_id: str, interview: TakeInterview, session: SessionDep) -> Response:
    """Cal speaking this prompt, when the speech endpoint made a clip of it."""
    service.voice_round(session, interview, key)
    attempt = take.get_attempt(session, interview, key)
    question = next((q for q in (attempt.questions if attempt else []) if q["id"] == question_id), None)
    if question is None:
        raise NotFound(f"no question '{question_id}' in this round")
    return _clip(session, str(question["text"]))


@router.get(TAKE + "/rounds/{key}/speech/intro", response_class=Response, **CANDIDATE,
            responses={200: {"content": {"audio/mpeg": {}}}, **errors(404, 410, 429)})
def intro_speech(key: str, interview: TakeInterview, session: SessionDep) -> Response:
    """Cal introducing the round, when the speech endpoint made a clip of it."""
    return _clip(session, speech.intro_text(service.voice_round(session, interview, key)))


@router.get("/api/v1/interviews/{interview_id}/answers/{answer_id}/audio", response_class=Response, tags=["interviews"],
                  responses={200: {"content": {t: {} for t in ("audio/webm", "audio/ogg", "audio/wav", "audio/mpeg")}},
                             **errors(401, 404)})
def answer_audio(interview_id: str, answer_id: str, session: SessionDep, user: CurrentUser,
                 part: Annotated[int, Query(ge=0, le=1000)] = 0) -> Response:
    """The recorded audio of one answer (`part` when the recording was resumed after a reload), for
    staff who may see the round's answers: admins, hiring managers, the round's interviewers."""
    found = audio_access.audio_file(session, user, interview_id=interview_id, answer_id=answer_id, part=part)
    return FileResponse(found.path, media_type=found.media_type, headers={"Cache-Control": "private, no-store"})
