"""Self-identification (API and landing page) and the adverse-impact report built on it."""

from __future__ import annotations

import secrets
from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import Session, select

from app.dashboard.scores import load_evidence, score_of
from app.dashboard.stats import refresh
from app.models import Candidate, Interview, MustHaveCheck, Rating, Scorecard, User, utcnow
from app.consent.models import SelfIdentification
from app.privacy.service import group_counts
from app.specs import service as specs
from tests.conftest import ROOT
from tests.factories import bearer, csrf, make_interview, make_user, sign_in

SPEC = "senior-backend-payments"


def completed(session: Session, rater: User, *, rating: int, knocked_out: bool = False,
              sex: str | None = None, race: str | None = None) -> Interview:
    """A completed interview whose every competency has `rating` (4 → overall 75, 3 → 50)."""
    spec = specs.get_spec(session, SPEC)
    version = specs.get_version(session, spec)
    content = specs.content_of(version)
    candidate = Candidate(name=f"Person {secrets.token_hex(3)}", email=f"{secrets.token_hex(4)}@example.test")
    session.add(candidate)
    session.flush()
    now = utcnow()
    interview = Interview(candidate_id=candidate.id, spec_id=spec.id, spec_version_id=version.id,
                          token_hash=secrets.token_hex(32), token_expires_at=now + timedelta(days=1), completed_at=now)
    session.add(interview)
    session.flush()
    card = Scorecard(interview_id=interview.id, round_key="round_01", interviewer_id=rater.id, status="submitted",
                     submitted_at=now)
    session.add(card)
    session.flush()
    session.add_all([Rating(scorecard_id=card.id, competency_id=c.id, value=rating) for c in content.competencies])
    required = [m for m in content.must_haves if m.required]
    session.add_all([MustHaveCheck(scorecard_id=card.id, must_have_id=m.id, status="not_met" if knocked_out else "met")
                     for m in required])
    if sex or race:
        session.add(SelfIdentification(candidate_id=candidate.id, sex=sex or "decline", race_ethnicity=race or "decline"))
    session.flush()
    refresh(session.connection(), [interview.id])  # what a submitted scorecard's change does
    return interview


@pytest.fixture
def population(session):
    """Women: 10, 3 selected. Men: 10, 8 selected (one more scored 75 but knocked out). Race: 16 white,
    4 asian. Two people gave no answers, one declined."""
    rater = make_user(session, role="interviewer")
    for i in range(10):
        completed(session, rater, rating=4 if i < 3 else 3, sex="female", race="white" if i < 8 else "asian")
    for i in range(10):
        completed(session, rater, rating=4 if i < 9 else 3, knocked_out=i == 8, sex="male",
                  race="white" if i < 8 else "asian")
    completed(session, rater, rating=4)
    completed(session, rater, rating=3)
    completed(session, rater, rating=4, sex="decline", race="decline")
    make_interview(session, spec_slug=SPEC)  # not completed: not counted
    session.commit()


def test_adverse_impact_report_on_a_hand_computed_population(client, session, population):
    admin = make_user(session, role="admin")
    response = client.get(f"/api/v1/job-specs/{SPEC}/adverse-impact", headers=bearer(session, admin))
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["threshold"] == 60 and report["completed"] == 23
    sex = next(d for d in report["dimensions"] if d["name"] == "sex")
    assert sex["declined"] == 3
    groups = {g["group"]: g for g in sex["groups"]}
    assert (groups["male"]["n"], groups["male"]["selected"], groups["male"]["highest"]) == (10, 8, True)
    female = groups["female"]
    assert (female["n"], female["selected"], female["selection_rate"]) == (10, 3, 0.3)
    assert female["impact_ratio"] == pytest.approx(0.375) and female["flagged"] is True
    assert female["fisher_p"] == pytest.approx(12892 / 184756, rel=1e-9)
    race = {g["group"]: g for g in next(d for d in report["dimensions"] if d["name"] == "race_ethnicity")["groups"]}
    assert race["asian"]["suppressed"] is True and race["asian"]["n"] == 4 and race["asian"]["selection_rate"] is None
    assert race["white"]["n"] == 16 and race["white"]["selected"] == 11 and race["white"]["impact_ratio"] == 1.0
    # A threshold nobody reaches: no rates to compare, nothing flagged.
    high = client.get(f"/api/v1/job-specs/{SPEC}/adverse-impact?threshold=80", headers=bearer(session, admin)).json()
    assert all(g["flagged"] is None for d in high["dimensions"] for g in d["groups"])
    assert client.get(f"/api/v1/job-specs/{SPEC}/adverse-impact?threshold=101",
                      headers=bearer(session, admin)).status_code == 422


def test_adverse_impact_page_shows_the_table_and_bars(client, session, population):
    sign_in(client, make_user(session, role="admin"))
    page = client.get(f"/specs/{SPEC}/adverse-impact")
    assert page.status_code == 200
    assert "Below 0.8" in page.text and "0.0698" in page.text and "Suppressed" in page.text
    assert '<meter min="0" max="100" value="30"' in page.text
    bad = client.get(f"/specs/{SPEC}/adverse-impact?threshold=lots")
    assert bad.status_code == 422 and "a score from 0 to 100" in bad.text


