"""JSON API: `GET /api/v1/job-specs/{slug}/questions/analysis` (DESIGN) and the model's agreement
with the panel, `GET /api/v1/job-specs/{slug}/model-agreement` (managers)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from app.analysis.questions import question_analysis
from app.analysis.schemas import ModelAgreementListOut, QuestionsAnalysisOut
from app.deps import Manager, SessionDep
from app.models import utcnow
from app.schemas import errors
from app.specs import service as specs
from app.suggestions.agreement import stored_agreement

router = APIRouter(prefix="/api/v1/job-specs/{slug}", tags=["scores and dashboards"])
MANAGER_ERRORS = errors(401, (403, "question analysis is for hiring managers and admins"), (404, "no such job spec"))


@router.get("/questions/analysis", response_model=QuestionsAnalysisOut, responses=MANAGER_ERRORS)
def questions_analysis(slug: str, session: SessionDep, user: Manager) -> dict[str, Any]:
    """Per question used on the spec: `{id, n, mean_score, discrimination, blank_rate,
    median_answer_seconds}`, flagged under 0.2 discrimination, with a link to replace it."""
    spec = specs.get_spec(session, slug)
    return {**question_analysis(session, spec), "computed_at": utcnow().isoformat()}


@router.get("/model-agreement", response_model=ModelAgreementListOut, responses=MANAGER_ERRORS)
def model_agreement_report(slug: str, session: SessionDep, user: Manager) -> dict[str, Any]:
    """The model as an extra rater: per competency its ICC against the panel's mean and its mean
    deviation (leniency), over the rounds interviewers compared with AI, as last computed in the
    background with the spec's other stored aggregates (`computed_at`, null before the first
    computation)."""
    spec = specs.get_spec(session, slug)
    model = stored_agreement(session, spec)
    computed_at = model["computed_at"]
    return {"slug": spec.slug, "competencies": model["competencies"],
            "computed_at": computed_at.isoformat() if computed_at else None}
