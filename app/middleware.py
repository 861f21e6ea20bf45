"""ASGI middleware: security headers, the CSRF cookie, request ids, access logs and admission."""

from __future__ import annotations

import asyncio
import itertools
import logging
import secrets
import time
from http.cookies import SimpleCookie
from typing import Any

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


_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(self), geolocation=()"),
]
_HEADER_NAMES = frozenset(name for name, _ in _HEADERS)
_REQUEST_IDS = itertools.count(1)
_PROCESS_ID = secrets.token_hex(4)  # request ids are unique across processes: this, then a counter


def new_request_id() -> str:
    """16 hex characters, unique per request across the server's processes (no syscall per request)."""
    return f"{_PROCESS_ID}{next(_REQUEST_IDS) & 0xFFFFFFFF:08x}"


def quiet(scope: Scope) -> None:
    """Called by a handler: if this request succeeds, write no access-log line for it. For the
    busiest routes (autosave), whose every outcome is counted in the metrics; refusals and errors
    are still logged."""
    scope.setdefault("state", {})["quiet"] = True


def _csrf_seed(scope: Scope) -> str | None:
    for name, value in scope["headers"]:
        if name == b"cookie":
            cookies = SimpleCookie()
            cookies.load(value.decode("latin-1"))
            if CSRF_COOKIE in cookies:
                return cookies[CSRF_COOKIE].value
    return None


class SecurityMiddleware:
    """Adds the security headers and a request id to every response, and a CSRF cookie to browsers
    that lack one (pages only: the JSON API needs none); observes the request's duration and logs it.
    Per request it does only what a response needs: no cookie parsing without a Cookie header, no
    random bytes, the header list built once."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        seed = _csrf_seed(scope)
        new_seed = None if seed or scope["path"].startswith("/api/") else secrets.token_urlsafe(32)
        request_id = new_request_id()
        state = scope.setdefault("state", {})
        state.update(csrf_seed=seed or new_seed, request_id=request_id)
        started = time.perf_counter()
        status = 0

        async def send_with_headers(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", ()))
                if any(k.lower() in _HEADER_NAMES for k, _ in headers):
                    present = {k.lower() for k, _ in headers}
                    headers += [(k, v) for k, v in _HEADERS if k not in present]
                else:
                    headers += _HEADERS
                headers.append((b"x-request-id", request_id.encode()))
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
            _observe(scope["method"], route, status, elapsed)
            if not (state.get("quiet") and 200 <= status < 300):
                log.info("request", extra={"request_id": request_id, "method": scope["method"], "route": route,
                                           "status": status, "ms": round(elapsed * 1000, 1)})


_SERIES: dict[tuple[str, str, int], Any] = {}


def _observe(method: str, route: str, status: int, seconds: float) -> None:
    # The labelled series, looked up once per (method, route, status) rather than per request.
    series = _SERIES.get((method, route, status))
    if series is None:
        series = _SERIES[(method, route, status)] = REQUEST_SECONDS.labels(method, route, str(status))
    series.observe(seconds)


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
