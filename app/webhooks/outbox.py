"""Webhook events written in the transaction of their change (app/changes.py), and the lanes the
worker delivers them in.

An event goes to every endpoint that subscribed to its type: one `webhook_event` row and one
`webhook_delivery` row per endpoint, in the change's own transaction, so a rolled-back change
leaves no event and a committed one cannot be lost. Deliveries of one endpoint travel in lanes
(`interview:<id>`, or `job_spec:<id>` for changes of a spec); a lane sends its oldest pending
delivery first, and one `webhook.deliver` job per endpoint and lane carries it (app/webhooks/
delivery.py)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from app.changes import Change
from app.jobs import queue
from app.models import Interview, JobSpec, JobSpecVersion, utcnow
from app.webhooks.models import PENDING, WebhookDelivery, WebhookEndpoint, WebhookEvent

JOB_KIND = "webhook.deliver"
# The events integrators can subscribe to (DESIGN: Webhooks); other changes stay internal.
EVENT_TYPES = ("interview.created", "round.submitted", "scorecard.submitted", "interview.completed",
               "job_spec.version_created", "candidate.erased")
_CACHE = "calibrate.webhooks.endpoints"
_SEEN = "calibrate.webhooks.people"


def new_event_id() -> str:
    """The id receivers deduplicate by (the same on every attempt and redelivery)."""
    return f"evt_{uuid.uuid4().hex}"


def forget_endpoints(session: Session) -> None:
    """Drop the transaction's cached endpoint list (after an endpoint was added or changed)."""
    session.info.pop(_CACHE, None)


def _endpoints(session: Session) -> list[WebhookEndpoint]:
    """The registered endpoints, read once per transaction (bulk loads record many changes)."""
    transaction = session.get_transaction()
    cached = session.info.get(_CACHE)
    if cached is None or cached[0] is not transaction:
        cached = (transaction, list(session.exec(select(WebhookEndpoint)).all()))
        session.info[_CACHE] = cached
    return cached[1]


def _first_in_transaction(session: Session, key: tuple[str, str]) -> bool:
    """True the first time `key` is seen in the session's current transaction (one event per
    person when their change is recorded once per job spec)."""
    transaction = session.get_transaction()
    seen = session.info.get(_SEEN)
    if seen is None or seen[0] is not transaction:
        seen = (transaction, set())
        session.info[_SEEN] = seen
    if key in seen[1]:
        return False
    seen[1].add(key)
    return True


def _version_label(session: Session, interview_id: str) -> str | None:
    interview = session.get(Interview, interview_id)
    version = session.get(JobSpecVersion, interview.spec_version_id) if interview else None
    return version.label if version else None


def event_data(session: Session, change: Change, interview_id: str | None) -> dict[str, Any]:
    """What an event says: ids and labels only, never a name, an email or an answer."""
    spec = session.get(JobSpec, change.spec_id)
    data: dict[str, Any] = {"job_spec": spec.slug if spec else None, "job_spec_id": change.spec_id}
    if interview_id is not None:
        data["interview_id"] = interview_id
        data["version"] = _version_label(session, interview_id)
    elif spec is not None:
        version = session.exec(select(JobSpecVersion).where(JobSpecVersion.spec_id == spec.id,
                                                            JobSpecVersion.number == spec.current_version)).first()
        data["version"] = version.label if version else None
        data["version_number"] = spec.current_version
    if change.round_key is not None:
        data["round"] = change.round_key
    if change.scorecard_id is not None:
        data["scorecard_id"] = change.scorecard_id
    return data


def schedule(session: Session, *, endpoint_id: str, lane: str, at: datetime | None = None) -> None:
    """Make sure a job will carry the lane at `at` (one pending job per endpoint and lane)."""
    at = at or utcnow()
    job = queue.enqueue(session, JOB_KIND, {"endpoint_id": endpoint_id, "lane": lane},
                        key=f"{endpoint_id}:{lane}", run_after=at)
    if job.run_after > at and (job.locked_until is None or job.locked_until < at):
        job.run_after = at  # a redelivery or a resume should not wait for a retry scheduled later
        session.add(job)


def publish(session: Session, event_type: str, data: dict[str, Any], *, lane: str,
            endpoints: Sequence[WebhookEndpoint]) -> WebhookEvent:
    """Write the event and one delivery per endpoint; unpaused endpoints get their lane scheduled."""
    event = WebhookEvent(id=new_event_id(), type=event_type, lane=lane, data=data)
    session.add(event)
    session.flush()
    for endpoint in endpoints:
        session.add(WebhookDelivery(endpoint_id=endpoint.id, event_id=event.id, lane=lane, status=PENDING))
        if not endpoint.paused:
            schedule(session, endpoint_id=endpoint.id, lane=lane)
    session.flush()
    return event


class WebhookOutbox:
    """Change handler: the events of a change go into the outbox in the change's transaction."""

    def in_transaction(self, session: Session, change: Change) -> None:
        """One event per interview the change touched (or one for the spec), to its subscribers."""
        if change.kind.value not in EVENT_TYPES:
            return
        subscribed = [e for e in _endpoints(session) if change.kind.value in e.events]
        if not subscribed:
            return
        if change.candidate_id is not None:  # about a person: their id only (an erasure names no one), once
            if _first_in_transaction(session, (change.kind.value, change.candidate_id)):
                publish(session, change.kind.value, {"candidate_id": change.candidate_id},
                        lane=f"candidate:{change.candidate_id}", endpoints=subscribed)
            return
        for interview_id in change.interview_ids or (None,):
            lane = f"interview:{interview_id}" if interview_id else f"job_spec:{change.spec_id}"
            publish(session, change.kind.value, event_data(session, change, interview_id), lane=lane,
                    endpoints=subscribed)

    def after_commit(self, session: Session, changes: Sequence[Change]) -> None:
        """Nothing: the worker picks the deliveries up."""


def pending_lanes(session: Session, endpoint_id: str) -> list[str]:
    """The lanes of an endpoint that still have deliveries to send."""
    return list(session.exec(select(WebhookDelivery.lane).where(WebhookDelivery.endpoint_id == endpoint_id,
                                                                col(WebhookDelivery.status) == PENDING)
                             .distinct()).all())
