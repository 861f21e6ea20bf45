"""JSON API (DESIGN): an interview's score, a spec's dashboard and its reliability figures."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from app.dashboard import ranking as rank
from app.dashboard import scores, service
from app.dashboard.schemas import DashboardOut, ReliabilityOut, ScoreOut
from app.deps import CurrentUser, Manager, SessionDep
from app.interviews.service import interview_for_scores
from app.models import JobSpec
from app.schemas import errors
from app.specs import service as specs

router = APIRouter(prefix="/api/v1", tags=["scores and dashboards"])
MANAGER_ERRORS = errors(401, (403, "dashboards are for hiring managers and admins"), (404, "no such job spec"))


@router.get("/interviews/{interview_id}/score", response_model=ScoreOut, responses=errors(
    401, (403, "the caller's own scorecards on this interview are not all submitted yet (blind rule)"),
    (404, "no such interview, or not one the caller is assigned to")))
def interview_score(interview_id: str, session: SessionDep, user: CurrentUser) -> dict[str, Any]:
    """`{overall, status, coverage, knocked_out, competencies: {cid: {score, n, band, level}}, must_haves,
    level_estimate, adjusted_overall, recommendations}`: managers, or interviewers on it after submitting."""
    interview, _ = interview_for_scores(session, user, interview_id)
    spec = session.get(JobSpec, interview.spec_id)
    assert spec is not None
    evidence = scores.load_evidence(session, spec)
    leniency = scores.leniency_for(evidence)
    ev = next(e for e in evidence if e.interview.id == interview.id)
    return scores.score_detail(ev, leniency)


@router.get("/job-specs/{slug}/dashboard", response_model=DashboardOut, responses=MANAGER_ERRORS)
def spec_dashboard(slug: str, session: SessionDep, user: Manager) -> dict[str, Any]:
    """`{interviews, completed, completion_rate, avg_score, competencies: [{id, name, weight, avg_score, n}]}`."""
    return service.spec_dashboard(session, specs.get_spec(session, slug))


@router.get("/job-specs/{slug}/reliability", response_model=ReliabilityOut, responses=MANAGER_ERRORS)
def spec_reliability(slug: str, session: SessionDep, user: Manager) -> dict[str, Any]:
    """Per competency ICCs over interviews with two or more raters, and per-rater leniency (mean
    deviation from co-raters on the same interview and competency, with n)."""
    spec = specs.get_spec(session, slug)
    evidence = scores.load_evidence(session, spec)
    content = specs.content_of(specs.get_version(session, spec))
    return rank.reliability(evidence, content.competencies, scores.leniency_for(evidence))
