"""The question analysis page: `/specs/{slug}/questions/analysis` (hiring managers and admins)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.analysis.questions import question_analysis
from app.deps import Manager, SessionDep
from app.models import utcnow
from app.specs import service as specs
from app.suggestions.agreement import stored_agreement
from app.web import render
from scoring.questions import FLAG_BELOW, MIN_INTERVIEWS

router = APIRouter()


@router.get("/specs/{slug}/questions/analysis")
def questions_analysis_page(slug: str, request: Request, session: SessionDep, user: Manager) -> Response:
    """Which questions separate candidates (flagged ones first, each with a link to replace it),
    and how far the model's suggestions agree with the panel."""
    spec = specs.get_spec(session, slug)
    content = specs.content_of(specs.get_version(session, spec))
    model = stored_agreement(session, spec)
    return render(request, "analysis/questions.html", {
        "spec": spec, "content": content, "analysis": question_analysis(session, spec), "computed_at": utcnow(),
        "model_rater": model["competencies"], "model_rater_computed_at": model["computed_at"],
        "flag_below": FLAG_BELOW, "min_interviews": MIN_INTERVIEWS,
        "names": {c.id: c.name for c in content.competencies}})
