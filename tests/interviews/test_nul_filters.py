"""Filters and cursors with a NUL character (PostgreSQL text cannot hold one) match nothing, on
every list page and API, instead of failing in the database."""

import base64

import pytest

from tests.factories import bearer, make_interview, make_user, sign_in

PAGES = ["/interviews?q=%00", "/interviews?job_spec=a%00", "/interviews?interviewer=%00", "/candidates?q=%00",
         "/specs/senior-backend-payments/dashboard/ranking?version=%00",
         "/interviews?cursor=" + base64.urlsafe_b64encode(b"2026-01-01T00:00:00+00:00|\x00").decode()]


@pytest.mark.parametrize("url", PAGES)
def test_pages_with_nul_in_a_filter_answer_without_a_server_error(client, session, url):
    admin = make_user(session, role="admin")
    make_interview(session)
    session.commit()
    sign_in(client, admin)
    assert client.get(url).status_code in (200, 422)


def test_api_search_with_nul_is_refused_and_plain_search_works(client, session):
    headers = bearer(session, make_user(session, role="hiring_manager"))
    session.commit()
    assert client.get("/api/v1/candidates?q=%00", headers=headers).status_code == 422
    assert client.get("/api/v1/candidates?q=Candidate", headers=headers).status_code == 200
