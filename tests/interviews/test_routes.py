"""Interview pages: list, invite form (errors in place), the once-shown link, revoke/extend/re-issue."""

from __future__ import annotations

import re

from sqlmodel import select

from app.models import Candidate, Interview
from tests.factories import csrf, make_interview, make_user, sign_in


def _signed_in_manager(client, session):  # type: ignore[no-untyped-def]
    user = make_user(session, role="hiring_manager")
    session.commit()
    sign_in(client, user)
    return user


def _form(client, **fields):  # type: ignore[no-untyped-def]
    return {"csrf_token": csrf(client), "job_spec": "senior-backend-payments", "time_factor": "1", **fields}


def test_invite_form_creates_candidate_interview_and_shows_link_once(client, session):
    _signed_in_manager(client, session)
    interviewer = make_user(session, role="interviewer")
    session.commit()
    form = client.get("/interviews/new")
    assert form.status_code == 200 and 'name="interviewers_round_01"' in form.text
    page = client.post("/interviews/new", data=_form(client, candidate_name="Grace Hopper", candidate_email="grace@example.test",
                                                       interviewers_round_01=interviewer.email, time_factor="1.25"))
    assert page.status_code == 200 and 'data-copy="candidate-link"' in page.text
    url = re.search(r'id="candidate-link" class="link-field" value="([^"]+)"', page.text).group(1)
    assert client.get(url).status_code == 200
    interview = session.exec(select(Interview).join(Candidate, Candidate.id == Interview.candidate_id)
                             .where(Candidate.email == "grace@example.test")).one()
    assert interview.time_factor == 1.25
    detail = client.get(f"/interviews/{interview.id}")
    assert interviewer.email in detail.text and url.rsplit("/", 1)[1] not in detail.text
    listing = client.get("/interviews")
    assert "Grace Hopper" in listing.text and "Invited" in listing.text


def test_invalid_invite_rerenders_with_errors_and_writes_nothing(client, session):
    _signed_in_manager(client, session)
    before = len(session.exec(select(Candidate)).all())
    page = client.post("/interviews/new", data=_form(client, candidate_name="Alan", candidate_email="alan@example.test",
                                                       interviewers_round_01="ghost@example.test"))
    assert page.status_code == 422 and "no staff member with email ghost@example.test" in page.text
    assert 'value="Alan"' in page.text
    assert len(session.exec(select(Candidate)).all()) == before


def test_spec_change_swaps_in_its_rounds(client, session):
    _signed_in_manager(client, session)
    fragment = client.get("/interviews/new?job_spec=senior-golang-fintech", headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and fragment.text.lstrip().startswith('<fieldset id="rounds"')


def test_revoke_extend_and_reissue_link(client, session):
    _signed_in_manager(client, session)
    created = make_interview(session)
    session.commit()
    iid = created.interview.id
    assert client.post(f"/interviews/{iid}/link/extend", data={"csrf_token": csrf(client), "days": "30"},
                       follow_redirects=False).status_code == 303
    assert client.post(f"/interviews/{iid}/link/extend", data={"csrf_token": csrf(client), "days": "0"}).status_code == 422
    client.post(f"/interviews/{iid}/link/revoke", data={"csrf_token": csrf(client)})
    assert client.get(f"/take/{created.token}").status_code == 410
    assert "Revoked" in client.get(f"/interviews/{iid}").text
    page = client.post(f"/interviews/{iid}/link/reissue", data={"csrf_token": csrf(client)})
    url = re.search(r'id="candidate-link" class="link-field" value="([^"]+)"', page.text).group(1)
    assert client.get(url).status_code == 200
    assert client.get(f"/take/{created.token}").status_code == 404


def test_interviewer_cannot_manage_links_or_list(client, session):
    interviewer = make_user(session, role="interviewer")
    created = make_interview(session, interviewers={"round_01": [interviewer.email]})
    session.commit()
    sign_in(client, interviewer)
    assert client.get("/interviews").status_code == 403
    page = client.get(f"/interviews/{created.interview.id}")
    assert page.status_code == 200 and "Revoke link" not in page.text
    assert client.post(f"/interviews/{created.interview.id}/link/revoke", data={"csrf_token": csrf(client)}).status_code == 403


def test_interview_page_highlights_overdue_scorecard(client, session, monkeypatch):
    from tests.take.helpers import FakeClock, timed_spec
    clock = FakeClock()
    monkeypatch.setattr("app.clock.now", clock)
    _signed_in_manager(client, session)
    interviewer = make_user(session, role="interviewer")
    created = make_interview(session, spec_slug=timed_spec(session, minutes=0.1),
                             interviewers={"written": [interviewer.email]})
    session.commit()
    client.post(f"/api/v1/take/{created.token}/rounds/written/start")
    clock.advance(3)
    client.post(f"/api/v1/take/{created.token}/rounds/written/submit")
    page = client.get(f"/interviews/{created.interview.id}").text
    assert "Submitted</span> at" in page and 'class="overdue"' not in page
    clock.advance(48 * 3600 + 1)
    page = client.get(f"/interviews/{created.interview.id}").text
    assert 'class="overdue"' in page and "Overdue: the candidate submitted more than 48 hours ago" in page
