"""Consent before an AI-assisted round: with a model configured, the candidate reads what is
automated and starts each round with AI suggestions or with people only; the choice is stored
(time, notice version) and `ai_allowed` honours it."""

from __future__ import annotations

import pytest
from sqlmodel import select

from app.consent import ai as consent
from app.settings import get_settings
from app.consent.models import Consent
from tests.factories import csrf, make_interview


@pytest.fixture
def model_configured(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-not-used")
    get_settings.cache_clear()
    yield
    monkeypatch.delenv("OPENAI_API_KEY")
    get_settings.cache_clear()


def test_ai_round_asks_and_stores_the_choice(client, session, model_configured):
    created = make_interview(session, spec_slug="senior-backend-payments")
    session.commit()
    landing = client.get(f"/take/{created.token}").text
    assert "Automated assistance in this interview" in landing and consent.NOTICE_VERSION in landing
    assert "people only" in landing and 'value="people_only"' in landing
    started = client.post(f"/take/{created.token}/rounds/round_01/start",
                          data={"ai_choice": "people_only", "csrf_token": csrf(client)}, follow_redirects=False)
    assert started.status_code == 303 and started.headers["location"].endswith("/rounds/round_01")
    row = session.exec(select(Consent).where(Consent.interview_id == created.interview.id,
                                             Consent.purpose == consent.PURPOSE)).one()
    assert (row.choice, row.notice_version) == ("people_only", consent.NOTICE_VERSION) and row.at is not None
    assert consent.ai_allowed(session, created.interview.id, "round_01") is False
    # The first choice of a round stands.
    client.post(f"/take/{created.token}/rounds/round_01/start", data={"ai_choice": "ai", "csrf_token": csrf(client)})
    assert consent.ai_allowed(session, created.interview.id, "round_01") is False


def test_ai_round_with_consent_allows_suggestions(client, session, model_configured):
    created = make_interview(session, spec_slug="senior-backend-payments")
    session.commit()
    client.post(f"/take/{created.token}/rounds/round_01/start", data={"ai_choice": "ai", "csrf_token": csrf(client)})
    assert consent.ai_allowed(session, created.interview.id, "round_01") is True
    assert consent.ai_allowed(session, created.interview.id, "round_02") is False  # not started: not agreed
    bad = client.post(f"/take/{created.token}/rounds/round_02/start", data={"ai_choice": "maybe",
                                                                            "csrf_token": csrf(client)})
    assert bad.status_code == 422


def test_without_a_model_nothing_is_asked(client, session):
    created = make_interview(session, spec_slug="senior-backend-payments")
    session.commit()
    landing = client.get(f"/take/{created.token}").text
    assert "Automated assistance" not in landing and 'value="people_only"' not in landing
    client.post(f"/take/{created.token}/rounds/round_01/start", data={"csrf_token": csrf(client)})
    assert consent.ai_allowed(session, created.interview.id, "round_01") is False
    assert session.exec(select(Consent).where(Consent.interview_id == created.interview.id)).all() == []


def test_voice_round_asks_for_the_ai_choice_beside_the_recording(client, session, model_configured):
    created = make_interview(session, spec_slug="senior-backend-payments")
    session.commit()
    landing = client.get(f"/take/{created.token}").text
    assert landing.count('name="ai_choice"') >= 4  # two buttons per typed round, two radios in the voice form
    client.post(f"/take/{created.token}/rounds/round_02/consent",
                data={"choice": "voice", "ai_choice": "ai", "csrf_token": csrf(client)})
    purposes = {c.purpose: c.choice for c in session.exec(select(Consent).where(
        Consent.interview_id == created.interview.id))}
    assert purposes == {"voice_recording": "voice", consent.PURPOSE: "ai"}
    assert consent.ai_allowed(session, created.interview.id, "round_02") is True
