"""The candidates pages and the interviews list's filters and paging."""

from __future__ import annotations

from tests.factories import csrf, make_candidate, make_interview, make_user, sign_in


def test_candidates_search_finds_by_name_or_email_and_fragments_for_htmx(client, session):
    sign_in(client, make_user(session, role="hiring_manager"))
    make_candidate(session, name="Zofia Kowalczyk", email="zofia.k@example.test")
    make_candidate(session, name="Other Person", email="someone@example.test")
    page = client.get("/candidates", params={"q": "kowal"})
    assert page.status_code == 200 and "Zofia Kowalczyk" in page.text and "Other Person" not in page.text
    assert "Zofia Kowalczyk" in client.get("/candidates", params={"q": "ZOFIA.K@"}).text
    assert "No candidate matches" in client.get("/candidates", params={"q": "100%_"}).text  # wildcards are literal
    fragment = client.get("/candidates", params={"q": "zofia"}, headers={"HX-Request": "true"})
    assert fragment.text.lstrip().startswith('<div id="results">') and fragment.headers["vary"] == "HX-Request"


def test_candidate_page_lists_interviews_and_edits_name_and_email(client, session):
    sign_in(client, make_user(session, role="hiring_manager"))
    candidate = make_candidate(session, name="Kwame Mensah")
    make_interview(session, candidate=candidate)
    page = client.get(f"/candidates/{candidate.id}")
    assert page.status_code == 200 and "Invited" in page.text and "Senior" in page.text
    bad = client.post(f"/candidates/{candidate.id}", data={"name": "Kwame\r\nBcc: x", "email": "nope",
                                                          "csrf_token": csrf(client)})
    assert bad.status_code == 422 and "not an email address" in bad.text and "one line" in bad.text
    ok = client.post(f"/candidates/{candidate.id}", data={"name": "Kwame A. Mensah", "email": "Kwame@Example.test",
                                                         "csrf_token": csrf(client)})
    assert ok.status_code == 200 and "Saved." in ok.text
    session.refresh(candidate)
    assert (candidate.name, candidate.email) == ("Kwame A. Mensah", "kwame@example.test")


def test_interviews_list_filters_by_interviewer_spec_status_and_pages(client, session):
    sign_in(client, make_user(session, role="hiring_manager"))
    ines = make_user(session, role="interviewer", name="Ines Filter")
    mine = [make_interview(session, candidate=make_candidate(session, name=f"Paged {n}"),
                           interviewers={"round_01": [ines.email]}) for n in range(3)]
    make_interview(session, candidate=make_candidate(session, name="Not Ines's"))
    page = client.get("/interviews", params={"interviewer": ines.id})
    assert all(f"Paged {n}" in page.text for n in range(3)) and "Not Ines" not in page.text
    assert "Paged 0" not in client.get("/interviews", params={"interviewer": ines.id, "status": "completed"}).text
    assert "Paged 0" not in client.get("/interviews", params={"job_spec": "senior-golang-fintech",
                                                             "interviewer": ines.id}).text
    from app.interviews import listing
    first, cursor = listing.page_interviews(session, listing.InterviewFilter(interviewer_id=ines.id), limit=2)
    rest, end = listing.page_interviews(session, listing.InterviewFilter(interviewer_id=ines.id), cursor=cursor, limit=2)
    assert len(first) == 2 and len(rest) == 1 and end is None
    assert {r[0].id for r in first + rest} == {m.interview.id for m in mine}
