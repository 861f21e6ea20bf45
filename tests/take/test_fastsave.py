"""The autosave fast path (app/take/fastsave.py) answers exactly as the general path does.

These tests run against a database whose transactions really commit, with the fast path's own
pool open, as under `calibrate serve`. An accepted save is made by the fast path (on PostgreSQL one
statement from the event loop, on SQLite one sqlite3 transaction) and everything else falls through
to the general path, which must give the same answers."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text
from sqlmodel import Session, select

from app.auth.service import hit
from app.interviews.service import revoke_link
from app.metrics import AUTOSAVES
from app.models import Answer, AnswerRevision, RoundAttempt
from app.take import fastsave, service
from app.take.access import BUCKET, UNKNOWN_TOKEN_LIMIT
from app.take.service import grace
from tests.conftest import IS_POSTGRES
from tests.factories import make_interview
from tests.take.helpers import put_answer as _put
from tests.take.helpers import timed_spec
from tests.take.test_concurrency import _app_on

TRY_SAVE = fastsave.try_save
only_postgres = pytest.mark.skipif(not IS_POSTGRES, reason="the psycopg pool is PostgreSQL's")


@contextmanager
def _client(engine, **options: Any) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    """A client of an app on `engine` with the fast path's pool open in the app's event loop."""
    with TestClient(_app_on(engine), **options) as client:
        serving = fastsave.serving(engine.url.render_as_string(hide_password=False))
        client.portal.call(serving.__aenter__)
        try:
            yield client
        finally:
            client.portal.call(serving.__aexit__, None, None, None)


@pytest.fixture
def client(committed_engine) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with _client(committed_engine) as test_client:
        yield test_client


@pytest.fixture
def general_calls(monkeypatch) -> list[int]:  # type: ignore[no-untyped-def]
    """The revisions that reached the general path's `service.save_answer`."""
    calls: list[int] = []
    general = service.save_answer

    def spy(*args: Any, **kwargs: Any):  # type: ignore[no-untyped-def]
        calls.append(kwargs["revision"])
        return general(*args, **kwargs)

    monkeypatch.setattr(service, "save_answer", spy)
    return calls


def _link(engine, minutes: float = 10.0) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    """A committed interview on a fresh timed spec: its interview id and candidate API base path."""
    with Session(engine, expire_on_commit=False) as session:
        created = make_interview(session, spec_slug=timed_spec(session, minutes=minutes))
        session.commit()
    base = f"/api/v1/take/{created.token}"
    return created.interview.id, base


def _stored(engine, interview_id: str, question_id: str = "q_ledger") -> tuple[tuple, list]:  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        attempt = session.exec(select(RoundAttempt).where(RoundAttempt.interview_id == interview_id,
                                                          RoundAttempt.round_key == "written")).one()
        answer = session.exec(select(Answer).where(Answer.attempt_id == attempt.id,
                                                   Answer.question_id == question_id)).one()
        kept = session.exec(select(AnswerRevision).where(AnswerRevision.answer_id == answer.id)
                            .order_by(AnswerRevision.revision)).all()
        return (answer.revision, answer.text), [(r.revision, r.text) for r in kept]


def _accepted() -> float:
    return AUTOSAVES.labels(outcome="accepted")._value.get()


def test_an_accepted_save_is_made_by_the_fast_path(client, committed_engine, clock, general_calls):
    interview_id, base = _link(committed_engine)
    assert client.post(f"{base}/rounds/written/start").status_code == 200
    before = _accepted()
    first, second = _put(client, base, "first", 1), _put(client, base, "second", 2)
    assert first.status_code == second.status_code == 200
    assert second.json() == {"revision": 2, "saved_at": clock.current.isoformat(), "seconds_left": 600}
    assert second.headers["content-type"] == "application/json" and "x-request-id" in second.headers
    assert general_calls == [] and _accepted() == before + 2
    assert _stored(committed_engine, interview_id) == ((2, "second"), [(1, "first"), (2, "second")])


