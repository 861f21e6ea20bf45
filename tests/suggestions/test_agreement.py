"""The model as an extra rater: its stored suggestions against the panel's submitted ratings,
computed with the spec's stored aggregates and served as stored."""

from __future__ import annotations

from datetime import datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete
from sqlmodel import Session, select

from app.dashboard import aggregates
from app.jobs.models import Job
from app.specs.service import get_spec
from app.suggestions.agreement import stored_agreement
from scoring.reliability import icc
from tests.ai.fake_openai import FakeOpenAI, suggestions
from tests.dashboard.helpers import run_aggregates
from tests.factories import bearer, make_user, sign_in
from tests.scorecards.helpers import FULL
from tests.suggestions.helpers import LEDGER, panel, submit

SPEC = "senior-backend-payments"
FSD = "financial_systems_design"


def compared(client: TestClient, session: Session, fake: FakeOpenAI, owner_rating: int, other_rating: int,
             model_rating: int) -> None:
    """An interview whose two round_01 interviewers rated FSD as given, the owner asking the model."""
    p = panel(session, submitted=False)
    submit(session, p.card, p.owner, {**FULL, FSD: owner_rating})
    submit(session, p.other_card, p.other, {**FULL, FSD: other_rating})
    fake.script(suggestions([{"competency_id": FSD, "rating": model_rating, "rationale": "r", "quotes": [LEDGER]}]))
    headers = bearer(session, p.owner)
    session.commit()
    assert client.post(f"/api/v1/scorecards/{p.card.id}/suggest", headers=headers).status_code == 200


def test_model_agreement_against_the_panels_mean(client: TestClient, session: Session,
                                                 fake_openai: FakeOpenAI) -> None:
    compared(client, session, fake_openai, 3, 5, 4)  # panel mean 4, model 4
    compared(client, session, fake_openai, 2, 2, 3)  # panel mean 2, model 3
    compared(client, session, fake_openai, 1, 2, 2)  # panel mean 1.5, model 2
    run_aggregates(session)
    stored = stored_agreement(session, get_spec(session, SPEC))
    figures = {c["id"]: c for c in stored["competencies"]}
    fsd = figures[FSD]
    assert fsd["n"] == 3 and fsd["mean_deviation"] == pytest.approx((0 + 1 + 0.5) / 3)
    expected = icc([[4, 4], [2, 3], [1.5, 2]])
    assert fsd["agreement"] == pytest.approx(expected["ICC(2,1)"])
    assert fsd["consistency"] == pytest.approx(expected["ICC(3,1)"])
    unrated = figures["postgres_schema_design"]
    assert unrated == {"id": "postgres_schema_design", "name": "Postgres Schema Design for Scale", "n": 0,
                       "mean_deviation": None, "icc": None, "agreement": None, "consistency": None}
    headers = bearer(session, make_user(session))
    session.commit()
    body = client.get(f"/api/v1/job-specs/{SPEC}/model-agreement", headers=headers).json()
    assert body["slug"] == SPEC and datetime.fromisoformat(body["computed_at"]) == stored["computed_at"]
    assert [c for c in body["competencies"] if c["id"] == FSD][0]["agreement"] == pytest.approx(fsd["agreement"])


def test_model_agreement_shows_on_the_analysis_page(client: TestClient, session: Session,
                                                    fake_openai: FakeOpenAI) -> None:
    compared(client, session, fake_openai, 3, 5, 4)
    compared(client, session, fake_openai, 2, 2, 3)
    manager = make_user(session)
    session.commit()
    sign_in(client, manager)
    page = client.get(f"/specs/{SPEC}/questions/analysis").text
    assert "The model as an extra rater" in page and "Not computed yet" in page
    assert f'data-competency="{FSD}"' not in page  # nothing is computed on the request
    run_aggregates(session)
    session.commit()
    computed_at = aggregates.stored(session, get_spec(session, SPEC).id).computed_at
    page = client.get(f"/specs/{SPEC}/questions/analysis").text
    assert f'<time datetime="{computed_at.isoformat()}">' in page
    assert f'<tr data-competency="{FSD}"><td>Financial Systems Design</td><td class="num">2</td>' in page
    assert "+0.50" in page and "too few comparisons" in page


def test_model_agreement_is_for_managers(client: TestClient, session: Session) -> None:
    headers = bearer(session, make_user(session, role="interviewer"))
    session.commit()
    assert client.get(f"/api/v1/job-specs/{SPEC}/model-agreement", headers=headers).status_code == 403


