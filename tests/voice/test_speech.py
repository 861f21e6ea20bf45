"""Cal's voice: with a speech endpoint each prompt is spoken once (per text, never per candidate)
and stored; without one the browser speaks and the prompt is shown as text."""

from __future__ import annotations

from sqlmodel import select

from app.jobs.models import Job
from app.voice.models import SpeechClip
from app.voice.speech import GENERATE
from tests.ai.fake_openai import Reply
from tests.voice.conftest import ROUND, make_voice_link

MP3 = b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\xff\xfb\x90\x00" * 64


def test_prompts_are_spoken_once_by_the_speech_endpoint_and_kept(client, session, worker, fake_openai):
    fake_openai.script(Reply(200, MP3, content_type="audio/mpeg"))
    link = make_voice_link(session, client)
    assert len(session.exec(select(Job).where(Job.kind == GENERATE)).all()) == 5  # four prompts and the intro
    worker.run_once()  # the interview's invitation mail is a job too; the speech requests are what count
    requests = [r for r in fake_openai.requests if r["path"] == "/v1/audio/speech"]
    assert len(requests) == 5
    questions = client.get(f"{link.base}/rounds/{ROUND}").json()["questions"]
    assert {r["body"]["input"] for r in requests} >= {q["text"] for q in questions}
    assert all(r["body"]["model"] == "tts-1" and r["body"]["voice"] == "alloy" and r["body"]["response_format"] == "mp3"
               for r in requests)
    spoken = client.get(f"{link.base}/rounds/{ROUND}/prompts/{questions[0]['id']}/speech")
    assert spoken.status_code == 200 and spoken.content == MP3 and spoken.headers["content-type"] == "audio/mpeg"
    assert client.get(f"{link.base}/rounds/{ROUND}/speech/intro").content == MP3
    page = client.get(f"/take/{link.token}/rounds/{ROUND}").text
    assert f'data-speech="{link.base}/rounds/{ROUND}/prompts/{questions[0]["id"]}/speech"' in page
    # The next candidate on the same version reuses the clips: nothing new is generated.
    make_voice_link(session, client)
    worker.run_once()
    assert len([r for r in fake_openai.requests if r["path"] == "/v1/audio/speech"]) == 5
    assert len(session.exec(select(SpeechClip)).all()) == 5


def test_without_a_speech_endpoint_the_browser_speaks_the_captioned_prompt(client, session, voice_link):
    assert session.exec(select(Job).where(Job.kind == GENERATE)).all() == []
    qid = voice_link.prompts[0]
    assert client.get(f"{voice_link.base}/rounds/{ROUND}/prompts/{qid}/speech").status_code == 404
    page = client.get(f"/take/{voice_link.token}/rounds/{ROUND}").text
    assert 'data-speech=""' in page and "Hear the prompt" in page and 'id="cal-caption"' in page
