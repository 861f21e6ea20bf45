"""Publish dashboard events from the rows that change, wherever the change is made.

Rather than relying on every service to remember a `publish` call, the session's `after_flush`
hook looks at what the flush wrote and publishes for the affected spec:

* a scorecard whose status became `submitted` → `scorecard_submitted`; a submitted scorecard
  (or its ratings / must-have checks) changed again → `scorecard_amended`;
* a round attempt whose `submitted_at` was set → `round_submitted`;
* a new interview → `interview_created`; an interview's `completed_at` changed → `interview_completed`;
* a job spec whose `current_version` changed (weights or any content) → `weights_changed`.

Events still reach subscribers only after the commit (see app/events/bus.py)."""

from __future__ import annotations

from sqlalchemy import event as sa_event
from sqlalchemy import inspect, select
from sqlalchemy.orm import Session as OrmSession

from app.events.bus import publish
from app.models import Interview, JobSpec, MustHaveCheck, Rating, RoundAttempt, Scorecard


def changed(obj: object, attr: str) -> bool:
    """Whether this flush sets a new value of the attribute."""
    return bool(inspect(obj).attrs[attr].history.added)


def _scorecard_kinds(session: OrmSession) -> dict[str, str]:
    """scorecard id → kind, for the scorecards this flush moved."""
    kinds: dict[str, str] = {}
    touched_cards: set[str] = set()
    for obj in list(session.new) + list(session.dirty) + list(session.deleted):
        if isinstance(obj, Scorecard) and obj.status == "submitted":
            is_new = obj in session.new
            if is_new or changed(obj, "status"):
                kinds[obj.id] = "scorecard_submitted"
            elif session.is_modified(obj, include_collections=False):
                kinds.setdefault(obj.id, "scorecard_amended")
        elif isinstance(obj, (Rating, MustHaveCheck)) and obj.scorecard_id:
            touched_cards.add(obj.scorecard_id)
    touched_cards -= set(kinds)
    if touched_cards:
        rows = session.connection().execute(
            select(Scorecard.id).where(Scorecard.id.in_(touched_cards), Scorecard.status == "submitted")).all()
        kinds.update({card_id: "scorecard_amended" for (card_id,) in rows})
    return kinds


def _spec_of_interviews(session: OrmSession, interview_ids: set[str]) -> dict[str, str]:
    if not interview_ids:
        return {}
    rows = session.connection().execute(
        select(Interview.id, Interview.spec_id).where(Interview.id.in_(interview_ids))).all()
    return dict(rows)


@sa_event.listens_for(OrmSession, "after_flush")
def _publish_changes(session: OrmSession, _context: object) -> None:
    events: set[tuple[str, str]] = set()
    by_interview: set[tuple[str, str]] = set()
    for obj in list(session.new) + list(session.dirty):
        if isinstance(obj, JobSpec) and obj not in session.new and changed(obj, "current_version"):
            events.add((obj.id, "weights_changed"))
        elif isinstance(obj, Interview):
            if obj in session.new:
                events.add((obj.spec_id, "interview_created"))
            elif changed(obj, "completed_at"):
                events.add((obj.spec_id, "interview_completed"))
        elif isinstance(obj, RoundAttempt) and obj.submitted_at is not None and changed(obj, "submitted_at"):
            by_interview.add((obj.interview_id, "round_submitted"))
    kinds = _scorecard_kinds(session)
    if kinds:
        rows = session.connection().execute(
            select(Scorecard.id, Scorecard.interview_id).where(Scorecard.id.in_(kinds))).all()
        by_interview |= {(interview_id, kinds[card_id]) for card_id, interview_id in rows}
    specs = _spec_of_interviews(session, {iid for iid, _ in by_interview})
    events |= {(specs[iid], kind) for iid, kind in by_interview if iid in specs}
    for spec_id, kind in sorted(events):
        publish(session, spec_id, kind)
