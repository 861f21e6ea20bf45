"""The candidate API: the server's clock, revisions, grace, closing at the deadline, idempotency."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import select

from app.models import AnswerRevision, Answer, Interview, RoundAttempt
from app.take.service import grace
from tests.take.helpers import put_answer as _put
from tests.take.helpers import take_link as _take


def test_six_second_round_revisions_grace_and_close_at_deadline(client, session, clock):
    interview, base = _take(session)
    started = client.post(f"{base}/rounds/written/start")
    assert started.status_code == 200
    deadline = datetime.fromisoformat(started.json()["deadline"])
    assert (deadline - clock.current).total_seconds() == 6 and started.json()["seconds_left"] == 6
    assert [q["id"] for q in started.json()["questions"]] == ["q_ledger", "q_retry"]
    assert "rubric" not in started.json()["questions"][0]

    clock.advance(1)
    first = _put(client, base, "draft one", 1)
    assert first.status_code == 200 and first.json()["revision"] == 1 and first.json()["seconds_left"] == 5
    clock.advance(1)
    assert _put(client, base, "draft two <b>", 2).status_code == 200
    late = _put(client, base, "stale one", 1)
    assert late.status_code == 409
    assert late.json()["reason"] == "stale" and late.json()["revision"] == 2 and late.json()["text"] == "draft two <b>"

    clock.advance(4 + grace().total_seconds() + 0.5)
    after = _put(client, base, "too late", 3)
    assert after.status_code == 409 and after.json()["reason"] == "closed"

    state = client.get(f"{base}/rounds/written").json()
    assert state["status"] == "submitted" and state["closed_by"] == "timer"
    assert datetime.fromisoformat(state["submitted_at"]) == deadline
    assert state["answers"]["q_ledger"]["text"] == "draft two <b>" and state["answers"]["q_ledger"]["revision"] == 2
    attempt = session.exec(select(RoundAttempt).where(RoundAttempt.interview_id == interview.id)).one()
    assert attempt.submitted_at == deadline and attempt.closed_by == "timer"


def test_save_within_grace_is_accepted_after_deadline(client, session, clock):
    _, base = _take(session)
    client.post(f"{base}/rounds/written/start")
    clock.advance(6 + grace().total_seconds() - 1)
    response = _put(client, base, "last words", 1)
    assert response.status_code == 200 and response.json()["seconds_left"] == 0


def test_second_start_returns_the_same_deadline(client, session, clock):
    interview, base = _take(session)
    first = client.post(f"{base}/rounds/written/start").json()
    clock.advance(3)
    second = client.post(f"{base}/rounds/written/start").json()
    assert second["deadline"] == first["deadline"] and second["seconds_left"] == 3
    assert len(session.exec(select(RoundAttempt).where(RoundAttempt.interview_id == interview.id)).all()) == 1


def test_time_factor_two_doubles_the_window(client, session, clock):
    _, base = _take(session, time_factor=2.0)
    started = client.post(f"{base}/rounds/written/start").json()
    assert started["seconds_left"] == 12
    assert client.get(base).json()["rounds"][0]["duration_seconds"] == 12
    clock.advance(11)
    assert _put(client, base, "still in time", 1).status_code == 200


def test_every_accepted_save_is_kept_as_a_revision(client, session, clock):
    _, base = _take(session)
    client.post(f"{base}/rounds/written/start")
    for revision, text in ((1, "a"), (2, "ab"), (5, "abc")):
        assert _put(client, base, text, revision).status_code == 200
    assert _put(client, base, "old", 4).status_code == 409
    answer = session.exec(select(Answer).where(Answer.question_id == "q_ledger")).all()[-1]
    revisions = session.exec(select(AnswerRevision).where(AnswerRevision.answer_id == answer.id)
                             .order_by(AnswerRevision.revision)).all()
    assert [(r.revision, r.text) for r in revisions] == [(1, "a"), (2, "ab"), (5, "abc")]


def test_submit_is_idempotent_and_no_edits_after(client, session, clock):
    interview, base = _take(session)
    client.post(f"{base}/rounds/written/start")
    _put(client, base, "final", 1)
    clock.advance(2)
    first = client.post(f"{base}/rounds/written/submit")
    clock.advance(1)
    second = client.post(f"{base}/rounds/written/submit")
    assert first.status_code == second.status_code == 200
    assert first.json() == second.json() and first.json()["closed_by"] == "candidate"
    refused = _put(client, base, "changed my mind", 2)
    assert refused.status_code == 409 and refused.json()["text"] == "final"
    assert client.get(f"{base}/rounds/written").json()["answers"]["q_ledger"]["text"] == "final"


def test_submit_after_deadline_is_stamped_at_deadline(client, session, clock):
    _, base = _take(session)
    deadline = client.post(f"{base}/rounds/written/start").json()["deadline"]
    clock.advance(7)
    body = client.post(f"{base}/rounds/written/submit").json()
    assert body["submitted_at"] == deadline and body["closed_by"] == "timer"


def test_save_before_start_and_unknown_question_are_refused(client, session, clock):
    _, base = _take(session)
    assert _put(client, base, "x", 1).status_code == 409
    client.post(f"{base}/rounds/written/start")
    assert _put(client, base, "x", 1, qid="q_other").status_code == 404
    assert _put(client, base, "x", 0).status_code == 422
    assert client.put(f"{base}/rounds/written/answers/q_ledger", json={"text": 3}).status_code == 422
    assert client.post(f"{base}/rounds/live/start").status_code == 404
    assert client.post(f"{base}/rounds/nope/start").status_code == 404


def test_round_state_before_start_hides_questions(client, session, clock):
    _, base = _take(session)
    state = client.get(f"{base}/rounds/written").json()
    assert state["status"] == "not_started" and state["questions"] == [] and state["deadline"] is None


def test_overview_lists_candidate_rounds_only(client, session, clock):
    _, base = _take(session)
    rounds = client.get(base).json()["rounds"]
    assert [r["key"] for r in rounds] == ["written", "story"]
    assert [r["status"] for r in rounds] == ["not_started", "not_started"]


def test_behavioral_prompts_are_answered_in_order(client, session, clock):
    _, base = _take(session)
    client.post(f"{base}/rounds/story/start")
    early = _put(client, base, "second first", 1, key="story", qid="p_disagree")
    assert early.status_code == 409 and early.json()["reason"] == "order"
    assert _put(client, base, "the outage", 1, key="story", qid="p_incident").status_code == 200
    assert _put(client, base, "the argument", 1, key="story", qid="p_disagree").status_code == 200


def test_submitting_every_round_refreshes_completion(client, session, clock):
    interview, base = _take(session)
    for key, qid in (("written", "q_ledger"), ("story", "p_incident")):
        client.post(f"{base}/rounds/{key}/start")
        _put(client, base, "answer", 1, key=key, qid=qid)
        client.post(f"{base}/rounds/{key}/submit")
    session.refresh(interview)
    assert interview.completed_at is not None
    assert isinstance(session.get(Interview, interview.id), Interview)


def test_nul_characters_are_refused_not_crashing(client, session, clock):
    _, base = _take(session)
    client.post(f"{base}/rounds/written/start")
    assert _put(client, base, "a\x00b", 1).status_code == 422
    assert _put(client, base, "ab", 1).status_code == 200


def test_autosave_outcomes_are_counted(client, session, clock):
    from app.metrics import AUTOSAVES
    _, base = _take(session)
    client.post(f"{base}/rounds/written/start")
    before = {o: AUTOSAVES.labels(outcome=o)._value.get() for o in ("accepted", "stale", "late")}
    _put(client, base, "one", 1)
    _put(client, base, "old", 1)
    clock.advance(120)
    _put(client, base, "late", 2)
    after = {o: AUTOSAVES.labels(outcome=o)._value.get() for o in ("accepted", "stale", "late")}
    assert {o: after[o] - before[o] for o in after} == {"accepted": 1, "stale": 1, "late": 1}
