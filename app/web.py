"""Pages: Jinja2 templates with htmx fragments as named blocks, CSRF and the signed-in user in
every context, `Vary: HX-Request` on every page that can answer with a fragment."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2_fragments.fastapi import Jinja2Blocks
from starlette.datastructures import FormData

from app import policy
from app.auth.security import csrf_token
from app.settings import get_settings

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES_DIR = ROOT / "templates"
STATIC_DIR = ROOT / "static"
CSRF_COOKIE = "calibrate_csrf"

templates = Jinja2Blocks(directory=str(TEMPLATES_DIR))
templates.env.autoescape = True
# Pages ask the access policy itself (`{% if is_manager(user) %}`), never compare roles.
templates.env.globals.update(is_manager=policy.is_manager, can_edit_spec=policy.can_edit_spec,
                             can_see_dashboard=policy.can_see_dashboard,
                             can_manage_interviews=policy.can_manage_interviews,
                             can_erase_candidate=policy.can_erase_candidate,
                             can_see_self_identification=policy.can_see_self_identification)

NAV = {
    "admin": [("Job specs", "/specs"), ("Interviews", "/interviews"), ("Candidates", "/candidates"),
              ("My scorecards", "/my/scorecards"), ("Staff", "/admin/users"), ("Mail", "/admin/mail"),
              ("Webhooks", "/admin/webhooks"), ("API docs", "/docs")],
    "hiring_manager": [("Job specs", "/specs"), ("Interviews", "/interviews"), ("Candidates", "/candidates"),
                       ("API docs", "/docs")],
    "interviewer": [("My scorecards", "/my/scorecards")],
}


def csrf_for(request: Request) -> str:
    """The CSRF token for this browser (bound to its CSRF cookie)."""
    return csrf_token(get_settings().secret_key, request.scope.get("state", {}).get("csrf_seed", ""))


def is_htmx(request: Request) -> bool:
    """True for requests made by htmx (which may take a fragment)."""
    return request.headers.get("hx-request") == "true"


def render(request: Request, name: str, context: dict[str, Any] | None = None, *, block: str | None = None,
           status_code: int = 200, headers: dict[str, str] | None = None,
           blocks: list[str] | None = None) -> HTMLResponse:
    """Render a page, or only `block` (or `blocks`, one after the other: a target and its
    out-of-band swaps) of it for htmx requests."""
    user = getattr(request.state, "user", None)
    ctx = {"user": user, "csrf_token": csrf_for(request), "nav": NAV.get(user.role, []) if user else [],
           "path": request.url.path, **(context or {})}
    hdrs = {"Vary": "HX-Request", **(headers or {})}
    if blocks and is_htmx(request):
        return templates.TemplateResponse(request, name, ctx, block_names=blocks, status_code=status_code, headers=hdrs)
    if block and is_htmx(request):
        return templates.TemplateResponse(request, name, ctx, block_name=block, status_code=status_code, headers=hdrs)
    return templates.TemplateResponse(request, name, ctx, status_code=status_code, headers=hdrs)


def redirect(request: Request, url: str) -> Response:
    """After a successful post: HX-Redirect for htmx, 303 See Other for plain forms."""
    if is_htmx(request):
        return Response(status_code=204, headers={"HX-Redirect": url})
    return RedirectResponse(url, status_code=303)


async def form_data(request: Request) -> FormData:
    """The posted form, read before a (sync) handler runs, repeated fields kept in order."""
    return await request.form()


PostedForm = Annotated[FormData, Depends(form_data)]
"""A handler's posted form: routes stay `def`, so their database work runs off the event loop."""

