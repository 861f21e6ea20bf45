"""Chunk uploads of spoken answers (DESIGN: Voice rounds): acknowledged once stored on disk,
idempotent per seq, and every bad input refused with its status."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from app.jobs.models import Job
from app.models import Answer
from app import clock
from app.voice import storage
from app.voice.models import AudioChunk, VoiceAnswer
from app.voice.service import TRANSCRIBE
from tests.voice.conftest import ROUND, make_voice_link
from tests.voice.helpers import send_answer, split, tone_wav, upload

WAV = tone_wav(3.0)


def _voice_of(session, link, qid) -> VoiceAnswer:  # type: ignore[no-untyped-def]
    from app.take.service import get_attempt
    attempt = get_attempt(session, link.interview, ROUND)
    answer = session.exec(select(Answer).where(Answer.attempt_id == attempt.id, Answer.question_id == qid)).one()
    return session.exec(select(VoiceAnswer).where(VoiceAnswer.answer_id == answer.id)).one()


def test_upload_chunks_are_acknowledged_stored_and_queued(client, session, voice_link):
    qid = voice_link.prompts[0]
    responses = send_answer(client, voice_link.base, qid, WAV, parts=3)
    assert [r.status_code for r in responses] == [200, 200, 200]
    acks = [r.json() for r in responses]
    assert [a["seq"] for a in acks] == [0, 1, 2]
    assert acks[-1]["received_bytes"] == len(WAV) and 0 < acks[-1]["seconds_left"] <= 30 * 60
    voice = _voice_of(session, voice_link, qid)
    path = storage.part_path(voice_link.interview.id, voice.id, 0, "audio/wav")
    assert path.read_bytes() == WAV
    assert voice.finalized_at is not None and voice.status == "transcribing"
    assert abs(voice.seconds - 3.0) < 0.01  # a WAV is measured exactly from its header
    jobs = session.exec(select(Job).where(Job.kind == TRANSCRIBE, Job.key == voice.id)).all()
    assert len(jobs) == 1 and jobs[0].payload == {"voice_answer_id": voice.id}
    audio = client.get(f"{voice_link.base}/rounds/{ROUND}").json()["answers"][qid]["audio"]
    assert audio == {"seconds": 3.0, "status": "transcribing", "engine": None}


def test_a_repeated_chunk_gets_the_same_answer_and_is_stored_once(client, session, voice_link):
    qid = voice_link.prompts[0]
    first, second = split(WAV, 2)
    one = upload(client, voice_link.base, qid, 0, first)
    again = upload(client, voice_link.base, qid, 0, first)
    assert one.status_code == again.status_code == 200
    assert (one.json()["seq"], one.json()["received_bytes"]) == (again.json()["seq"], again.json()["received_bytes"])
    assert upload(client, voice_link.base, qid, 1, second, final=True).status_code == 200
    assert upload(client, voice_link.base, qid, 1, second, final=True).json()["received_bytes"] == len(WAV)
    voice = _voice_of(session, voice_link, qid)
    assert voice.bytes == len(WAV)
    assert len(session.exec(select(AudioChunk).where(AudioChunk.voice_answer_id == voice.id)).all()) == 2
    assert len(session.exec(select(Job).where(Job.key == voice.id)).all()) == 1


def test_a_repeat_with_other_bytes_a_gap_and_a_chunk_after_the_final_one_are_refused(client, voice_link):
    qid = voice_link.prompts[0]
    first, second, third = split(WAV, 3)
    assert upload(client, voice_link.base, qid, 0, first).status_code == 200
    changed = upload(client, voice_link.base, qid, 0, first[:-1] + b"\x01")
    assert changed.status_code == 409 and changed.json()["reason"] == "seq_conflict"
    gap = upload(client, voice_link.base, qid, 2, third)
    assert gap.status_code == 409 and gap.json()["reason"] == "gap" and gap.json()["expected_seq"] == 1
    assert upload(client, voice_link.base, qid, 1, second, final=True).status_code == 200
    late = upload(client, voice_link.base, qid, 2, third)
    assert late.status_code == 409 and late.json()["reason"] == "finished"


def test_a_text_file_sent_as_audio_is_refused_with_415(client, voice_link):
    qid = voice_link.prompts[0]
    text = b"This is not audio at all, only a text file with some words in it.\n" * 20
    assert upload(client, voice_link.base, qid, 0, text, content_type="audio/webm").status_code == 415
    assert upload(client, voice_link.base, qid, 0, text, content_type="text/plain").status_code == 415
    assert upload(client, voice_link.base, qid, 0, WAV[:2000], content_type="audio/ogg").status_code == 415
    assert upload(client, voice_link.base, qid, 0, WAV[:2000]).status_code == 200
    # A continuation chunk that is text is refused too, and so is a change of type mid-answer.
    assert upload(client, voice_link.base, qid, 1, text).status_code == 415
    assert upload(client, voice_link.base, qid, 1, WAV[2000:4000], content_type="audio/webm").status_code == 415
    assert upload(client, voice_link.base, qid, 1, WAV[2000:4000]).status_code == 200


def test_an_empty_chunk_is_refused_unless_it_ends_a_recording(client, session, voice_link):
    qid = voice_link.prompts[0]
    empty = upload(client, voice_link.base, qid, 0, b"")
    assert empty.status_code == 422 and empty.json()["errors"][0]["loc"] == ["body"]
    assert upload(client, voice_link.base, qid, 0, b"", final=True).status_code == 422
    assert upload(client, voice_link.base, qid, 0, WAV).status_code == 200
    assert upload(client, voice_link.base, qid, 1, b"").status_code == 422
    done = upload(client, voice_link.base, qid, 1, b"", final=True)
    assert done.status_code == 200 and done.json()["received_bytes"] == len(WAV)
    assert _voice_of(session, voice_link, qid).finalized_at is not None


def test_a_chunk_after_deadline_and_grace_gets_409_and_a_repeat_still_its_answer(client, session, voice_link, monkeypatch):
    qid = voice_link.prompts[0]
    first, second = split(WAV, 2)
    assert upload(client, voice_link.base, qid, 0, first).status_code == 200
    from app.take.service import get_attempt
    deadline = get_attempt(session, voice_link.interview, ROUND).deadline
    monkeypatch.setattr(clock, "now", lambda: deadline + timedelta(seconds=31))
    late = upload(client, voice_link.base, qid, 1, second)
    assert late.status_code == 409 and late.json()["reason"] == "closed"
    assert upload(client, voice_link.base, qid, 0, first).status_code == 200  # the ack that may have been lost
    # The round closed on that access; the recording made in time is finished by the worker's sweep.
    from app.voice.jobs import finish_closed_rounds
    assert finish_closed_rounds(session, deadline + timedelta(seconds=40)) == 1
    assert _voice_of(session, voice_link, qid).status == "transcribing"


def test_an_answer_over_the_audio_limit_gets_413(client, session, monkeypatch):
    monkeypatch.setenv("CALIBRATE_MAX_AUDIO_SECONDS", "5")
    from app.settings import get_settings
    get_settings.cache_clear()
    link = make_voice_link(session, client)
    qid = link.prompts[0]
    assert upload(client, link.base, qid, 0, WAV).status_code == 200  # 3 s
    over = upload(client, link.base, qid, 1, WAV[44:])  # 6 s in all
    assert over.status_code == 413
    assert upload(client, link.base, qid, 1, b"", final=True).status_code == 200  # what fits is kept
    assert abs(_voice_of(session, link, qid).seconds - 3.0) < 0.01


def test_prompts_are_answered_in_order(client, voice_link):
    second = voice_link.prompts[1]
    refused = upload(client, voice_link.base, second, 0, WAV)
    assert refused.status_code == 409 and refused.json()["reason"] == "order"
    send_answer(client, voice_link.base, voice_link.prompts[0], WAV)
    assert upload(client, voice_link.base, second, 0, WAV).status_code == 200


def test_another_candidates_link_reaches_only_their_own_answer(client, session, voice_link):
    other = make_voice_link(session, client)
    qid = voice_link.prompts[0]
    assert upload(client, voice_link.base, qid, 0, WAV).status_code == 200
    # The same prompt id on the other link is the other candidate's own answer, numbered from 0 again.
    theirs = upload(client, other.base, qid, 1, WAV)
    assert theirs.status_code == 409 and theirs.json()["expected_seq"] == 0
    assert upload(client, other.base, qid, 0, WAV[:1000]).status_code == 200
    assert _voice_of(session, voice_link, qid).bytes == len(WAV)
    assert upload(client, other.base, "no_such_prompt", 0, WAV).status_code == 404
    assert upload(client, "/api/v1/take/" + "x" * 43, qid, 0, WAV).status_code == 404


def test_a_text_round_and_an_unstarted_round_take_no_audio(client, session):
    link = make_voice_link(session, client, consent=None)
    assert upload(client, link.base, "q", 0, WAV, key="round_01").status_code == 404
    not_started = upload(client, link.base, "q", 0, WAV)
    assert not_started.status_code == 409 and not_started.json()["reason"] == "not_started"
