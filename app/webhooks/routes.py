"""The admin's webhook pages: `/admin/webhooks` (list, add, the secret shown once) and each
endpoint's page (rotate, pause, delete with confirmation, the delivery log with redeliver)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response

from app.deps import AdminUser, SessionDep
from app.errors import Invalid
from app.web import PostedForm, redirect, render
from app.webhooks import service
from app.webhooks.models import WebhookEndpoint
from app.webhooks.outbox import EVENT_TYPES
from app.webhooks.schemas import MAX_DELIVERY_ID

router = APIRouter()
LOG_PAGE = 50
NO_STORE = {"Cache-Control": "no-store"}  # pages that show a secret are never cached


def _list(request: Request, session: SessionDep, status_code: int = 200, **context: Any) -> Response:
    values = context.pop("values", {"url": "", "events": list(EVENT_TYPES)})
    return render(request, "admin/webhooks.html",
                  {"endpoints": service.list_endpoints(session), "event_types": EVENT_TYPES, "values": values,
                   "errors": [], **context}, status_code=status_code, headers=NO_STORE)


def _detail(request: Request, session: SessionDep, endpoint: WebhookEndpoint, cursor: str | None = None,
            **context: Any) -> Response:
    page = service.deliveries(session, endpoint, limit=LOG_PAGE, cursor=cursor if (cursor or "").isdigit() else None)
    return render(request, "admin/webhook.html", {"endpoint": endpoint, "page": page, **context}, headers=NO_STORE)


@router.get("/admin/webhooks")
def webhooks_page(request: Request, session: SessionDep, user: AdminUser) -> Response:
    """Every endpoint, and the form to add one."""
    return _list(request, session)


@router.post("/admin/webhooks")
def add_webhook(request: Request, session: SessionDep, user: AdminUser, form: PostedForm) -> Response:
    """Register an endpoint and show its secret, this once (errors re-render the form in place)."""
    url = str(form.get("url") or "")
    events = [str(e) for e in form.getlist("events")]
    try:
        endpoint, secret = service.create_endpoint(session, url=url, events=events, actor=user)
    except Invalid as exc:
        return _list(request, session, status_code=422, errors=exc.errors, values={"url": url, "events": events})
    return _list(request, session, created=endpoint, secret=secret)


@router.get("/admin/webhooks/{webhook_id}")
def webhook_page(webhook_id: str, request: Request, session: SessionDep, user: AdminUser,
                 cursor: str | None = None) -> Response:
    """One endpoint: its settings and its delivery log, newest first."""
    return _detail(request, session, service.get_endpoint(session, webhook_id), cursor)


@router.post("/admin/webhooks/{webhook_id}/rotate")
def rotate_page(webhook_id: str, request: Request, session: SessionDep, user: AdminUser) -> Response:
    """A new secret, shown once; the old one keeps signing for the overlap."""
    endpoint = service.get_endpoint(session, webhook_id)
    secret = service.rotate_secret(session, endpoint, actor=user)
    return _detail(request, session, endpoint, secret=secret)


@router.post("/admin/webhooks/{webhook_id}/pause")
def pause_page(webhook_id: str, request: Request, session: SessionDep, user: AdminUser) -> Response:
    """Pause deliveries."""
    service.set_paused(session, service.get_endpoint(session, webhook_id), paused=True, actor=user)
    return redirect(request, f"/admin/webhooks/{webhook_id}")


@router.post("/admin/webhooks/{webhook_id}/resume")
def resume_page(webhook_id: str, request: Request, session: SessionDep, user: AdminUser) -> Response:
    """Resume deliveries (the backlog goes out in order)."""
    service.set_paused(session, service.get_endpoint(session, webhook_id), paused=False, actor=user)
    return redirect(request, f"/admin/webhooks/{webhook_id}")


@router.get("/admin/webhooks/{webhook_id}/delete")
def confirm_delete_page(webhook_id: str, request: Request, session: SessionDep, user: AdminUser) -> Response:
    """Ask before deleting."""
    endpoint = service.get_endpoint(session, webhook_id)
    return render(request, "admin/webhook_delete.html", {"endpoint": endpoint})


@router.post("/admin/webhooks/{webhook_id}/delete")
def delete_page(webhook_id: str, request: Request, session: SessionDep, user: AdminUser) -> Response:
    """Delete the endpoint and its log."""
    service.delete_endpoint(session, service.get_endpoint(session, webhook_id), actor=user)
    return redirect(request, "/admin/webhooks")


@router.post("/admin/webhooks/{webhook_id}/deliveries/{delivery_id}/redeliver")
def redeliver_page(webhook_id: str, delivery_id: Annotated[int, Path(ge=1, le=MAX_DELIVERY_ID)], request: Request,
                   session: SessionDep, user: AdminUser) -> Response:
    """Send a delivery's event again."""
    endpoint = service.get_endpoint(session, webhook_id)
    service.redeliver(session, endpoint, service.get_delivery(session, endpoint, delivery_id), actor=user)
    return redirect(request, f"/admin/webhooks/{webhook_id}")
