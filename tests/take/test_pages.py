"""The candidate's pages and the safety of the secret link."""

from __future__ import annotations

import re
from datetime import timedelta

from app.auth.security import new_token
from app.take.access import UNKNOWN_TOKEN_LIMIT
from tests.factories import csrf, make_interview
from tests.take.helpers import timed_spec


def _invite(session, **kw):  # type: ignore[no-untyped-def]
    created = make_interview(session, spec_slug=timed_spec(session, minutes=0.1), **kw)
    session.commit()  # a refused request rolls back to here, not past the setup
    return created.interview, created.token


def test_landing_shows_rounds_durations_and_what_is_stored(client, session, clock):
    _, token = _invite(session, time_factor=1.5)
    page = client.get(f"/take/{token}")
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    text = page.text
    assert "Written" in text and "Behavioral" in text and "Live design" not in text
    assert "9 seconds" in text and "1 minute 30 seconds" in text  # time factor applied
    assert "What is timed" in text and "What is stored" in text and "no AI scores you" in text
    assert text.count('type="submit" class="primary">Start') == 2


def test_round_starts_only_when_start_is_pressed(client, session, clock):
    _, token = _invite(session)
    assert client.get(f"/take/{token}/rounds/written", follow_redirects=False).status_code == 303
    response = client.post(f"/take/{token}/rounds/written/start", data={"csrf_token": csrf(client)},
                           follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == f"/take/{token}/rounds/written"
    page = client.get(f"/take/{token}/rounds/written")
    assert "Design a double-entry ledger." in page.text and 'id="save-status"' in page.text
    assert 'data-seconds-left="6.0"' in page.text and "readonly" not in page.text


def test_start_form_needs_csrf(client, session, clock):
    _, token = _invite(session)
    client.get(f"/take/{token}")
    assert client.post(f"/take/{token}/rounds/written/start", follow_redirects=False).status_code == 403


def test_closed_round_page_is_read_only_with_confirmation(client, session, clock):
    _, token = _invite(session)
    base = f"/api/v1/take/{token}"
    client.post(f"{base}/rounds/written/start")
    client.put(f"{base}/rounds/written/answers/q_ledger", json={"text": "<script>alert(1)</script>", "revision": 1})
    clock.advance(60)
    page = client.get(f"/take/{token}/rounds/written")
    assert "Round submitted" in page.text and "The time ran out" in page.text
    assert page.text.count("readonly") == 2 and 'id="submit-form"' not in page.text
    assert "<script>alert(1)</script>" not in page.text and "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text


def test_behavioral_page_shows_first_unanswered_prompt_only(client, session, clock):
    _, token = _invite(session)
    base = f"/api/v1/take/{token}"
    client.post(f"{base}/rounds/story/start")
    client.put(f"{base}/rounds/story/answers/p_incident", json={"text": "the outage", "revision": 1})
    page = client.get(f"/take/{token}/rounds/story").text
    tags = dict(re.findall(r'<section class="card question" data-question="(\w+)"([^>]*)>', page))
    assert "hidden" in tags["p_incident"] and "hidden" not in tags["p_disagree"]


def test_unknown_token_is_a_plain_404(client, session, clock):
    page = client.get(f"/take/{new_token()}")
    assert page.status_code == 404 and "Not found" in page.text
    api = client.get(f"/api/v1/take/{new_token()}/rounds/written")
    assert api.status_code == 404 and set(api.json()) == {"detail"}


def test_revoked_and_expired_links_are_gone(client, session, clock):
    revoked, revoked_token = _invite(session)
    revoked.token_revoked_at = clock()
    expired, expired_token = _invite(session)
    expired.token_expires_at = clock() - timedelta(seconds=1)
    session.add_all([revoked, expired])
    session.commit()
    for token in (revoked_token, expired_token):
        page = client.get(f"/take/{token}")
        assert page.status_code == 410 and "no longer valid" in page.text and "Written" not in page.text
        assert client.post(f"/api/v1/take/{token}/rounds/written/start").status_code == 410


def test_token_guessing_is_rate_limited_per_address(client, session, clock):
    _, token = _invite(session)
    for _ in range(UNKNOWN_TOKEN_LIMIT):
        assert client.get(f"/api/v1/take/{new_token()}").status_code == 404
    refused = client.get(f"/api/v1/take/{new_token()}")
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) > 0
    assert client.get(f"/take/{token}").status_code == 429


def test_token_reaches_only_its_own_interview(client, session, clock):
    _, mine = _invite(session)
    other, other_token = _invite(session)
    client.post(f"/api/v1/take/{other_token}/rounds/written/start")
    client.put(f"/api/v1/take/{other_token}/rounds/written/answers/q_ledger", json={"text": "theirs", "revision": 1})
    state = client.get(f"/api/v1/take/{mine}/rounds/written").json()
    assert state["status"] == "not_started" and state["answers"] == {}


def test_duration_label_reads_naturally():
    from app.take.routes import duration_label
    assert [duration_label(s) for s in (2700, 5400, 9, 90, 3600)] == [
        "45 minutes", "1 hour 30 minutes", "9 seconds", "1 minute 30 seconds", "1 hour"]
