"""JSON API for webhook endpoints (DESIGN: Webhooks); admins only."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response

from app.deps import AdminUser, SessionDep
from app.schemas import CSRF_403, errors
from app.webhooks import service
from app.webhooks.schemas import (
    MAX_DELIVERY_ID,
    DeliveryOut,
    DeliveryPageOut,
    RotatedSecretOut,
    WebhookIn,
    WebhookOut,
    WebhookSecretOut,
)

router = APIRouter(prefix="/api/v1", tags=["webhooks"])
EndpointId = Annotated[str, Path(min_length=1, max_length=64)]
DeliveryId = Annotated[int, Path(ge=1, le=MAX_DELIVERY_ID)]
NOT_FOUND = (404, "no such webhook endpoint")
READ_ERRORS = errors(401, 403, NOT_FOUND, 422)
WRITE_ERRORS = errors(401, (403, CSRF_403), NOT_FOUND, 422)
INVALID_WEBHOOK = "invalid body, an unknown event, or a URL that is not https to a public address"


@router.post("/webhooks", status_code=201, response_model=WebhookSecretOut,
             responses=errors(401, (403, CSRF_403), (422, INVALID_WEBHOOK)))
def create_webhook(body: WebhookIn, session: SessionDep, user: AdminUser) -> WebhookSecretOut:
    """Register an endpoint; the answer holds its signing secret, shown this once."""
    endpoint, secret = service.create_endpoint(session, url=body.url, events=body.events, actor=user)
    return WebhookSecretOut(id=endpoint.id, secret=secret)


@router.get("/webhooks", response_model=list[WebhookOut], responses=errors(401, 403))
def list_webhooks(session: SessionDep, user: AdminUser) -> list[WebhookOut]:
    """Every registered endpoint (never its secret)."""
    return [WebhookOut.of(e) for e in service.list_endpoints(session)]


@router.get("/webhooks/{webhook_id}", response_model=WebhookOut, responses=READ_ERRORS)
def get_webhook(webhook_id: EndpointId, session: SessionDep, user: AdminUser) -> WebhookOut:
    """One endpoint."""
    return WebhookOut.of(service.get_endpoint(session, webhook_id))


@router.delete("/webhooks/{webhook_id}", status_code=204, response_class=Response, responses=WRITE_ERRORS)
def delete_webhook(webhook_id: EndpointId, session: SessionDep, user: AdminUser) -> Response:
    """Remove the endpoint and its delivery log; nothing more is sent to it."""
    service.delete_endpoint(session, service.get_endpoint(session, webhook_id), actor=user)
    return Response(status_code=204)


@router.post("/webhooks/{webhook_id}/rotate-secret", response_model=RotatedSecretOut, responses=WRITE_ERRORS)
def rotate_webhook_secret(webhook_id: EndpointId, session: SessionDep, user: AdminUser) -> RotatedSecretOut:
    """A new signing secret, shown this once; the old one signs beside it for 24 hours."""
    endpoint = service.get_endpoint(session, webhook_id)
    secret = service.rotate_secret(session, endpoint, actor=user)
    return RotatedSecretOut(id=endpoint.id, secret=secret,
                            previous_secret_expires_at=endpoint.previous_secret_expires_at)  # type: ignore[arg-type]


@router.post("/webhooks/{webhook_id}/pause", response_model=WebhookOut, responses=WRITE_ERRORS)
def pause_webhook(webhook_id: EndpointId, session: SessionDep, user: AdminUser) -> WebhookOut:
    """Stop sending; events are still written and wait for `resume`."""
    endpoint = service.get_endpoint(session, webhook_id)
    service.set_paused(session, endpoint, paused=True, actor=user)
    return WebhookOut.of(endpoint)


@router.post("/webhooks/{webhook_id}/resume", response_model=WebhookOut, responses=WRITE_ERRORS)
def resume_webhook(webhook_id: EndpointId, session: SessionDep, user: AdminUser) -> WebhookOut:
    """Send again, starting with what waited while paused, in order."""
    endpoint = service.get_endpoint(session, webhook_id)
    service.set_paused(session, endpoint, paused=False, actor=user)
    return WebhookOut.of(endpoint)


@router.get("/webhooks/{webhook_id}/deliveries", response_model=DeliveryPageOut, responses=READ_ERRORS)
def list_deliveries(webhook_id: EndpointId, session: SessionDep, user: AdminUser,
                    limit: Annotated[int, Query(ge=1, le=200)] = 50,
                    cursor: Annotated[str | None, Query(pattern=r"^[0-9]{1,10}$")] = None) -> DeliveryPageOut:
    """The delivery log, newest first: status, response code, duration, attempts, next attempt."""
    page = service.deliveries(session, service.get_endpoint(session, webhook_id), limit=limit, cursor=cursor)
    return DeliveryPageOut(items=[DeliveryOut.of(d, e) for d, e in page.items], next_cursor=page.next_cursor)


@router.post("/webhooks/{webhook_id}/deliveries/{delivery_id}/redeliver", status_code=202,
             response_model=DeliveryOut, responses=errors(401, (403, CSRF_403), (404, "no such endpoint or delivery"),
                                                          422))
def redeliver(webhook_id: EndpointId, delivery_id: DeliveryId, session: SessionDep, user: AdminUser) -> DeliveryOut:
    """Send the delivery's event again (same event id); answers with the delivery that will carry it."""
    endpoint = service.get_endpoint(session, webhook_id)
    again = service.redeliver(session, endpoint, service.get_delivery(session, endpoint, delivery_id), actor=user)
    event = session.get(service.WebhookEvent, again.event_id)
    return DeliveryOut.of(again, event)  # type: ignore[arg-type]
