"""Job-spec pages: the list (create, upload YAML), the spec page, the editor, versions with diffs
and the YAML download. Managers and admins edit; interviewers read the specs of their interviews."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Query, Request, UploadFile
from fastapi.responses import Response
from sqlalchemy import func
from sqlmodel import Session, select
from starlette.datastructures import FormData

from app import policy
from app.deps import Manager, SessionDep, Staff
from app.errors import Conflict
from app.models import Interview, JobSpec, JobSpecVersion, User
from app.specs import editor, service
from app.specs.access import ensure_can_read, readable_specs
from app.specs.api import export_response
from app.specs.diff import diff_contents
from app.specs.schema import SpecProblems
from app.web import PostedForm, redirect, render
from app.yamlio import MAX_BYTES, YamlProblems, parse

VersionQuery = Annotated[int | None, Query(ge=1, le=service.MAX_VERSION)]

router = APIRouter()


def interview_counts(session: Session) -> dict[str, int]:
    """Interviews created per spec id."""
    rows = session.exec(select(Interview.spec_id, func.count()).group_by(Interview.spec_id)).all()
    return {spec_id: count for spec_id, count in rows}


def _list_context(session: Session, user: User) -> dict[str, Any]:
    versions = [(spec, service.get_version(session, spec)) for spec in readable_specs(session, user)]
    rows = [(spec, version, service.content_of(version)) for spec, version in versions]
    return {"rows": rows, "interviews": interview_counts(session), "can_edit": policy.can_edit_spec(user)}


@router.get("/specs")
def spec_list(request: Request, session: SessionDep, user: Staff) -> Response:
    """The job specs the caller may read."""
    return render(request, "specs/list.html", _list_context(session, user))


@router.post("/specs/upload")
def upload_spec(request: Request, session: SessionDep, user: Manager,
                file: Annotated[UploadFile, File(description="a job-spec YAML file")]) -> Response:
    """Load an uploaded YAML file as a new spec or a new version; problems are shown line by line."""
    name = file.filename or "upload.yaml"
    try:
        doc = parse(file.file.read(MAX_BYTES + 1), name)
        slug = doc.data.get("slug") if isinstance(doc.data, dict) else None
        current = service.current_content(session, slug) if isinstance(slug, str) else None
        content = service.prepare(session, doc.data, current=current)
    except YamlProblems as exc:
        problems = [str(p) for p in exc.problems]
    except SpecProblems as exc:
        problems = [str(p) for p in service.document_problems(doc, exc)]
    else:
        result = service.save_content(session, content=content, source="yaml", actor=user)
        outcome = "saved" if result.created else "unchanged"
        return redirect(request, f"/specs/{content.slug}?{outcome}={result.version.label}")
    context = {**_list_context(session, user), "upload_problems": problems, "upload_name": name}
    return render(request, "specs/list.html", context, block="upload", status_code=422)


def _editor_page(request: Request, *, spec: JobSpec | None, draft: dict[str, Any], base: JobSpecVersion | None,
                 errors: editor.EditorErrors | None = None, conflict: JobSpecVersion | None = None,
                 status_code: int = 200) -> Response:
    total, balanced = editor.weight_total(draft)
    context = {"spec": spec, "draft": draft, "base": base, "errors": errors or editor.EditorErrors(),
               "conflict": conflict, "total": total, "balanced": balanced,
               "levels": ("junior", "mid", "senior", "staff", "principal"),
               "round_kinds": ("written", "behavioral", "live"), "fmt_weight": editor.display_weight}
    return render(request, "specs/edit.html", context, status_code=status_code)


@router.get("/specs/new")
def new_spec_form(request: Request, user: Manager) -> Response:
    """The editor for a job spec written from scratch."""
    return _editor_page(request, spec=None, draft=editor.draft_from_content(editor.BLANK_CONTENT), base=None)


@router.post("/specs/new")
def create_spec(request: Request, session: SessionDep, user: Manager, form: PostedForm) -> Response:
    """Create a job spec from the editor; its first version is v1."""
    draft = editor.draft_from_form(form)
    try:
        content = service.prepare(session, editor.raw_spec(draft, base=None), current=None)
    except SpecProblems as exc:
        return _editor_page(request, spec=None, draft=draft, base=None, errors=editor.place_errors(exc.errors),
                            status_code=422)
    if service.current_content(session, content.slug) is not None:
        errors = editor.place_errors([(("slug",), f"a job spec with slug '{content.slug}' already exists")])
        return _editor_page(request, spec=None, draft=draft, base=None, errors=errors, status_code=422)
    result = service.save_content(session, content=content, source="editor", actor=user)
    return redirect(request, f"/specs/{content.slug}?saved={result.version.label}")


@router.get("/specs/{slug}")
def spec_page(slug: str, request: Request, session: SessionDep, user: Staff, version: VersionQuery = None,
              saved: str | None = None, unchanged: str | None = None) -> Response:
    """One job spec: the current version (or `?version=n`) with everything seed 002 shows."""
    spec = service.get_spec(session, slug)
    ensure_can_read(session, user, spec)
    shown = service.get_version(session, spec, version)
    context = {"spec": spec, "version": shown, "content": service.content_of(shown),
               "can_edit": policy.can_edit_spec(user),
               "live": policy.can_see_dashboard(user), "saved": saved, "unchanged": unchanged}
    return render(request, "specs/page.html", context)


@router.get("/specs/{slug}/edit")
def edit_form(slug: str, request: Request, session: SessionDep, user: Manager) -> Response:
    """The editor, loaded from the current version."""
    spec = service.get_spec(session, slug)
    base = service.get_version(session, spec)
    return _editor_page(request, spec=spec, draft=editor.draft_from_content(service.content_of(base)), base=base)


@router.post("/specs/{slug}/edit")
def save_edit(slug: str, request: Request, session: SessionDep, user: Manager, form: PostedForm) -> Response:
    """Save the editor as a new version, refusing a save based on a version that is no longer current."""
    spec = service.get_spec(session, slug)
    base_number = service.parse_base_version(str(form.get("base_version", "")) or None) or spec.current_version
    base = service.get_version(session, spec, base_number)
    draft = {**editor.draft_from_form(form), "slug": slug}
    if base.number != spec.current_version:
        return _editor_page(request, spec=spec, draft=draft, base=base, conflict=service.get_version(session, spec),
                            status_code=409)
    try:
        base_content = service.content_of(base)
        content = service.prepare(session, editor.raw_spec(draft, base=base_content), current=base_content)
    except SpecProblems as exc:
        return _editor_page(request, spec=spec, draft=draft, base=base, errors=editor.place_errors(exc.errors),
                            status_code=422)
    try:
        result = service.save_content(session, content=content, source="editor", actor=user, base_version=base.number)
    except Conflict:
        return _editor_page(request, spec=spec, draft=draft, base=base, conflict=service.get_version(session, spec),
                            status_code=409)
    outcome = "saved" if result.created else "unchanged"
    return redirect(request, f"/specs/{slug}?{outcome}={result.version.label}")


def _authors(session: Session, versions: list[JobSpecVersion]) -> dict[str, User]:
    ids = {v.created_by_id for v in versions if v.created_by_id}
    users = session.exec(select(User).where(User.id.in_(ids))).all() if ids else []  # type: ignore[union-attr]
    return {u.id: u for u in users}


@router.get("/specs/{slug}/versions")
def versions_page(slug: str, request: Request, session: SessionDep, user: Staff, to: int | None = None) -> Response:
    """Who changed the spec, when and from where, and the diff between any two versions."""
    spec = service.get_spec(session, slug)
    ensure_can_read(session, user, spec)
    versions = service.list_versions(session, spec)
    from_number = request.query_params.get("from", "")  # `from` is a Python keyword
    to_number = to or spec.current_version
    older = int(from_number) if from_number.isdigit() else max(to_number - 1, 1)
    new_version = service.get_version(session, spec, to_number)
    old_version = service.get_version(session, spec, older)
    changes = diff_contents(service.content_of(old_version), service.content_of(new_version))
    context = {"spec": spec, "versions": versions, "authors": _authors(session, versions),
               "old": old_version, "new": new_version, "changes": changes, "can_edit": policy.can_edit_spec(user)}
    return render(request, "specs/versions.html", context, block="diff")


@router.get("/specs/{slug}/export.yaml")
def export_page(slug: str, session: SessionDep, user: Staff, version: VersionQuery = None) -> Response:
    """Download a version as YAML."""
    spec = service.get_spec(session, slug)
    ensure_can_read(session, user, spec)
    return export_response(spec, service.get_version(session, spec, version))
