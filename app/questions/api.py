"""JSON API for a round's question set (DESIGN: GET|PUT …/rounds/{key}/questions, POST …/generate)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from app.deps import Manager, SessionDep
from app.errors import Invalid
from app.models import JobSpec, JobSpecVersion
from app.questions import service
from app.specs.draw import coverage_by_weight
from app.questions.schemas import DraftOut, GenerateIn, PublishedSetOut, QuestionSetIn, QuestionSetOut
from app.schemas import CSRF_403, ConflictOut, errors
from app.specs import service as specs
from app.specs.content import RoundKind

router = APIRouter(prefix="/api/v1/job-specs/{slug}/rounds/{key}/questions", tags=["question sets"])
NO_ROUND = (404, "no such job spec or round")


def set_body(spec: JobSpec, version: JobSpecVersion, key: str) -> dict[str, Any]:
    """A round's published set in a version, with the whole interview's coverage."""
    content = specs.content_of(version)
    rnd = service.find_round(content, key)
    return {"slug": spec.slug, "round": key, "kind": rnd.kind.value, "question_count": rnd.question_count,
            "rotate_questions": rnd.rotate_questions, "version": version.label,
            "version_number": version.number, "questions": [q.to_dict() for q in rnd.questions],
            "coverage": coverage_by_weight(content)}


@router.get("", response_model=QuestionSetOut, response_model_exclude_unset=True,
            responses=errors(401, 403, NO_ROUND))
def get_question_set(slug: str, key: str, session: SessionDep, user: Manager) -> dict[str, Any]:
    """The published question set of a round in the current version."""
    spec = specs.get_spec(session, slug)
    return set_body(spec, specs.get_version(session, spec), key)


@router.put("", response_model=PublishedSetOut, response_model_exclude_unset=True, responses=errors(
    401, (403, CSRF_403), NO_ROUND, (409, "based on a version that is no longer current", ConflictOut),
    (422, "an invalid set, or a live round (which has no questions)")))
def put_question_set(slug: str, key: str, body: QuestionSetIn, session: SessionDep, user: Manager) -> dict[str, Any]:
    """Publish a round's question set → a new version (unchanged content makes none)."""
    spec = specs.get_spec(session, slug)
    if service.find_round(specs.content_of(specs.get_version(session, spec)), key).kind is RoundKind.LIVE:
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


@router.post("/generate", response_model=DraftOut, response_model_exclude_unset=True,
             responses=errors(401, (403, CSRF_403), NO_ROUND, 422))
def generate_question_set(slug: str, key: str, body: GenerateIn, session: SessionDep, user: Manager) -> dict[str, Any]:
    """A draft set from the bank or the model (nothing is saved; publish it with PUT)."""
    spec = specs.get_spec(session, slug)
    content = specs.content_of(specs.get_version(session, spec))
    rnd = service.find_round(content, key)
    draft = service.generate_draft(session, content=content, round_key=key, source=body.source,
                                   count=body.count or rnd.question_count)
    return {"questions": draft.questions, "source_used": draft.source_used, "notice": draft.notice,
            "rejected": draft.rejected}
