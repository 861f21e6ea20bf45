"""ASGI middleware: security headers, the CSRF cookie, request ids, access logs and admission."""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
import uuid
from http.cookies import SimpleCookie

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.metrics import REQUEST_SECONDS
from app.settings import get_settings

log = logging.getLogger("calibrate.access")

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
       "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
CSRF_COOKIE = "calibrate_csrf"


def is_secure(scope: Scope) -> bool:
    """Cookies get the Secure flag under https (or when configured so)."""
    forced = get_settings().secure_cookies
    return forced if forced is not None else scope.get("scheme") == "https"


def route_template(scope: Scope) -> str:
    """The matched route's template (never the raw path: it may hold an invite token)."""
    route = scope.get("route")
    path = getattr(route, "path", None) or getattr(route, "path_format", None)
    if path:
        return path
    raw = scope.get("path", "")
    return "/static" if raw.startswith("/static/") else "unmatched"


class SecurityMiddleware:
    """Adds the security headers, a request id, and a CSRF cookie to browsers that lack one."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cookies = SimpleCookie()
        for name, value in scope.get("headers", []):
            if name == b"cookie":
                cookies.load(value.decode("latin-1"))
        seed = cookies[CSRF_COOKIE].value if CSRF_COOKIE in cookies else None
        new_seed = None if seed else secrets.token_urlsafe(32)
        request_id = uuid.uuid4().hex[:16]
        state = scope.setdefault("state", {})
        state.update(csrf_seed=seed or new_seed, request_id=request_id)
        started = time.perf_counter()
        status_holder = {"status": 0}

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                status_holder["status"] = message["status"]
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                for key, value in self._headers(request_id):
                    if key not in present:
                        headers.append((key, value))
                if new_seed:
                    flags = "; Secure" if is_secure(scope) else ""
                    cookie = f"{CSRF_COOKIE}={new_seed}; Path=/; HttpOnly; SameSite=Lax{flags}"
                    headers.append((b"set-cookie", cookie.encode()))
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        finally:
            elapsed = time.perf_counter() - started
            route = route_template(scope)
            REQUEST_SECONDS.labels(scope["method"], route, str(status_holder["status"])).observe(elapsed)
            log.info("request", extra={"request_id": request_id, "method": scope["method"], "route": route,
                                       "status": status_holder["status"], "ms": round(elapsed * 1000, 1)})

    @staticmethod
    def _headers(request_id: str) -> list[tuple[bytes, bytes]]:
        return [
            (b"content-security-policy", CSP.encode()),
            (b"x-content-type-options", b"nosniff"),
            (b"x-frame-options", b"DENY"),
            (b"referrer-policy", b"same-origin"),
            (b"cross-origin-opener-policy", b"same-origin"),
            (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
            (b"x-request-id", request_id.encode()),
        ]


class AdmissionLimit:
    """Admit at most `limit` requests at once into the handlers, each until it starts its response.

    A request's sync steps (session, authentication, handler) each wait for a worker thread, and its
    session holds a pooled connection between them. Unbounded, a burst lets every thread block
    waiting for a connection while the requests holding connections wait for a thread. With fewer
    requests admitted than there are connections, a connection is always free; the rest wait here,
    in the event loop, at no cost. Streams leave the count as soon as their headers are sent."""

    def __init__(self, app: ASGIApp, limit: int):
        self.app = app
        self.slots = asyncio.Semaphore(limit)  # binds to the server's loop on first contention

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("path", "").startswith("/static/"):
            await self.app(scope, receive, send)
            return
        slots = self.slots
        await slots.acquire()
        held = True

        async def send_releasing(message: Message) -> None:
            nonlocal held
            if held and message["type"] == "http.response.start":
                held = False
                slots.release()
            await send(message)

        try:
            await self.app(scope, receive, send_releasing)
        finally:
            if held:
                slots.release()