def test_adverse_impact_is_for_admins_only(client, session):
    for role in ("hiring_manager", "interviewer"):
        headers = bearer(session, make_user(session, role=role))
        assert client.get(f"/api/v1/job-specs/{SPEC}/adverse-impact", headers=headers).status_code == 403


def test_self_id_defaults_to_decline_and_takes_only_eeoc_categories(client, session):
    created = make_interview(session, spec_slug=SPEC)
    session.commit()
    url = f"/api/v1/take/{created.token}/self-id"
    assert client.put(url, json={}).json() == {"sex": "decline", "race_ethnicity": "decline"}
    assert client.put(url, json={"sex": "female", "race_ethnicity": "two_or_more_races"}).status_code == 200
    row = session.get(SelfIdentification, created.interview.candidate_id)
    assert (row.sex, row.race_ethnicity) == ("female", "two_or_more_races")
    bad = client.put(url, json={"sex": "unknown", "race_ethnicity": "white"})
    assert bad.status_code == 422 and bad.json()["errors"]
    assert client.put("/api/v1/take/" + "x" * 43 + "/self-id", json={}).status_code == 404


def test_self_id_form_on_the_landing_page(client, session):
    created = make_interview(session, spec_slug=SPEC)
    session.commit()
    landing = client.get(f"/take/{created.token}")
    assert "Voluntary self-identification" in landing.text
    assert 'value="decline" checked' in landing.text
    saved = client.post(f"/take/{created.token}/self-id", data={"sex": "male", "race_ethnicity": "asian",
                                                               "csrf_token": csrf(client)}, follow_redirects=False)
    assert saved.status_code == 303
    page = client.get(saved.headers["location"]).text
    assert 'value="male" checked' in page and 'value="asian" checked' in page and "Saved." in page


def test_self_identification_is_read_only_by_the_privacy_and_consent_packages():
    """Stored apart: no module outside app/consent/ and app/privacy/ (and the migrations) touches the
    table, so no page or API an interviewer can reach can show it."""
    offenders = [str(p.relative_to(ROOT)) for p in sorted((ROOT / "app").rglob("*.py"))
                 if any(word in p.read_text() for word in ("SelfIdentification", '"self_identification"'))
                 and not {"privacy", "consent", "migrations"} & set(p.parts)]
    assert offenders == []
    # The candidate's own landing page reads their answers through the consent package only.
    assert "from app.consent import self_id" in Path(ROOT / "app/take/routes.py").read_text()


def test_interviewer_pages_never_show_self_identification(client, session):
    interviewer = make_user(session, role="interviewer")
    created = make_interview(session, spec_slug=SPEC, interviewers={"round_01": [interviewer.email]})
    client.put(f"/api/v1/take/{created.token}/self-id", json={"sex": "female",
                                                              "race_ethnicity": "native_hawaiian_or_other_pacific_islander"})
    card = session.exec(select(Scorecard).where(Scorecard.interview_id == created.interview.id)).one()
    headers = bearer(session, interviewer)
    session.commit()
    seen = [client.get(f"/api/v1/interviews/{created.interview.id}", headers=headers).text,
            client.get(f"/api/v1/interviews/{created.interview.id}/scorecards", headers=headers).text,
            client.get(f"/api/v1/scorecards/{card.id}", headers=headers).text]
    sign_in(client, interviewer)
    seen += [client.get(f"/scorecards/{card.id}").text, client.get("/my/scorecards").text]
    assert all("pacific" not in text.lower() and "native_hawaiian" not in text for text in seen)


def test_spec_page_links_the_report_for_admins_only(client, session):
    manager, admin = make_user(session), make_user(session, role="admin")
    sign_in(client, manager)
    assert f"/specs/{SPEC}/adverse-impact" not in client.get(f"/specs/{SPEC}").text
    client.cookies.clear()
    sign_in(client, admin)
    assert f"/specs/{SPEC}/adverse-impact" in client.get(f"/specs/{SPEC}").text


def test_selection_from_stored_scores_equals_scoring_the_evidence(session, population):
    """The report counts from each interview's stored score in SQL; it must say what scoring the
    evidence says, interview by interview."""
    spec = specs.get_spec(session, SPEC)
    answers = {r.candidate_id: r.sex for r in session.exec(select(SelfIdentification))}
    for threshold in (0, 50, 60, 75, 80):
        expected: dict[str, list[int]] = {}
        for ev in load_evidence(session, spec):
            if ev.interview.completed_at is None:
                continue
            score = score_of(ev)
            group = expected.setdefault(answers.get(ev.interview.candidate_id, "decline"), [0, 0])
            group[0] += 1
            group[1] += score.overall is not None and score.overall >= threshold and not score.knocked_out
        assert group_counts(session, spec, threshold, "sex") == {g: tuple(v) for g, v in expected.items()}
