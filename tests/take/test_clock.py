"""The clock rules hold for all durations, time factors and save times (injected clock, no sleeps)."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.errors import Conflict
from app.models import Interview
from app.specs.content import Round
from app.specs.service import current_content
from app.interviews import attempts
from app.take import service
from tests.factories import make_interview
from tests.take.helpers import START, timed_spec

FACTORS = st.sampled_from([1.0, 1.25, 1.5, 2.0, 4.0])


@given(minutes=st.floats(min_value=0.01, max_value=24 * 60, allow_nan=False), factor=FACTORS)
def test_deadline_is_start_plus_duration_times_factor(minutes, factor):
    interview = Interview(time_factor=factor)
    rnd = Round(key="r", name="R", kind="written", duration_minutes=minutes, question_count=1)
    deadline = service.deadline_for(START, rnd, interview)
    assert abs((deadline - START).total_seconds() - minutes * 60 * factor) < 1e-3


@given(offset=st.floats(min_value=-5, max_value=120, allow_nan=False))
def test_saves_accepted_exactly_until_deadline_plus_grace(offset):
    now = START + timedelta(seconds=offset)
    assert attempts.accepts_saves(START, now) == (offset <= attempts.grace().total_seconds())


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(factor=FACTORS, offset=st.integers(min_value=0, max_value=90))
def test_save_at_any_time_follows_the_window(session, factor, offset):
    slug = "timed-clock-property"
    if current_content(session, slug) is None:
        timed_spec(session, minutes=0.1, slug=slug)
    interview = make_interview(session, spec_slug=slug, time_factor=factor).interview
    attempt = service.start_round(session, interview, "written", now=START)
    assert attempt.deadline == START + timedelta(seconds=6 * factor)
    window = 6 * factor + service.grace().total_seconds()
    now = START + timedelta(seconds=offset)
    try:
        service.save_answer(session, interview, "written", "q_ledger", text="x", revision=1, now=now)
        accepted = True
    except Conflict:
        accepted = False
    assert accepted == (offset <= window)
    state = service.round_state(session, interview, "written", now=now)
    assert (state["status"] == "submitted") == (offset > window)
    if offset > window:
        assert state["submitted_at"] == attempt.deadline.isoformat() and state["closed_by"] == "timer"
