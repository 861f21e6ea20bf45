"""CSRF protection for every unsafe request that a browser's ambient credentials could forge."""

from __future__ import annotations

from fastapi import Request

from app.auth.security import csrf_matches
from app.deps import SESSION_COOKIE, bearer_token
from app.errors import Forbidden
from app.settings import get_settings

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def needs_csrf(request: Request) -> bool:
    """Unsafe requests need a token unless they carry no ambient credential (bearer or none)."""
    if request.method in SAFE_METHODS:
        return False
    path = request.url.path
    if path.startswith("/api/"):
        if path.startswith("/api/v1/take/"):
            return False  # the secret link itself is the credential, nothing ambient to forge
        return bearer_token(request) is None and SESSION_COOKIE in request.cookies
    return True


async def csrf_protect(request: Request) -> None:
    """Refuse an unsafe request whose CSRF token (header or form field) does not match its cookie."""
    if not needs_csrf(request):
        return
    given = request.headers.get("x-csrf-token")
    if not given and request.headers.get("content-type", "").startswith(FORM_TYPES):
        form = await request.form()
        value = form.get("csrf_token")
        given = value if isinstance(value, str) else None
    seed = request.scope.get("state", {}).get("csrf_seed") if "calibrate_csrf" in request.cookies else None
    if not csrf_matches(get_settings().secret_key, seed, given):
        raise Forbidden("The form expired or came from another site (CSRF check failed). Reload the page and try again.")
