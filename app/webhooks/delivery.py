"""Sending webhook deliveries: the `webhook.deliver` job carries one endpoint's lane, oldest
pending delivery first, so events of an interview arrive in order.

Each attempt leases the lane's head delivery in a short transaction, POSTs outside of any
transaction (10 s timeout, no redirects, to the address the SSRF guard checked), and records
the outcome in another. A 2xx delivers it; anything else is retried on the kind's backoff
until 24 h after the delivery was written, then given up (kept in the log). Either way the
lane moves on to its next delivery. The lease makes a second job for the same lane (two
transactions may both queue one) step aside instead of sending the same delivery twice."""

from __future__ import annotations

import json
import logging
import secrets
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx
from sqlmodel import Session, col, select

from app.jobs.registry import JobKind
from app.jobs.worker import JobRun
from app.settings import get_settings
from app.webhooks import guard, signing, vault
from app.webhooks.models import (
    DELIVERED,
    FAILED,
    PENDING,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)
from app.webhooks.outbox import JOB_KIND, schedule

log = logging.getLogger("calibrate.webhooks")
TIMEOUT_SECONDS = 10.0
RETRY_FOR = timedelta(hours=24)
LEASE = timedelta(seconds=60)  # one attempt: resolution + 10 s; shorter than the job's lease
PER_RUN = 5  # deliveries one job sends before it yields the worker to other jobs
USER_AGENT = "Calibrate-Webhooks/1"


@dataclass(frozen=True)
class Attempt:
    """A leased delivery and everything needed to send it."""

    delivery_id: int
    lease: str
    url: str
    event_id: str
    body: bytes
    signing_secrets: tuple[str, ...]


@dataclass(frozen=True)
class Outcome:
    """How one attempt went."""

    status_code: int | None
    duration_ms: int
    error: str | None

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def event_body(event: WebhookEvent) -> bytes:
    """The delivery's JSON body: `{id, type, created_at, data}`."""
    return json.dumps({"id": event.id, "type": event.type, "created_at": event.created_at.isoformat(),
                       "data": event.data}, separators=(",", ":")).encode()


def signing_secrets(endpoint: WebhookEndpoint, now: datetime) -> tuple[str, ...]:
    """The current secret, and the previous one while its rotation overlap lasts."""
    found = [vault.open_sealed(endpoint.secret_sealed, endpoint_id=endpoint.id)]
    if endpoint.previous_secret_sealed and endpoint.previous_secret_expires_at and \
            endpoint.previous_secret_expires_at > now:
        found.append(vault.open_sealed(endpoint.previous_secret_sealed, endpoint_id=endpoint.id))
    return tuple(found)


def _head(session: Session, endpoint_id: str, lane: str) -> WebhookDelivery | None:
    query = (select(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint_id, WebhookDelivery.lane == lane,
                                           col(WebhookDelivery.status) == PENDING)
             .order_by(col(WebhookDelivery.id)).limit(1).with_for_update())
    return session.exec(query).first()


def _lease_head(session: Session, job: JobRun, now: datetime) -> Attempt | None:
    """Lease the lane's head delivery when it is due; None (and the job done) when there is none."""
    endpoint_id, lane = job.payload["endpoint_id"], job.payload["lane"]
    endpoint = session.get(WebhookEndpoint, endpoint_id)
    head = _head(session, endpoint_id, lane) if endpoint is not None and not endpoint.paused else None
    if head is None or (head.locked_until is not None and head.locked_until > now):
        job.finish(session)  # nothing to send, paused (resume schedules it), or another job holds the lane
        return None
    if head.next_attempt_at > now:
        job.finish(session)
        schedule(session, endpoint_id=endpoint_id, lane=lane, at=head.next_attempt_at)
        return None
    event = session.get(WebhookEvent, head.event_id)
    assert event is not None
    head.lease, head.locked_until = secrets.token_hex(8), now + LEASE
    session.add(head)
    return Attempt(head.id, head.lease, endpoint.url, event.id, event_body(event),  # type: ignore[arg-type, union-attr]
                   signing_secrets(endpoint, now))  # type: ignore[arg-type]


