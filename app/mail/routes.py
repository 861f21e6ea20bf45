"""The admins' view of the outbox (`/admin/mail`): every message and its delivery, the kept
mail when no SMTP server is set, and a preview of each template."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import func, select

from app.deps import AdminUser, SessionDep
from app.errors import NotFound
from app.mail import compose, delivery, outbox
from app.mail.models import KEPT, MailMessage
from app.mail.samples import sample_context
from app.settings import get_settings
from app.web import redirect, render

router = APIRouter()
PAGE = 100


@router.get("/admin/mail")
def mail_page(request: Request, session: SessionDep, user: AdminUser, page: int = 0) -> Response:
    """The newest messages with their state; kept mail can be read here."""
    page = max(0, page)
    kept = session.exec(select(func.count()).select_from(MailMessage).where(MailMessage.status == KEPT)).one()
    return render(request, "admin/mail.html",
                  {"messages": outbox.kept(session, limit=PAGE, offset=page * PAGE), "page": page, "page_size": PAGE,
                   "smtp": bool(get_settings().smtp_url), "kept_count": kept, "templates": compose.templates()})


@router.get("/admin/mail/{message_id}")
def message_page(message_id: int, request: Request, session: SessionDep, user: AdminUser) -> Response:
    """One message: its headers, delivery and text (a kept invitation can be forwarded by hand)."""
    message = session.get(MailMessage, message_id)
    if message is None:
        raise NotFound("no such message")
    return render(request, "admin/mail_message.html", {"message": message}, headers={"Cache-Control": "no-store"})


@router.get("/admin/mail/preview/{template}")
def preview(template: str, request: Request, user: AdminUser, part: str = "html") -> Response:
    """A template rendered with made-up data, as HTML or as its plain-text part."""
    if template not in compose.templates():
        raise NotFound("no such template")
    rendered = compose.render(template, sample_context(template, get_settings().base_url.rstrip("/")))
    if part == "text":
        return Response(f"Subject: {rendered.subject}\n\n{rendered.text}", media_type="text/plain; charset=utf-8")
    # The message's own document, sandboxed: no scripts, nothing of the app's origin.
    return HTMLResponse(rendered.html, headers={"Content-Security-Policy": "sandbox; default-src 'none'; style-src 'unsafe-inline'"})


@router.post("/admin/mail/send-kept")
def send_kept(request: Request, session: SessionDep, user: AdminUser) -> Response:
    """Queue the kept messages for sending, now that an SMTP server is configured."""
    if get_settings().smtp_url:
        delivery.requeue_kept(session)
    return redirect(request, "/admin/mail")
