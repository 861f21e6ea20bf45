"""Transcription in the worker: the local engine offline, the OpenAI-compatible endpoint when
configured (request shapes checked), and the local fallback when that endpoint fails."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import select

from app.jobs.models import Job
from app.models import AnswerRevision
from app.take.service import get_attempt
from app.voice import local, storage
from app.voice.state import voice_answers
from tests.ai.fake_openai import Reply, transcription
from tests.voice.conftest import ROUND, make_voice_link
from tests.voice.helpers import KEY_WORDS, send_answer, spoken_wav, upload


@pytest.fixture(scope="module")
def speech_wav(tmp_path_factory) -> bytes:  # type: ignore[no-untyped-def]
    return spoken_wav(tmp_path_factory.mktemp("speech") / "answer.wav").read_bytes()


def _voice(session, link, index=0):  # type: ignore[no-untyped-def]
    return voice_answers(session, get_attempt(session, link.interview, ROUND))[link.prompts[index]]


def test_the_local_engine_transcribes_the_answer_into_its_text(client, session, worker, speech_wav):
    link = make_voice_link(session, client)
    send_answer(client, link.base, link.prompts[0], speech_wav, parts=4)
    worker.run_once()  # the transcription (and the invitation mail, also a job)
    voice = _voice(session, link)
    assert voice.status == "done" and voice.engine == "local:whisper-tiny.en" and voice.notice is None
    text = voice.transcript.lower()
    assert all(word in text.replace("-", " ") for word in KEY_WORDS), text
    assert voice.segments and voice.segments[0]["start"] >= 0 and voice.segments[-1]["end"] <= voice.seconds + 0.5
    state = client.get(f"{link.base}/rounds/{ROUND}").json()["answers"][link.prompts[0]]
    assert state["text"] == voice.transcript and state["audio"]["status"] == "done"
    assert state["audio"]["engine"] == "local:whisper-tiny.en"
    revisions = session.exec(select(AnswerRevision).where(AnswerRevision.answer_id == voice.answer_id)).all()
    assert [r.text for r in revisions] == [voice.transcript]


def test_a_recording_resumed_after_a_reload_is_one_answer_in_two_parts(client, session, worker, speech_wav):
    link = make_voice_link(session, client)
    qid = link.prompts[0]
    assert upload(client, link.base, qid, 0, speech_wav).status_code == 200
    # The reloaded page records a new stream: it starts with its own header, so it is a new part.
    assert upload(client, link.base, qid, 1, speech_wav, final=True).status_code == 200
    voice = _voice(session, link)
    assert len(voice.parts) == 2
    worker.run_once()
    voice = _voice(session, link)
    assert voice.transcript.lower().count("ledger") == 2
    one_part = len(speech_wav) / 2 / 22050  # espeak-ng writes 22.05 kHz 16-bit mono
    assert voice.segments[-1]["start"] >= one_part - 1


def test_the_openai_endpoint_transcribes_when_configured(client, session, worker, speech_wav, fake_openai):
    fake_openai.script(transcription([(0.0, 2.5, "I built a ledger."), (2.5, 4.0, "It reconciles daily.")]))
    link = make_voice_link(session, client)
    send_answer(client, link.base, link.prompts[0], speech_wav)
    worker.run_once()
    voice = _voice(session, link)
    assert voice.engine == "openai:whisper-1" and voice.transcript == "I built a ledger. It reconciles daily."
    assert voice.segments == [{"start": 0.0, "end": 2.5, "text": "I built a ledger."},
                              {"start": 2.5, "end": 4.0, "text": "It reconciles daily."}]
    request = next(r for r in fake_openai.requests if r["path"] == "/v1/audio/transcriptions")
    assert request["content_type"].startswith("multipart/form-data")
    assert request["authorization"] == "Bearer sk-test-not-a-real-key"
    body = request["body"]
    assert body["model"] == "whisper-1" and body["response_format"] == "verbose_json" and body["language"] == "en"
    assert "segment" in str(body.get("timestamp_granularities[]"))
    assert body["file"]["data"] == speech_wav and body["file"]["content_type"] == "audio/wav"


@pytest.mark.parametrize("reply", [Reply(500, {"error": {"message": "boom"}}), Reply(200, {}, delay=3.0)],
                         ids=["server-error", "timeout"])
def test_a_failing_endpoint_falls_back_to_the_local_engine(client, session, worker, speech_wav, fake_openai,
                                                          monkeypatch, reply):
    monkeypatch.setenv("CALIBRATE_AUDIO_TIMEOUT_SECONDS", "0.5")
    from app.settings import get_settings
    get_settings.cache_clear()
    fake_openai.script(reply)
    link = make_voice_link(session, client)
    send_answer(client, link.base, link.prompts[0], speech_wav)
    worker.run_once()
    voice = _voice(session, link)
    assert voice.status == "done" and voice.engine == "local:whisper-tiny.en"
    assert "openai:whisper-1 failed" in voice.notice and "transcribed locally" in voice.notice
    assert "ledger" in voice.transcript.lower()


def test_a_failed_transcription_keeps_the_audio_and_is_retried(client, session, worker):
    link = make_voice_link(session, client)
    broken = b"\x1a\x45\xdf\xa3" + b"\x42\x82\x84webm" + bytes(range(256)) * 8  # a header, then no audio
    assert upload(client, link.base, link.prompts[0], 0, broken, content_type="audio/webm", final=True).status_code == 200
    worker.run_once()
    voice = _voice(session, link)
    job = session.exec(select(Job).where(Job.key == voice.id)).one()
    assert voice.status == "failed" and "transcription failed" in voice.notice
    assert job.attempts == 1 and job.done_at is None and job.failed_at is None and job.run_after > job.created_at
    assert "NotAudio" in job.last_error
    path = storage.part_path(link.interview.id, voice.id, 0, "audio/webm")
    assert path.read_bytes() == broken
    state = client.get(f"{link.base}/rounds/{ROUND}").json()["answers"][link.prompts[0]]
    assert state["audio"]["status"] == "failed"


def test_model_files_that_differ_from_the_pinned_ones_are_refused(tmp_path: Path):
    local.verify(local.model_dir())  # the installed wheel's files are the pinned ones
    for name in local.PINNED_SHA256:
        (tmp_path / name).write_bytes(b"not the model")
    with pytest.raises(local.ModelIntegrityError, match="does not match its pinned SHA-256"):
        local.verify(tmp_path)
    (tmp_path / "config.json").unlink()
    with pytest.raises(local.ModelIntegrityError, match="missing"):
        local.verify(tmp_path)