def test_reliability_report_shows_the_model_as_an_extra_rater(client: TestClient, session: Session,
                                                              fake_openai: FakeOpenAI) -> None:
    compared(client, session, fake_openai, 3, 5, 4)
    compared(client, session, fake_openai, 2, 2, 3)
    manager = make_user(session)
    headers = bearer(session, manager)
    session.commit()
    before = client.get(f"/api/v1/job-specs/{SPEC}/reliability", headers=headers).json()
    assert before["computed_at"] is None and all(c["n"] == 0 for c in before["model_rater"])
    run_aggregates(session)
    session.commit()
    computed_at = aggregates.stored(session, get_spec(session, SPEC).id).computed_at
    body = client.get(f"/api/v1/job-specs/{SPEC}/reliability", headers=headers).json()
    assert datetime.fromisoformat(body["computed_at"]) == computed_at
    fsd = [c for c in body["model_rater"] if c["id"] == FSD][0]
    assert fsd["n"] == 2 and fsd["mean_deviation"] == pytest.approx(0.5)
    assert fsd["agreement"] == pytest.approx(icc([[4, 4], [2, 3]])["ICC(2,1)"])
    sign_in(client, manager)
    fragment = client.get(f"/specs/{SPEC}/dashboard?part=reliability", headers={"HX-Request": "true"}).text
    assert 'id="reliability"' in fragment and "The model as an extra rater" in fragment
    assert f'<tr data-competency="{FSD}"><td>Financial Systems Design</td><td class="num">2</td>' in fragment


def test_agreement_of_a_spec_without_comparisons_reads_no_ratings(session, monkeypatch):
    from app.suggestions import agreement

    def no_scan(*_args):  # type: ignore[no-untyped-def]
        raise AssertionError("the spec's ratings were read although nothing was compared")

    monkeypatch.setattr(agreement, "_panel_rows", no_scan)
    monkeypatch.setattr(agreement, "_model_rows", no_scan)
    spec = get_spec(session, SPEC)
    assert agreement.computed_agreement(session.connection(), spec.id) == {}
    run_aggregates(session)  # the background recompute pays nothing for it either
    rows = stored_agreement(session, spec)["competencies"]
    assert rows and all(row["n"] == 0 and row["agreement"] is None for row in rows)


def test_storing_suggestions_schedules_the_specs_recompute(client: TestClient, session: Session,
                                                           fake_openai: FakeOpenAI) -> None:
    p = panel(session)
    spec = get_spec(session, SPEC)
    session.execute(delete(Job).where(Job.kind == aggregates.KIND_NAME))  # the submission's recompute ran
    fake_openai.script(suggestions([{"competency_id": FSD, "rating": 4, "rationale": "r", "quotes": [LEDGER]}]))
    headers = bearer(session, p.owner)
    session.commit()
    assert client.post(f"/api/v1/scorecards/{p.card.id}/suggest", headers=headers).status_code == 200
    waiting = session.exec(select(Job).where(Job.kind == aggregates.KIND_NAME, Job.key == spec.id,
                                             Job.done_at.is_(None))).all()  # type: ignore[union-attr]
    assert len(waiting) == 1 and waiting[0].payload == {"spec_id": spec.id}
    # The same answer asked for again is read back, not stored again: nothing new to compute.
    session.execute(delete(Job).where(Job.kind == aggregates.KIND_NAME))
    session.commit()
    assert client.post(f"/api/v1/scorecards/{p.card.id}/suggest", headers=headers).status_code == 200
    assert session.exec(select(Job).where(Job.kind == aggregates.KIND_NAME)).all() == []


def test_stored_suggestions_move_no_ranking_row_and_reach_no_live_dashboard(session: Session, monkeypatch) -> None:
    """The model's answer feeds only the stored model agreement: the interview's ranking row is not
    rescored and no dashboard stream re-renders for it, while a scorecard change still does both."""
    from app import changes
    from app.changes import Change, ChangeKind
    from app.events import bus
    from app.models import Interview, InterviewStat

    p = panel(session)
    interview = session.get(Interview, p.card.interview_id)
    assert interview is not None
    row = session.get(InterviewStat, interview.id)
    assert row is not None and row.overall is not None
    row.overall = -1.0  # a value no refresh would write
    session.add(row)
    session.flush()
    delivered: list[object] = []
    monkeypatch.setattr(bus.broker, "deliver", delivered.append)  # SQLite: after the commit
    monkeypatch.setattr(bus, "notify", lambda _session, event: delivered.append(event))  # PostgreSQL: NOTIFY
    for kind in (ChangeKind.SUGGESTIONS_STORED, ChangeKind.SCORECARD_AMENDED):
        changes.record(session, kind, spec_id=interview.spec_id, interview_id=interview.id)
        session.refresh(row)
        bus.LiveDashboards().after_commit(session, [Change(kind, interview.spec_id, (interview.id,))])
        if kind is ChangeKind.SUGGESTIONS_STORED:
            assert row.overall == -1.0 and delivered == []
    assert row.overall != -1.0 and [e.kind for e in delivered] == [ChangeKind.SCORECARD_AMENDED.value]  # type: ignore[attr-defined]
