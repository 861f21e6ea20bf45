"""The append-only audit log: every change that matters, with who, when, old → new and why."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from app.models import AuditEvent, User


def record(session: Session, *, actor: User | None, action: str, object_type: str, object_id: str,
           actor_label: str | None = None, **detail: Any) -> AuditEvent:
    """Append one audit event in the caller's transaction."""
    event = AuditEvent(
        actor_id=actor.id if actor else None,
        actor=actor.email if actor else (actor_label or "system"),
        action=action,
        object_type=object_type,
        object_id=object_id,
        detail=detail,
    )
    session.add(event)
    return event
