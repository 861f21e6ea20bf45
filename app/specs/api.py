"""JSON API for job specs (DESIGN: Public JSON API): list, get, create, replace, patch weights,
versions and YAML export. Every write makes a new version; a stale `base_version` is a 409."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response

from app import yamlio
from app.deps import Manager, SessionDep, Staff
from app.errors import Conflict, Invalid
from app.models import JobSpec, JobSpecVersion
from app.specs import service
from app.specs.service import MAX_VERSION
from app.specs.access import ensure_can_read, readable_specs
from app.schemas import errors
from app.specs.content import SpecContent
from app.specs.schema import SpecProblems
from app.specs.schemas import (CREATE_ERRORS, READ_ERRORS, SPEC_BODY_DOC, SPEC_CONTENT_REF, SPEC_REPLACE_DOC, WRITE_ERRORS, SpecSummaryOut,
                               SpecVersionOut, VersionInfoOut, WeightsPatch)
from app.yamlio import Document, YamlProblems

router = APIRouter(prefix="/api/v1/job-specs", tags=["job specs"])
YAML_TYPES = ("application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml")
VERSION_ERRORS = errors(401, (404, "no such job spec or version, or not one the caller may read"),
                        (422, "the version is not a number"))


def version_body(spec: JobSpec, version: JobSpecVersion) -> dict[str, Any]:
    """A version as the API shows it: its content plus id, version label and number."""
    content = service.content_of(version)
    return {
        "id": spec.id,
        "slug": spec.slug,
        "title": content.title,
        "level": content.level.value,
        "description": content.description,
        "version": version.label,
        "version_number": version.number,
        "current": version.number == spec.current_version,
        "source": version.source,
        "created_at": version.created_at.isoformat(),
        "blind_until_all_submitted": content.blind_until_all_submitted,
        "competencies": [c.to_dict() for c in content.competencies],
        "must_haves": [m.to_dict() for m in content.must_haves],
        "rounds": [r.to_dict() for r in content.rounds],
    }


def summary(spec: JobSpec, version: JobSpecVersion) -> dict[str, Any]:
    """One line of the spec list."""
    return {"slug": spec.slug, "title": version.title, "level": version.level, "version": version.label,
            "version_number": version.number, "competencies": len(service.content_of(version).competencies),
            "updated_at": spec.updated_at.isoformat()}


async def read_spec_body(request: Request) -> tuple[Any, Document | None]:
    """The request body as data: YAML (with positions) for YAML content types, JSON otherwise."""
    raw = await request.body()
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type in YAML_TYPES:
        try:
            doc = yamlio.parse(raw, "body")
        except YamlProblems as exc:
            errors = [{"loc": ["body"], "msg": f"line {p.line}, column {p.col}: {p.message}"} for p in exc.problems]
            raise Invalid("the YAML body cannot be read", errors=errors) from None
        return doc.data, doc
    try:
        return json.loads(raw), None
    except UnicodeDecodeError:
        raise Invalid("the body is not UTF-8 text", errors=[{"loc": ["body"], "msg": "not UTF-8"}]) from None
    except json.JSONDecodeError as exc:
        raise Invalid("the body is not valid JSON (send YAML with Content-Type: application/yaml)", errors=[
            {"loc": ["body"], "msg": f"line {exc.lineno}, column {exc.colno}: {exc.msg}"}]) from None


SpecBody = Annotated[tuple[Any, Document | None], Depends(read_spec_body)]


def problems_as_errors(exc: SpecProblems, doc: Document | None) -> list[dict[str, Any]]:
    """Spec problems as API errors; with a YAML document each message names its line and column."""
    if doc is None:
        return [{"loc": ["body", *loc], "msg": msg} for loc, msg in exc.errors]
    placed = service.document_problems(doc, exc)
    return [{"loc": ["body", *loc], "msg": f"line {p.line}, column {p.col}: {msg}"}
            for (loc, msg), p in zip(exc.errors, placed)]


def prepared(session: SessionDep, data: Any, doc: Document | None, *, current: SpecContent | None) -> SpecContent:
    """Validated content with published sets filled in, or Invalid (422) with every problem."""
    try:
        return service.prepare(session, data, current=current)
    except SpecProblems as exc:
        raise Invalid("the job spec is not valid", errors=problems_as_errors(exc, doc)) from None


def ensure_base_current(session: SessionDep, spec: JobSpec, base_version: int | str | None) -> None:
    """Conflict (409) when the change names a base version that is no longer current."""
    base = service.parse_base_version(base_version)
    if base is not None and base != spec.current_version:
        current = service.get_version(session, spec)
        raise Conflict(f"this change is based on v{base}, but the current version is {current.label}",
                       current_version=current.label, current_url=f"/specs/{spec.slug}")


@router.get("", response_model=list[SpecSummaryOut], responses=errors(401))
def list_specs(session: SessionDep, user: Staff) -> list[dict[str, Any]]:
    """Every job spec the caller may read, with its current version."""
    return [summary(spec, service.get_version(session, spec)) for spec in readable_specs(session, user)]


@router.post("", status_code=201, response_model=SpecVersionOut, openapi_extra=SPEC_BODY_DOC,
             responses=CREATE_ERRORS)
def create_spec(user: Manager, body: SpecBody, session: SessionDep) -> dict[str, Any]:
    """Create a job spec from JSON or YAML content; its first version is v1."""
    # `user` comes first: dependencies run in order, so the caller is checked before the body is parsed.
    data, doc = body
    content = prepared(session, data, doc, current=None)
    if service.current_content(session, content.slug) is not None:
        raise Conflict(f"a job spec with slug '{content.slug}' already exists; PUT it to change it",
                       current_url=f"/api/v1/job-specs/{content.slug}")
    result = service.save_content(session, content=content, source="api", actor=user)
    return version_body(service.get_spec(session, content.slug), result.version)


@router.get("/{slug}", response_model=SpecVersionOut, responses=READ_ERRORS)
def get_spec(slug: str, session: SessionDep, user: Staff) -> dict[str, Any]:
    """The current version of a job spec."""
    spec = service.get_spec(session, slug)
    ensure_can_read(session, user, spec)
    return version_body(spec, service.get_version(session, spec))


@router.put("/{slug}", response_model=SpecVersionOut, openapi_extra=SPEC_REPLACE_DOC, responses=WRITE_ERRORS)
def replace_spec(slug: str, user: Manager, body: SpecBody, session: SessionDep,
                 base_version: Annotated[str | None, Query(description="the version this change is based on")] = None,
                 ) -> dict[str, Any]:
    """Replace the content; a change makes a new version, unchanged content keeps the current one."""
    spec = service.get_spec(session, slug)
    data, doc = body
    if isinstance(data, dict):
        data = dict(data)
        base_version = data.pop("base_version", base_version)
        if data.setdefault("slug", slug) != slug:
            raise Invalid("the slug in the body must match the path",
                          errors=[{"loc": ["body", "slug"], "msg": f"slug must be '{slug}' (the path's)"}])
    ensure_base_current(session, spec, base_version)
    current = service.get_version(session, spec)
    content = prepared(session, data, doc, current=service.content_of(current))
    result = service.save_content(session, content=content, source="api", actor=user, base_version=base_version)
    return version_body(spec, result.version)


def _weight_errors(exc: SpecProblems, content: SpecContent) -> list[dict[str, Any]]:
    ids = content.competency_ids
    errors = []
    for loc, msg in exc.errors:
        if loc[:1] == ("competencies",) and len(loc) >= 2 and isinstance(loc[1], int):
            errors.append({"loc": ["body", "weights", ids[loc[1]]], "msg": msg})
        elif loc == ("competencies",):
            errors.append({"loc": ["body", "weights"], "msg": msg})
        else:
            errors.append({"loc": ["body", *loc], "msg": msg})
    return errors


@router.patch("/{slug}/weights", response_model=SpecVersionOut, responses=WRITE_ERRORS)
def patch_weights(slug: str, patch: WeightsPatch, session: SessionDep, user: Manager) -> dict[str, Any]:
    """Change some competency weights; the weights must still sum to 1.00. Makes a new version."""
    spec = service.get_spec(session, slug)
    ensure_base_current(session, spec, patch.base_version)
    current = service.content_of(service.get_version(session, spec))
    unknown = [cid for cid in patch.weights if cid not in current.weights]
    if unknown:
        raise Invalid("unknown competency ids", errors=[
            {"loc": ["body", "weights", cid], "msg": f"unknown competency id '{cid}'"} for cid in unknown])
    raw = current.to_dict()  # a new dict to validate: the shared content itself never changes
    for comp in raw["competencies"]:
        comp["weight"] = patch.weights.get(comp["id"], comp["weight"])
    try:
        content = service.prepare(session, raw, current=current)
    except SpecProblems as exc:
        raise Invalid("the weights are not valid", errors=_weight_errors(exc, current)) from None
    result = service.save_content(session, content=content, source="api", actor=user,
                                  base_version=patch.base_version)
    return version_body(spec, result.version)


@router.get("/{slug}/versions", response_model=list[VersionInfoOut], responses=READ_ERRORS)
def list_versions(slug: str, session: SessionDep, user: Staff) -> list[dict[str, Any]]:
    """The version history, newest first."""
    spec = service.get_spec(session, slug)
    ensure_can_read(session, user, spec)
    return [{"version": v.label, "version_number": v.number, "source": v.source, "title": v.title,
             "created_at": v.created_at.isoformat(), "created_by_id": v.created_by_id}
            for v in service.list_versions(session, spec)]


@router.get("/{slug}/versions/{number}", response_model=SpecVersionOut, responses=VERSION_ERRORS)
def get_version(slug: str, number: Annotated[int, Path(ge=1, le=MAX_VERSION)], session: SessionDep,
                user: Staff) -> dict[str, Any]:
    """One version, old ones included."""
    spec = service.get_spec(session, slug)
    ensure_can_read(session, user, spec)
    return version_body(spec, service.get_version(session, spec, number))


def export_response(spec: JobSpec, version: JobSpecVersion) -> Response:
    """A version's content as a YAML download that loads back to the same content."""
    filename = f"{spec.slug}-v{version.number}.yaml"
    return Response(yamlio.dump(service.content_of(version).to_dict()), media_type="application/yaml",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@router.get("/{slug}/export.yaml", response_class=Response, responses={
    200: {"content": {"application/yaml": {"schema": SPEC_CONTENT_REF}},
          "description": "the version as YAML that loads back to the same content"}, **VERSION_ERRORS})
def export_yaml(slug: str, session: SessionDep, user: Staff,
                version: Annotated[int | None, Query(ge=1, le=MAX_VERSION,
                                                     description="a version number; default the current one")] = None,
                ) -> Response:
    """The current version (or `?version=n`) as YAML."""
    spec = service.get_spec(session, slug)
    ensure_can_read(session, user, spec)
    return export_response(spec, service.get_version(session, spec, version))
