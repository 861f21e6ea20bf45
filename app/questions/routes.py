"""The question-set editor page: `/specs/{slug}/questions` (hiring managers and admins)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.deps import Manager, SessionDep
from app.errors import Conflict, Invalid, NotFound
from app.models import JobSpec, JobSpecVersion
from app.questions import editor, service
from app.specs import service as specs
from app.web import PostedForm, redirect, render

router = APIRouter()
PAGE = "questions/editor.html"


def _page(request: Request, session: SessionDep, spec: JobSpec, version: JobSpecVersion,
          state: editor.EditorState, *, base: str, message: str | None = None, published: str | None = None,
          status_code: int = 200) -> Response:
    if message is None and version.number != spec.current_version:
        newest = specs.get_version(session, spec).label
        message = (f"A newer version ({newest}) was published after this draft started from {version.label}; "
                   "publishing the draft will be refused. Reload to start from the newest version.")
    content = specs.content_of(version)
    ctx: dict[str, Any] = {"spec": spec, "version": version, "content": content, "base": base,
                           "message": message, "published": published, **editor.view(session, state, content)}
    return render(request, PAGE, ctx, block="editor", status_code=status_code)


@router.get("/specs/{slug}/questions")
def question_sets_page(slug: str, request: Request, session: SessionDep, user: Manager,
                       published: str | None = None, replace: str | None = None) -> Response:
    """The editor, starting from the current version's published sets (`?replace=<question id>`
    opens that question's replace panel: the question analysis links here)."""
    spec = specs.get_spec(session, slug)
    version = specs.get_version(session, spec)
    state = editor.EditorState(editor.published_sets(specs.content_of(version)))
    state.open = editor.position_of(state, replace) if replace else None
    shown = published if published == version.label else None
    return _page(request, session, spec, version, state, base=version.label, published=shown)


@router.post("/specs/{slug}/questions")
def question_sets_post(slug: str, request: Request, session: SessionDep, user: Manager, form: PostedForm) -> Response:
    """One editor operation on the draft (re-rendered), or Publish (a new version)."""
    spec = specs.get_spec(session, slug)
    version = specs.get_version(session, spec)
    base = str(form.get("base_version") or version.label)
    base_version = _base_version(session, spec, base, version)
    content = specs.content_of(base_version)
    state = editor.read_draft(form, content)
    op = str(form.get("op") or "")
    if op != "publish":
        state = editor.apply(session, state, op, form, content)
        return _page(request, session, spec, base_version, state, base=base)
    try:
        result = service.publish(session, spec=spec, sets=state.sets, actor=user, base_version=base)
    except Conflict as exc:
        message = (f"Not published: {exc.message}. Someone else published a change while you edited; "
                   f"reload to start from {exc.extra.get('current_version', 'the current version')}.")
        return _page(request, session, spec, base_version, state, base=base, message=message, status_code=409)
    except Invalid as exc:
        details = "; ".join(f"{' '.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors)
        return _page(request, session, spec, base_version, state, base=base, status_code=422,
                     message=f"Not published: {exc.message} ({details}).")
    return redirect(request, f"/specs/{slug}/questions?published={result.version.label}")


def _base_version(session: SessionDep, spec: JobSpec, base: str, current: JobSpecVersion) -> JobSpecVersion:
    """The version the draft started from (the page keeps showing it on a conflict)."""
    number = specs.parse_base_version(base)
    if number is None or number == current.number:
        return current
    try:
        return specs.get_version(session, spec, number)
    except NotFound:
        raise Invalid("the draft names an unknown version; reload the page") from None
