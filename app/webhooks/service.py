"""Managing webhook endpoints: register, rotate the secret, pause and resume, delete, read the
delivery log and redeliver. Services flush; the request's transaction commits."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlmodel import Session, col, select

from app import audit
from app.errors import Invalid, NotFound
from app.models import User, new_id, utcnow
from app.settings import get_settings
from app.webhooks import guard, signing, vault
from app.webhooks.models import PENDING, WebhookDelivery, WebhookEndpoint, WebhookEvent
from app.webhooks.outbox import EVENT_TYPES, forget_endpoints, pending_lanes, schedule

ROTATION_OVERLAP = timedelta(hours=24)  # both signatures are sent this long after a rotation


@dataclass(frozen=True)
class DeliveryPage:
    """One page of an endpoint's delivery log, newest first, with the event each one carries."""

    items: list[tuple[WebhookDelivery, WebhookEvent]]
    next_cursor: str | None


def _url_error(url: str) -> None:
    try:
        guard.check(url, allow_loopback=get_settings().allow_http_webhooks)
    except guard.UnsafeURL as exc:
        raise Invalid("this URL cannot receive webhooks", errors=[{"loc": ["body", "url"], "msg": str(exc)}]) from None


def _events_error(events: Sequence[str]) -> list[str]:
    unknown = [e for e in events if e not in EVENT_TYPES]
    if unknown or not events:
        msg = f"unknown events: {', '.join(unknown)}" if unknown else "choose at least one event"
        raise Invalid("these events cannot be subscribed to", errors=[{"loc": ["body", "events"], "msg": msg}])
    return [e for e in EVENT_TYPES if e in events]


def create_endpoint(session: Session, *, url: str, events: Sequence[str],
                    actor: User | None) -> tuple[WebhookEndpoint, str]:
    """Register an endpoint; returns it with its secret (the only time the secret is shown)."""
    chosen = _events_error(events)
    _url_error(url)
    endpoint_id, secret = new_id(), signing.new_secret()
    endpoint = WebhookEndpoint(id=endpoint_id, url=url.strip(), events=chosen,
                               secret_sealed=vault.seal(secret, endpoint_id=endpoint_id),
                               created_by_id=actor.id if actor else None)
    session.add(endpoint)
    session.flush()
    forget_endpoints(session)
    audit.record(session, actor=actor, action="webhook.create", object_type="webhook", object_id=endpoint.id,
                 url=endpoint.url, events=chosen)
    return endpoint, secret


def list_endpoints(session: Session) -> list[WebhookEndpoint]:
    """Every endpoint, oldest first."""
    return list(session.exec(select(WebhookEndpoint).order_by(col(WebhookEndpoint.created_at),
                                                              col(WebhookEndpoint.id))).all())


def get_endpoint(session: Session, endpoint_id: str) -> WebhookEndpoint:
    """The endpoint, or 404."""
    endpoint = session.get(WebhookEndpoint, endpoint_id)
    if endpoint is None:
        raise NotFound("no such webhook endpoint")
    return endpoint


def delete_endpoint(session: Session, endpoint: WebhookEndpoint, *, actor: User | None) -> None:
    """Remove the endpoint and its delivery log (its jobs find nothing left and end)."""
    session.execute(delete(WebhookDelivery).where(col(WebhookDelivery.endpoint_id) == endpoint.id))
    audit.record(session, actor=actor, action="webhook.delete", object_type="webhook", object_id=endpoint.id,
                 url=endpoint.url)
    session.delete(endpoint)
    session.flush()
    forget_endpoints(session)


def rotate_secret(session: Session, endpoint: WebhookEndpoint, *, actor: User | None,
                  now: datetime | None = None) -> str:
    """A new secret; the old one keeps signing beside it for ROTATION_OVERLAP. Returns the new one."""
    now = now or utcnow()
    secret = signing.new_secret()
    endpoint.previous_secret_sealed = endpoint.secret_sealed
    endpoint.previous_secret_expires_at = now + ROTATION_OVERLAP
    endpoint.secret_sealed = vault.seal(secret, endpoint_id=endpoint.id)
    endpoint.secret_rotated_at = now
    session.add(endpoint)
    session.flush()
    audit.record(session, actor=actor, action="webhook.rotate_secret", object_type="webhook", object_id=endpoint.id)
    return secret


def set_paused(session: Session, endpoint: WebhookEndpoint, *, paused: bool, actor: User | None) -> None:
    """Pause (events are still written and kept) or resume (the backlog goes out, in order)."""
    if endpoint.paused == paused:
        return
    endpoint.paused = paused
    session.add(endpoint)
    session.flush()
    forget_endpoints(session)
    if not paused:
        for lane in pending_lanes(session, endpoint.id):
            schedule(session, endpoint_id=endpoint.id, lane=lane)
    audit.record(session, actor=actor, action="webhook.pause" if paused else "webhook.resume",
                 object_type="webhook", object_id=endpoint.id)


def deliveries(session: Session, endpoint: WebhookEndpoint, *, limit: int, cursor: str | None) -> DeliveryPage:
    """The endpoint's delivery log, newest first; `cursor` is the previous page's `next_cursor`."""
    query = (select(WebhookDelivery, WebhookEvent).join(WebhookEvent, col(WebhookEvent.id) == WebhookDelivery.event_id)
             .where(WebhookDelivery.endpoint_id == endpoint.id))
    if cursor:
        query = query.where(col(WebhookDelivery.id) < int(cursor))
    rows = [tuple(r) for r in session.exec(query.order_by(col(WebhookDelivery.id).desc()).limit(limit + 1)).all()]
    more = len(rows) > limit
    items = rows[:limit]
    return DeliveryPage(items, str(items[-1][0].id) if more else None)  # type: ignore[arg-type]


def get_delivery(session: Session, endpoint: WebhookEndpoint, delivery_id: int) -> WebhookDelivery:
    """One delivery of the endpoint, or 404."""
    delivery = session.get(WebhookDelivery, delivery_id)
    if delivery is None or delivery.endpoint_id != endpoint.id:
        raise NotFound("no such delivery of this endpoint")
    return delivery


def redeliver(session: Session, endpoint: WebhookEndpoint, delivery: WebhookDelivery, *,
              actor: User | None) -> WebhookDelivery:
    """Send the event again, with the same event id: a pending delivery is tried at once, a
    finished one gets a new delivery at the end of its lane."""
    now = utcnow()
    if delivery.status == PENDING:
        delivery.next_attempt_at = now
        session.add(delivery)
        again = delivery
    else:
        again = WebhookDelivery(endpoint_id=endpoint.id, event_id=delivery.event_id, lane=delivery.lane,
                                redelivery_of=delivery.id)
        session.add(again)
    session.flush()
    if not endpoint.paused:
        schedule(session, endpoint_id=endpoint.id, lane=delivery.lane, at=now)
    audit.record(session, actor=actor, action="webhook.redeliver", object_type="webhook", object_id=endpoint.id,
                 delivery=delivery.id, event=delivery.event_id)
    return again
