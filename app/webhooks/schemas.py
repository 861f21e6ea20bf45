"""Bodies of the webhooks API (DESIGN: Webhooks)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from app.webhooks.delivery import event_body
from app.webhooks.models import WebhookDelivery, WebhookEndpoint, WebhookEvent

EventType = Literal["interview.created", "round.submitted", "scorecard.submitted", "interview.completed",
                    "job_spec.version_created", "candidate.erased"]
MAX_DELIVERY_ID = 2**31 - 1  # the delivery id column is a 32-bit integer on PostgreSQL


class WebhookIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    url: str = Field(min_length=10, max_length=2000, pattern=r"^https?://[^\s/?#@]+(?:[/?#]\S*)?$",
                     description="https URL on a public address (http to loopback only with "
                                 "CALIBRATE_ALLOW_HTTP_WEBHOOKS=1)")
    events: list[EventType] = Field(min_length=1, max_length=6, description="the event types to deliver")


class WebhookSecretOut(BaseModel):
    id: str
    secret: str = Field(description="the signing secret, shown only in this answer")


class RotatedSecretOut(WebhookSecretOut):
    previous_secret_expires_at: datetime = Field(description="until then deliveries carry both signatures")


class WebhookOut(BaseModel):
    id: str
    url: str
    events: list[str]
    paused: bool
    created_at: datetime
    secret_rotated_at: datetime | None
    previous_secret_expires_at: datetime | None

    @classmethod
    def of(cls, endpoint: WebhookEndpoint) -> WebhookOut:
        return cls(id=endpoint.id, url=endpoint.url, events=list(endpoint.events), paused=endpoint.paused,
                   created_at=endpoint.created_at, secret_rotated_at=endpoint.secret_rotated_at,
                   previous_secret_expires_at=endpoint.previous_secret_expires_at)


class DeliveryOut(BaseModel):
    id: int
    event_id: str = Field(description="the `Calibrate-Event-Id`: the same on every attempt and redelivery")
    event_type: str
    status: Literal["pending", "delivered", "failed"] = Field(description="failed: given up after 24 h")
    attempts: int
    response_code: int | None = Field(description="the HTTP status of the last attempt (null: no answer)")
    duration_ms: int | None
    error: str | None
    last_attempt_at: datetime | None
    next_attempt_at: datetime | None = Field(description="null once delivered or given up")
    finished_at: datetime | None
    created_at: datetime
    redelivery_of: int | None
    body: str = Field(description="the JSON body sent (ids only)")

    @classmethod
    def of(cls, delivery: WebhookDelivery, event: WebhookEvent) -> DeliveryOut:
        pending = delivery.status == "pending"
        return cls(id=delivery.id, event_id=event.id, event_type=event.type,  # type: ignore[arg-type]
                   status=delivery.status,  # type: ignore[arg-type]
                   attempts=delivery.attempts, response_code=delivery.response_code,
                   duration_ms=delivery.duration_ms, error=delivery.error, last_attempt_at=delivery.last_attempt_at,
                   next_attempt_at=delivery.next_attempt_at if pending else None, finished_at=delivery.finished_at,
                   created_at=delivery.created_at, redelivery_of=delivery.redelivery_of,
                   body=event_body(event).decode())


class DeliveryPageOut(BaseModel):
    items: list[DeliveryOut]
    next_cursor: str | None = Field(description="pass as `cursor` for the next page; null on the last page")