def post(attempt: Attempt, *, allow_loopback: bool) -> Outcome:
    """One signed POST to the checked address; never raises for the receiver's failures. The
    signature's `t` is the wall-clock time of sending: what receivers compare with their clock."""
    started = time.perf_counter()
    try:
        target = guard.check(attempt.url, allow_loopback=allow_loopback)
        timestamp = int(time.time())
        headers = {"Host": target.host_header, "Content-Type": "application/json", "User-Agent": USER_AGENT,
                   "Calibrate-Event-Id": attempt.event_id,
                   "Calibrate-Signature": signing.signature_header(attempt.signing_secrets, timestamp, attempt.body)}
        extensions = {"sni_hostname": target.host} if target.scheme == "https" else {}
        with (httpx.Client(timeout=TIMEOUT_SECONDS, follow_redirects=False, trust_env=False) as client,
              client.stream("POST", target.connect_url, content=attempt.body, headers=headers,
                            extensions=extensions) as response):
            code = response.status_code  # the body is never read: a receiver cannot keep the worker busy
        error = None
        if not 200 <= code < 300:
            error = f"HTTP {code}" + (" (redirects are not followed)" if 300 <= code < 400 else "")
        return Outcome(code, _ms(started), error)
    except guard.UnsafeURL as exc:
        return Outcome(None, _ms(started), f"refused: {exc}")
    except httpx.HTTPError as exc:
        return Outcome(None, _ms(started), f"{type(exc).__name__}: {exc}"[:500])


def _ms(started: float) -> int:
    return int((time.perf_counter() - started) * 1000)


def _record(session: Session, job: JobRun, attempt: Attempt, outcome: Outcome, now: datetime) -> bool:
    """Store the outcome; True when the lane may go on at once (delivered or given up)."""
    delivery = session.get(WebhookDelivery, attempt.delivery_id, with_for_update=True)
    if delivery is None or delivery.lease != attempt.lease or delivery.status != PENDING:
        return False  # deleted, or the lease ran out and another job took over
    delivery.attempts += 1
    delivery.last_attempt_at, delivery.response_code = now, outcome.status_code
    delivery.duration_ms, delivery.error = outcome.duration_ms, outcome.error and outcome.error[:500]
    delivery.lease = delivery.locked_until = None
    if outcome.ok or now - delivery.created_at >= RETRY_FOR:
        delivery.status, delivery.finished_at = (DELIVERED if outcome.ok else FAILED), now
    else:
        delivery.next_attempt_at = now + KIND.backoff(delivery.attempts)
    session.add(delivery)
    log.info("webhook attempt", extra={"delivery": delivery.id, "event": attempt.event_id, "status": delivery.status,
                                       "code": outcome.status_code, "attempt": delivery.attempts})
    return delivery.status != PENDING


def deliver_lane(job: JobRun) -> None:
    """The job's handler: send the lane's due deliveries in order, then hand the lane on."""
    allow_loopback = get_settings().allow_http_webhooks
    for _ in range(PER_RUN):
        with job.transaction() as session:
            attempt = _lease_head(session, job, job.clock())
        if attempt is None:
            return
        outcome = post(attempt, allow_loopback=allow_loopback)
        with job.transaction() as session:
            if not _record(session, job, attempt, outcome, job.clock()):
                _hand_on(session, job)
                return
    with job.transaction() as session:
        _hand_on(session, job)


def _hand_on(session: Session, job: JobRun) -> None:
    """Finish this job and queue the lane's next run (the head's own schedule decides when)."""
    job.finish(session)
    head = _head(session, job.payload["endpoint_id"], job.payload["lane"])
    if head is not None:
        schedule(session, endpoint_id=head.endpoint_id, lane=head.lane, at=head.next_attempt_at)


# The retry schedule of a delivery: 30 s, 1 min, 2 min, … doubling up to every 3 h, for 24 h.
# max_attempts only bounds runs that crash (the handler itself gives up after 24 h).
KIND = JobKind(JOB_KIND, deliver_lane, max_attempts=50, lease_seconds=180.0, backoff_seconds=30.0,
               backoff_cap_seconds=3 * 3600.0)
KINDS = (KIND,)