@only_postgres
def test_a_broken_connection_is_retried_once(client, committed_engine, clock, general_calls):
    interview_id, base = _link(committed_engine)
    client.post(f"{base}/rounds/written/start")
    assert _put(client, base, "before", 1).status_code == 200
    with committed_engine.connect() as conn:  # what a database restart does to the pool's connections
        ended = conn.execute(text("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                                  "WHERE application_name = :name AND datname = current_database()"),
                             {"name": fastsave.APPLICATION_NAME}).scalar()
    assert ended >= 1
    assert _put(client, base, "after", 2).status_code == 200
    assert general_calls == []
    assert _stored(committed_engine, interview_id)[0] == (2, "after")


def test_stale_revision_gets_the_stored_text(client, committed_engine, clock, general_calls):
    _, base = _link(committed_engine)
    client.post(f"{base}/rounds/written/start")
    assert _put(client, base, "newest", 5).status_code == 200
    stale = _put(client, base, "older", 4)
    assert stale.status_code == 409
    assert stale.json()["reason"] == "stale" and stale.json()["revision"] == 5 and stale.json()["text"] == "newest"
    assert stale.json()["seconds_left"] == 600
    assert general_calls[-1] == 4


def test_revoked_link_is_refused_after_it_was_known(client, committed_engine, clock):
    interview_id, base = _link(committed_engine)
    client.post(f"{base}/rounds/written/start")
    assert _put(client, base, "before", 1).status_code == 200
    with Session(committed_engine) as session:
        from app.models import Interview
        revoke_link(session, session.get(Interview, interview_id), actor=None)
        session.commit()
    assert _put(client, base, "after", 2).status_code == 410
    assert _stored(committed_engine, interview_id)[0] == (1, "before")


def test_unknown_link_and_question_are_not_found(client, committed_engine, clock):
    _, base = _link(committed_engine)
    client.post(f"{base}/rounds/written/start")
    assert _put(client, base, "known link", 1).status_code == 200
    assert _put(client, base, "nowhere", 2, qid="q_nowhere").status_code == 404
    assert _put(client, "/api/v1/take/not-a-token", "guess", 1).status_code == 404


def test_late_save_closes_the_round_at_its_deadline(client, committed_engine, clock):
    interview_id, base = _link(committed_engine, minutes=0.1)
    client.post(f"{base}/rounds/written/start")
    assert _put(client, base, "in time", 1).status_code == 200
    clock.advance(6 + grace().total_seconds() - 0.5)
    accepted = _put(client, base, "in the grace", 2)
    assert accepted.status_code == 200 and accepted.json()["seconds_left"] == 0
    clock.advance(1)
    late = _put(client, base, "too late", 3)
    assert late.status_code == 409 and late.json()["reason"] == "closed" and late.json()["text"] == "in the grace"
    with Session(committed_engine) as session:
        attempt = session.exec(select(RoundAttempt).where(RoundAttempt.interview_id == interview_id)).one()
    assert attempt.closed_by == "timer" and attempt.submitted_at == attempt.deadline


def test_an_address_over_the_guessing_limit_is_refused_even_with_a_good_link(committed_engine, clock):
    address = "203.0.113.77"  # an address of its own: the hits are committed
    _, base = _link(committed_engine)
    with _client(committed_engine, client=(address, 5000)) as client:
        client.post(f"{base}/rounds/written/start")
        assert _put(client, base, "before", 1).status_code == 200
        with Session(committed_engine) as session:
            for _ in range(UNKNOWN_TOKEN_LIMIT):
                hit(session, BUCKET, address)
            session.commit()
        refused = _put(client, base, "after", 2)
    assert refused.status_code == 429 and "retry-after" in refused.headers


def test_unstarted_and_submitted_rounds_take_no_saves(client, committed_engine, clock):
    _, base = _link(committed_engine)
    unstarted = _put(client, base, "too early", 1)
    assert unstarted.status_code == 409 and unstarted.json()["reason"] == "not_started"
    client.post(f"{base}/rounds/written/start")
    assert _put(client, base, "final", 1).status_code == 200
    assert client.post(f"{base}/rounds/written/submit").status_code == 200
    refused = _put(client, base, "after submit", 2)
    assert refused.status_code == 409 and refused.json()["reason"] == "closed"


def test_behavioral_rounds_keep_their_order_rule(client, committed_engine, clock, general_calls):
    _, base = _link(committed_engine)
    client.post(f"{base}/rounds/story/start")
    early = _put(client, base, "second first", 1, key="story", qid="p_disagree")
    assert early.status_code == 409 and early.json()["reason"] == "order"
    assert _put(client, base, "first", 1, key="story", qid="p_incident").status_code == 200
    assert general_calls == [1, 1]  # behavioral rounds always take the general path


def test_invalid_bodies_get_422_in_the_api_format(client, committed_engine, clock):
    _, base = _link(committed_engine)
    client.post(f"{base}/rounds/written/start")
    path = f"{base}/rounds/written/answers/q_ledger"
    for body in ({"text": "x", "revision": 0}, {"text": "x", "revision": 1, "extra": 1}, {"text": "a\x00b", "revision": 1}):
        invalid = client.put(path, json=body)
        assert invalid.status_code == 422 and invalid.json()["errors"][0]["loc"][0] == "body"
    not_json = client.put(path, content=b"text=x", headers={"content-type": "application/x-www-form-urlencoded"})
    assert not_json.status_code == 422
    too_long = _put(client, base, "x" * (service.MAX_ANSWER_CHARS + 1), 1)
    assert too_long.status_code == 422 and too_long.json()["errors"][0]["loc"] == ["body", "text"]


def test_concurrent_fast_saves_keep_the_highest_acknowledged_revision(client, committed_engine, clock):
    interview_id, base = _link(committed_engine)
    client.post(f"{base}/rounds/written/start")
    revisions = list(range(40, 0, -1))

    def save(revision: int) -> tuple[int, int]:
        return revision, _put(client, base, f"text {revision}", revision).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(save, revisions))
    acknowledged = sorted(r for r, status in results if status == 200)
    assert {status for _, status in results} <= {200, 409} and acknowledged[-1] == 40
    (revision, stored_text), kept = _stored(committed_engine, interview_id)
    assert (revision, stored_text) == (40, "text 40")
    assert kept == [(r, f"text {r}") for r in acknowledged]


