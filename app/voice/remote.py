"""The OpenAI-compatible audio endpoints, through the official client: `/v1/audio/transcriptions`
(CALIBRATE_TRANSCRIBE_MODEL) and `/v1/audio/speech` (CALIBRATE_SPEECH_MODEL)."""

from __future__ import annotations

from pathlib import Path

import openai

from app.settings import Settings, get_settings
from app.voice.local import Segment


def configured(settings: Settings | None = None) -> bool:
    """The endpoints are used when an API key or a base URL is set."""
    settings = settings or get_settings()
    return bool(settings.openai_api_key or settings.openai_base_url)


def _client(settings: Settings) -> openai.OpenAI:
    # A local OpenAI-compatible server may take no key; the client insists on one.
    return openai.OpenAI(api_key=settings.openai_api_key or "unused", base_url=settings.openai_base_url or None,
                         timeout=settings.audio_timeout_seconds, max_retries=0)


def transcription_engine(settings: Settings | None = None) -> str:
    """How the remote engine is named in `engine`: `openai:<model>`."""
    return f"openai:{(settings or get_settings()).transcribe_model}"


def transcribe(path: Path, media_type: str, *, offset: float, duration: float) -> list[Segment]:
    """Transcribe one recorded part; segments are shifted by `offset`. Any failure raises."""
    settings = get_settings()
    model = settings.transcribe_model
    verbose = model.startswith("whisper")  # newer models answer plain JSON only
    extra = {"response_format": "verbose_json", "timestamp_granularities": ["segment"]} if verbose else {}
    result = _client(settings).audio.transcriptions.create(
        model=model, file=(path.name, path.read_bytes(), media_type), language="en", **extra)
    segments = getattr(result, "segments", None) or []
    if segments:
        return [Segment(offset + float(s.start), offset + float(s.end), s.text.strip()) for s in segments
                if s.text.strip()]
    text = (getattr(result, "text", "") or "").strip()
    return [Segment(offset, offset + duration, text)] if text else []


def speech(text: str) -> bytes:
    """MP3 of `text` spoken by CALIBRATE_SPEECH_VOICE with CALIBRATE_SPEECH_MODEL. Any failure raises."""
    settings = get_settings()
    response = _client(settings).audio.speech.create(model=settings.speech_model, voice=settings.speech_voice,
                                                     input=text, response_format="mp3")
    data = response.read()
    if not data:
        raise ValueError("the speech endpoint answered with no audio")
    return data
