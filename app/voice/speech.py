"""Cal's voice: each prompt's speech from the OpenAI-compatible `/v1/audio/speech`, generated once
per text (so once per prompt and version, never per candidate) by the worker and kept under
CALIBRATE_MEDIA_DIR. Without the endpoint, or until a clip exists, the browser speaks the prompt."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

from sqlmodel import Session, select

from app.jobs import queue
from app.jobs.worker import JobRun
from app.settings import get_settings
from app.voice import remote, storage
from app.voice.models import SpeechClip

GENERATE = "voice.speech"


def intro_text(rnd: Any) -> str:
    """What Cal says before the first prompt."""
    name = rnd.get("name") if isinstance(rnd, dict) else getattr(rnd, "name", "this round")
    return (f"Hello, I'm Cal. I'll walk you through {name}. I will read each prompt aloud; it is also shown on "
            "the screen. Press Start answering when you are ready, and Finish answer when you are done. "
            "The people on the hiring team will listen to your answers and score them.")


def text_key(text: str) -> str:
    """The SHA-256 of a text: one clip per text, model and voice."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def clip_for(session: Session, text: str) -> SpeechClip | None:
    """The stored clip of this text for the configured model and voice, if generated."""
    settings = get_settings()
    return session.exec(select(SpeechClip).where(SpeechClip.text_sha256 == text_key(text),
                                                 SpeechClip.model == settings.speech_model,
                                                 SpeechClip.voice == settings.speech_voice)).first()


def queue_prompts(session: Session, texts: Iterable[str]) -> int:
    """Queue generation of every text without a clip (nothing without a speech endpoint)."""
    if not remote.configured():
        return 0
    queued = 0
    for text in dict.fromkeys(texts):
        if clip_for(session, text) is None:
            queue.enqueue(session, GENERATE, {"text": text}, key=text_key(text))
            queued += 1
    return queued


def generate(job: JobRun) -> None:
    """Job: speak one text through the speech endpoint and keep the clip."""
    text = str(job.payload["text"])
    settings = get_settings()
    with job.transaction() as session:
        if clip_for(session, text) is not None:
            job.finish(session)
            return
    data = remote.speech(text)  # outside any transaction: a slow endpoint holds no connection
    name = text_key(f"{settings.speech_model}\n{settings.speech_voice}\n{text}")  # model names may hold "/"
    relative = f"speech/{name[:2]}/{name}.mp3"
    storage.write_file(relative, data)
    with job.transaction() as session:
        if clip_for(session, text) is None:
            session.add(SpeechClip(text_sha256=text_key(text), model=settings.speech_model, voice=settings.speech_voice,
                                   path=relative, bytes=len(data)))
        job.finish(session)