def test_the_fast_path_skips_only_dependencies_that_do_nothing_for_it(committed_engine):
    """AutosaveRoute answers before FastAPI solves the route's dependencies. That is exact only while
    they are the Public marker, the session (which the fast path does not use) and the app's CSRF
    check (which exempts the candidate API): a new one must be looked at here first."""
    from app.csrf import csrf_protect, needs_csrf
    from app.db import get_session
    from app.deps import public
    from app.schemas import served_routes
    from starlette.requests import Request

    app = _app_on(committed_engine)
    route, = [r for r in served_routes(app.routes) if r.path.endswith("/answers/{question_id}") and "PUT" in r.methods]
    assert isinstance(route, fastsave.AutosaveRoute)
    assert {d.call for d in route.dependant.dependencies} == {public, get_session}
    assert [d.dependency for d in app.router.dependencies] == [csrf_protect]
    scope = {"type": "http", "method": "PUT", "path": "/api/v1/take/t/rounds/r/answers/q", "headers": [
        (b"cookie", b"calibrate_session=s")], "query_string": b""}
    assert needs_csrf(Request(scope)) is False


steps = st.lists(st.tuples(st.integers(min_value=1, max_value=8), st.sampled_from([0.0, 1.0, 3.0, 30.0])),
                 min_size=1, max_size=8)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=steps)
def test_fast_and_general_paths_answer_alike(client, committed_engine, clock, monkeypatch, steps):
    """For any sequence of saves (revisions in any order, time passing up to past the deadline), a
    link the fast path serves gets the same answers and stored text as one it never serves."""
    _, fast_base = _link(committed_engine, minutes=0.5)
    _, slow_base = _link(committed_engine, minutes=0.5)
    client.post(f"{fast_base}/rounds/written/start")
    client.post(f"{slow_base}/rounds/written/start")
    slow_token = slow_base.rsplit("/", 1)[1]

    async def only_fast_link(token: str, *args: Any, **kwargs: Any):  # type: ignore[no-untyped-def]
        return None if token == slow_token else await TRY_SAVE(token, *args, **kwargs)

    monkeypatch.setattr(fastsave, "try_save", only_fast_link)  # the second link always goes the long way
    start = clock.current
    for n, (revision, wait) in enumerate(steps):
        clock.advance(wait)
        fast = _put(client, fast_base, f"text {n}", revision)
        slow = _put(client, slow_base, f"text {n}", revision)
        assert fast.status_code == slow.status_code
        assert {k: v for k, v in fast.json().items() if k != "saved_at"} == \
            {k: v for k, v in slow.json().items() if k != "saved_at"}
    assert client.get(f"{fast_base}/rounds/written").json()["answers"] == \
        client.get(f"{slow_base}/rounds/written").json()["answers"]
    clock.current = start
