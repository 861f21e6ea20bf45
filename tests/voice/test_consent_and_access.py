"""Consent before the voice round, the typed alternative (whole round or one prompt), and who may
hear the recordings."""

from __future__ import annotations

from sqlmodel import select

from app.models import AuditEvent
from app.voice.consent import NOTICE_VERSION
from app.consent.models import Consent
from tests.factories import bearer, make_user
from tests.voice.conftest import ROUND, make_voice_link
from tests.voice.helpers import send_answer, tone_wav, upload

WAV = tone_wav(1.0)


def test_the_landing_page_explains_the_voice_round_before_it_starts(client, session):
    link = make_voice_link(session, client, consent=None)
    page = client.get(f"/take/{link.token}").text
    for words in ("is a spoken round", "What is recorded", "Who hears it", "No software scores you",
                  "type my answers instead", NOTICE_VERSION):
        assert words in page
    assert f'action="/take/{link.token}/rounds/{ROUND}/consent"' in page


def test_consent_is_stored_with_the_attempt_and_the_first_choice_stands(client, session):
    link = make_voice_link(session, client)
    again = client.post(f"{link.base}/rounds/{ROUND}/consent", json={"choice": "text"})
    assert again.status_code == 200 and again.json()["choice"] == "voice"
    consent = session.exec(select(Consent).where(Consent.interview_id == link.interview.id)).one()
    assert (consent.choice, consent.notice_version, consent.purpose) == ("voice", NOTICE_VERSION, "voice_recording")
    state = client.get(f"{link.base}/rounds/{ROUND}").json()
    assert state["mode"] == "voice" and state["voice"]["consent"]["choice"] == "voice"
    assert session.exec(select(AuditEvent).where(AuditEvent.action == "round.consent",
                                                 AuditEvent.object_id == link.interview.id)).one()
    assert 'id="voice-round"' in client.get(f"/take/{link.token}/rounds/{ROUND}").text


def test_the_typed_alternative_gives_the_typed_round(client, session):
    link = make_voice_link(session, client, consent="text")
    page = client.get(f"/take/{link.token}/rounds/{ROUND}").text
    assert 'id="take-round"' in page and 'id="voice-round"' not in page
    saved = client.put(f"{link.base}/rounds/{ROUND}/answers/{link.prompts[0]}", json={"text": "Typed.", "revision": 1})
    assert saved.status_code == 200


def test_one_prompt_switched_to_typing_is_recorded_and_takes_no_audio(client, session, voice_link):
    first, second = voice_link.prompts[:2]
    switched = client.post(f"{voice_link.base}/rounds/{ROUND}/answers/{first}/typed")
    assert switched.status_code == 200 and switched.json()["mode"] == "typed"
    refused = upload(client, voice_link.base, first, 0, WAV)
    assert refused.status_code == 409 and refused.json()["reason"] == "typed"
    assert client.put(f"{voice_link.base}/rounds/{ROUND}/answers/{first}",
                      json={"text": "I led the incident review.", "revision": 1}).status_code == 200
    assert upload(client, voice_link.base, second, 0, WAV).status_code == 200  # the order holds
    assert client.get(f"{voice_link.base}/rounds/{ROUND}").json()["voice"]["typed"] == [first]


def test_a_prompt_answered_aloud_counts_for_the_order_of_typed_answers(client, voice_link):
    first, second = voice_link.prompts[:2]
    send_answer(client, voice_link.base, first, WAV)  # its transcript is still on the way
    client.post(f"{voice_link.base}/rounds/{ROUND}/answers/{second}/typed")
    assert client.put(f"{voice_link.base}/rounds/{ROUND}/answers/{second}",
                      json={"text": "Typed second answer.", "revision": 1}).status_code == 200


def _recorded(client, session):  # type: ignore[no-untyped-def]
    interviewer = make_user(session, role="interviewer")
    link = make_voice_link(session, client, interviewers={ROUND: [interviewer.email]})
    send_answer(client, link.base, link.prompts[0], WAV)
    from app.voice.state import voice_answers
    from app.take.service import get_attempt
    voice = voice_answers(session, get_attempt(session, link.interview, ROUND))[link.prompts[0]]
    return link, interviewer, f"/api/v1/interviews/{link.interview.id}/answers/{voice.answer_id}/audio"


def test_staff_who_may_see_the_answers_hear_the_recording(client, session):
    link, interviewer, url = _recorded(client, session)
    for user in (make_user(session, role="hiring_manager"), make_user(session, role="admin"), interviewer):
        response = client.get(url, headers=bearer(session, user))
        assert response.status_code == 200 and response.content == WAV
        assert response.headers["content-type"] == "audio/wav"
    outsider = make_user(session, role="interviewer")
    assert client.get(url, headers=bearer(session, outsider)).status_code == 404
    assert client.get(url).status_code == 401
    other = make_voice_link(session, client)
    elsewhere = url.replace(link.interview.id, other.interview.id)
    assert client.get(elsewhere, headers=bearer(session, make_user(session, role="admin"))).status_code == 404
