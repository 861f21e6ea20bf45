"""The autosave fast path (app/take/fastsave.py) answers exactly as the general path does.

On PostgreSQL every save of a written round tries the one-statement path first; on SQLite the same
requests exercise the general path, so both databases must give the same answers."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import event
from sqlmodel import select

from app.auth.service import hit
from app.interviews.service import revoke_link
from app.models import Answer, AnswerRevision, RoundAttempt
from app.take import fastsave
from app.take.access import BUCKET, UNKNOWN_TOKEN_LIMIT
from app.take.service import grace
from tests.conftest import IS_POSTGRES
from tests.take.helpers import put_answer as _put
from tests.take.helpers import take_link


def _statements(session):  # type: ignore[no-untyped-def]
    seen: list[str] = []
    engine = session.get_bind().engine
    listener = lambda conn, cursor, statement, params, context, many: seen.append(statement)  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    return seen, lambda: event.remove(engine, "before_cursor_execute", listener)


def test_a_known_link_saves_in_one_statement_on_postgres(client, session, clock):
    interview, base = take_link(session, minutes=10)
    client.post(f"{base}/rounds/written/start")
    assert _put(client, base, "first", 1).status_code == 200
    seen, stop = _statements(session)
    try:
        response = _put(client, base, "second", 2)
    finally:
        stop()
    assert response.status_code == 200 and response.json()["revision"] == 2
    assert response.json()["seconds_left"] == 600
    writes = [s for s in seen if not s.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK TO"))]
    assert len(writes) == (1 if IS_POSTGRES else 6)  # the general path: limit, link, attempt, answers, update, revision
    attempt = session.exec(select(RoundAttempt).where(RoundAttempt.interview_id == interview.id)).one()
    answer = session.exec(select(Answer).where(Answer.attempt_id == attempt.id, Answer.question_id == "q_ledger")).one()
    session.refresh(answer)
    assert (answer.text, answer.revision) == ("second", 2)
    kept = session.exec(select(AnswerRevision).where(AnswerRevision.answer_id == answer.id)
                        .order_by(AnswerRevision.revision)).all()
    assert [(r.revision, r.text) for r in kept] == [(1, "first"), (2, "second")]


def test_stale_revision_gets_the_stored_text(client, session, clock):
    _, base = take_link(session, minutes=10)
    client.post(f"{base}/rounds/written/start")
    assert _put(client, base, "newest", 5).status_code == 200
    stale = _put(client, base, "older", 4)
    assert stale.status_code == 409
    assert stale.json()["reason"] == "stale" and stale.json()["revision"] == 5 and stale.json()["text"] == "newest"


def test_revoked_link_is_refused_after_it_was_known(client, session, clock):
    interview, base = take_link(session, minutes=10)
    client.post(f"{base}/rounds/written/start")
    assert _put(client, base, "before", 1).status_code == 200
    revoke_link(session, interview, actor=None)
    session.commit()
    assert _put(client, base, "after", 2).status_code == 410


def test_late_save_closes_the_round_at_its_deadline(client, session, clock):
    interview, base = take_link(session)
    client.post(f"{base}/rounds/written/start")
    assert _put(client, base, "in time", 1).status_code == 200
    clock.advance(6 + grace().total_seconds() + 1)
    late = _put(client, base, "too late", 2)
    assert late.status_code == 409 and late.json()["reason"] == "closed" and late.json()["text"] == "in time"
    attempt = session.exec(select(RoundAttempt).where(RoundAttempt.interview_id == interview.id)).one()
    session.refresh(attempt)
    assert attempt.closed_by == "timer" and attempt.submitted_at == attempt.deadline


def test_save_within_grace_is_still_accepted(client, session, clock):
    _, base = take_link(session)
    client.post(f"{base}/rounds/written/start")
    assert _put(client, base, "in time", 1).status_code == 200
    clock.advance(6 + grace().total_seconds() - 0.5)
    accepted = _put(client, base, "in the grace", 2)
    assert accepted.status_code == 200 and accepted.json()["seconds_left"] == 0


def test_an_address_over_the_guessing_limit_is_refused_even_with_a_good_link(client, session, clock):
    _, base = take_link(session, minutes=10)
    client.post(f"{base}/rounds/written/start")
    assert _put(client, base, "before", 1).status_code == 200
    for _ in range(UNKNOWN_TOKEN_LIMIT):
        hit(session, BUCKET, "testclient")
    session.commit()
    assert _put(client, base, "after", 2).status_code == 429


def test_submitted_round_takes_no_more_saves(client, session, clock):
    _, base = take_link(session, minutes=10)
    client.post(f"{base}/rounds/written/start")
    assert _put(client, base, "final", 1).status_code == 200
    assert client.post(f"{base}/rounds/written/submit").status_code == 200
    refused = _put(client, base, "after submit", 2)
    assert refused.status_code == 409 and refused.json()["reason"] == "closed"


def test_behavioral_rounds_keep_their_order_rule(client, session, clock):
    _, base = take_link(session, minutes=10)
    client.post(f"{base}/rounds/story/start")
    client.post(f"{base}/rounds/written/start")
    assert _put(client, base, "known link", 1).status_code == 200
    early = _put(client, base, "second first", 1, key="story", qid="p_disagree")
    assert early.status_code == 409 and early.json()["reason"] == "order"


def test_unknown_question_is_not_found(client, session, clock):
    _, base = take_link(session, minutes=10)
    client.post(f"{base}/rounds/written/start")
    assert _put(client, base, "known link", 1).status_code == 200
    assert _put(client, base, "nowhere", 2, qid="q_nowhere").status_code == 404


steps = st.lists(st.tuples(st.integers(min_value=1, max_value=8), st.sampled_from([0.0, 1.0, 3.0, 30.0])),
                 min_size=1, max_size=8)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=steps)
def test_fast_and_general_paths_answer_alike(client, session, clock, monkeypatch, steps):
    """For any sequence of saves (revisions in any order, time passing up to past the deadline), a
    link the fast path knows gets the same answers and stored text as one it does not."""
    _, fast_base = take_link(session, minutes=0.5)
    _, slow_base = take_link(session, minutes=0.5)
    client.post(f"{fast_base}/rounds/written/start")
    client.post(f"{slow_base}/rounds/written/start")
    slow_token = slow_base.rsplit("/", 1)[1]
    fast_path = fastsave.try_save
    monkeypatch.setattr(fastsave, "try_save",  # the second link always goes the long way
                        lambda session, token, *a, **kw: None if token == slow_token else fast_path(session, token, *a, **kw))
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
