"""The webhook tables: endpoints, the events written with their changes, and one delivery per
endpoint and event (the delivery log)."""

from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import Column, Index, Text, text
from sqlmodel import Field, SQLModel

from app.db_types import JSONDoc, UTCDateTime
from app.models import new_id, utcnow

PENDING, DELIVERED, FAILED = "pending", "delivered", "failed"  # failed: given up after 24 h
PENDING_ONLY = "status = 'pending'"


class WebhookEndpoint(SQLModel, table=True):
    """A receiver an admin registered: its URL, the events it wants, and its signing secret(s)."""

    __tablename__ = "webhook_endpoint"
    id: str = Field(default_factory=new_id, primary_key=True)
    url: str = Field(max_length=2000)
    events: list = Field(default_factory=list, sa_type=JSONDoc)
    # The signing secrets, encrypted with a key derived from CALIBRATE_SECRET_KEY (app/webhooks/vault.py).
    secret_sealed: str = Field(sa_column=Column(Text, nullable=False))
    previous_secret_sealed: Optional[str] = Field(default=None, sa_column=Column(Text, nullable=True))
    previous_secret_expires_at: Optional[datetime] = Field(default=None, sa_type=UTCDateTime)
    paused: bool = False
    created_by_id: Optional[str] = Field(default=None, foreign_key="user_account.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    secret_rotated_at: Optional[datetime] = Field(default=None, sa_type=UTCDateTime)


class WebhookEvent(SQLModel, table=True):
    """One event, written in the transaction of its change; `data` carries ids only."""

    __tablename__ = "webhook_event"
    id: str = Field(primary_key=True, max_length=40)  # evt_<32 hex>, the Calibrate-Event-Id
    type: str = Field(max_length=64)
    lane: str = Field(max_length=80)  # interview:<id> or job_spec:<id>: events of a lane go in order
    data: dict = Field(default_factory=dict, sa_type=JSONDoc)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class WebhookDelivery(SQLModel, table=True):
    """An event on its way to one endpoint: its state, its last attempt and its next one."""

    __tablename__ = "webhook_delivery"
    __table_args__ = (
        # The head of a lane: its oldest pending delivery (the next one to send).
        Index("ix_webhook_delivery_lane_pending", "endpoint_id", "lane", "id",
              postgresql_where=text(PENDING_ONLY), sqlite_where=text(PENDING_ONLY)),
        Index("ix_webhook_delivery_endpoint_id", "endpoint_id", "id"),
    )
    id: Optional[int] = Field(default=None, primary_key=True)
    endpoint_id: str = Field(foreign_key="webhook_endpoint.id")
    event_id: str = Field(foreign_key="webhook_event.id", index=True, max_length=40)
    lane: str = Field(max_length=80)
    status: str = Field(default=PENDING, max_length=16)
    attempts: int = 0
    next_attempt_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    lease: Optional[str] = Field(default=None, max_length=32)  # the attempt in flight
    locked_until: Optional[datetime] = Field(default=None, sa_type=UTCDateTime)
    last_attempt_at: Optional[datetime] = Field(default=None, sa_type=UTCDateTime)
    response_code: Optional[int] = None
    duration_ms: Optional[int] = None
    error: Optional[str] = Field(default=None, max_length=500)
    finished_at: Optional[datetime] = Field(default=None, sa_type=UTCDateTime)
    redelivery_of: Optional[int] = None
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
