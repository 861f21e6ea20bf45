"""JSON API for a round's question set (DESIGN: GET|PUT …/rounds/{key}/questions, POST …/generate)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from app.deps import Manager, SessionDep
from app.errors import Invalid
from app.models import JobSpec, JobSpecVersion
from app.questions import service
from app.questions.engine import coverage_by_weight
from app.questions.schemas import GenerateIn, QuestionSetIn
from app.specs import service as specs

router = APIRouter(prefix="/api/v1/job-specs/{slug}/rounds/{key}/questions", tags=["question sets"])


def set_body(spec: JobSpec, version: JobSpecVersion, key: str) -> dict[str, Any]:
    """A round's published set in a version, with the whole interview's coverage."""
    rnd = service.find_round(version.content, key)
    return {"slug": spec.slug, "round": key, "kind": rnd["kind"], "question_count": rnd["question_count"],
            "rotate_questions": rnd.get("rotate_questions", False), "version": version.label,
            "version_number": version.number, "questions": rnd.get("questions", []),
            "coverage": coverage_by_weight(version.content)}


@router.get("")
def get_question_set(slug: str, key: str, session: SessionDep, user: Manager) -> dict[str, Any]:
    """The published question set of a round in the current version."""
    spec = specs.get_spec(session, slug)
    return set_body(spec, specs.get_version(session, spec), key)


@router.put("")
def put_question_set(slug: str, key: str, body: QuestionSetIn, session: SessionDep, user: Manager) -> dict[str, Any]:
    """Publish a round's question set → a new version (unchanged content makes none)."""
    spec = specs.get_spec(session, slug)
    if service.find_round(specs.get_version(session, spec).content, key)["kind"] == "live":
        raise Invalid("a live round has no question set",
                      errors=[{"loc": ["path", "key"], "msg": "live rounds have no questions"}])
    try:
        result = service.publish(session, spec=spec, sets={key: body.questions}, actor=user,
                                 base_version=body.base_version, source="api")
    except Invalid as exc:
        exc.errors = [{"loc": ["body", *e["loc"][1:]] if e["loc"][:1] == [key] else ["body", *e["loc"]],
                       "msg": e["msg"]} for e in exc.errors]
        raise
    return {**set_body(spec, result.version, key), "created": result.created}


@router.post("/generate")
def generate_question_set(slug: str, key: str, body: GenerateIn, session: SessionDep, user: Manager) -> dict[str, Any]:
    """A draft set from the bank or the model (nothing is saved; publish it with PUT)."""
    spec = specs.get_spec(session, slug)
    content = specs.get_version(session, spec).content
    rnd = service.find_round(content, key)
    draft = service.generate_draft(session, content=content, round_key=key, source=body.source,
                                   count=body.count or rnd["question_count"])
    return {"questions": draft.questions, "source_used": draft.source_used, "notice": draft.notice,
            "rejected": draft.rejected}
