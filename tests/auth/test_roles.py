"""Roles are enforced on the server: pages, the API, and which specs an interviewer may read."""

from app.models import Candidate, Interview, Scorecard, utcnow
from app.specs import service
from tests.factories import bearer, make_user, sign_in


def test_api_without_token_is_401_with_json(client):
    response = client.get("/api/v1/job-specs/senior-backend-payments")
    assert response.status_code == 401 and response.json()["detail"]
    assert response.headers["www-authenticate"] == "Bearer"


def test_api_with_bad_token_is_401(client):
    assert client.get("/api/v1/job-specs", headers={"Authorization": "Bearer cal_nope"}).status_code == 401


def test_pages_redirect_anonymous_to_sign_in(client):
    response = client.get("/specs", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/login?next=/specs"


def test_interviewer_cannot_read_specs_outside_their_interviews(client, session):
    interviewer = make_user(session, role="interviewer")
    headers = bearer(session, interviewer)
    assert client.get("/api/v1/job-specs", headers=headers).json() == []
    assert client.get("/api/v1/job-specs/senior-backend-payments", headers=headers).status_code == 404
    sign_in(client, interviewer)
    assert client.get("/specs/senior-backend-payments").status_code == 404


def test_interviewer_reads_spec_of_an_interview_they_are_on(client, session):
    interviewer = make_user(session, role="interviewer")
    spec = service.get_spec(session, "senior-backend-payments")
    version = service.get_version(session, spec)
    candidate = Candidate(name="Ada", email="ada@example.test")
    session.add(candidate)
    session.flush()
    interview = Interview(candidate_id=candidate.id, spec_id=spec.id, spec_version_id=version.id,
                          token_hash="x" * 64, token_expires_at=utcnow())
    session.add(interview)
    session.flush()
    session.add(Scorecard(interview_id=interview.id, round_key="round_01", interviewer_id=interviewer.id))
    session.flush()
    headers = bearer(session, interviewer)
    assert [s["slug"] for s in client.get("/api/v1/job-specs", headers=headers).json()] == ["senior-backend-payments"]
    assert client.get("/api/v1/job-specs/senior-backend-payments", headers=headers).status_code == 200


def test_admin_sees_everything_hiring_manager_sees_specs(client, session):
    for role in ("admin", "hiring_manager"):
        headers = bearer(session, make_user(session, role=role))
        slugs = [s["slug"] for s in client.get("/api/v1/job-specs", headers=headers).json()]
        assert "senior-backend-payments" in slugs and len(slugs) == 7


def test_every_route_states_its_role(app):
    from tests.routes import route_markers
    unmarked = [(path, methods) for path, methods, markers in route_markers(app) if len(markers) != 1]
    assert unmarked == []
