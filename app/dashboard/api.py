"""JSON API (DESIGN): an interview's score, a spec's dashboard and its reliability figures."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Query

from app.dashboard import aggregates, scores, service, stats
from app.dashboard import ranking as rank
from app.dashboard.schemas import DashboardOut, RankingPageOut, ReliabilityOut, ScoreOut
from app.deps import CurrentUser, Manager, SessionDep
from app.interviews.service import interview_for_scores
from app.models import JobSpec
from app.schemas import NO_NUL, errors
from app.specs import service as specs
from app.suggestions.agreement import agreement_panel

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
    ev = scores.load_evidence(session, spec, interview_id=interview.id)[0]
    return scores.score_detail(ev, stats.stored_leniency(session.connection(), spec.id))


@router.get("/job-specs/{slug}/dashboard", response_model=DashboardOut, responses=MANAGER_ERRORS)
def spec_dashboard(slug: str, session: SessionDep, user: Manager) -> dict[str, Any]:
    """`{interviews, completed, completion_rate, avg_score, competencies: [{id, name, weight, avg_score, n}]}`."""
    return service.spec_dashboard(session, specs.get_spec(session, slug))


@router.get("/job-specs/{slug}/ranking", response_model=RankingPageOut, responses=errors(
    401, (403, "dashboards are for hiring managers and admins"), (404, "no such job spec"), 422))
def spec_ranking(slug: str, session: SessionDep, user: Manager,
                 sort: Literal["overall", "adjusted", "coverage", "date"] = "overall",
                 order: Literal["desc", "asc"] = "desc",
                 status: Literal["final", "provisional", "completed", "in_progress"] | None = None,
                 knocked_out: bool | None = None, version: str = Query("", max_length=40, pattern=NO_NUL),
                 cursor: str = Query("", max_length=300, pattern=NO_NUL),
                 limit: int = Query(rank.DEFAULT_LIMIT, ge=1, le=rank.MAX_LIMIT)) -> dict[str, Any]:
    """The candidate ranking a page at a time: best first by overall (knocked-out candidates after the
    others, unscored last), or by `adjusted`, `coverage` or `date`; `{items, next_cursor}`."""
    spec = specs.get_spec(session, slug)
    wanted = rank.RankingFilter(sort=sort, ascending=order == "asc", status=status or "",
                                knocked_out=knocked_out, version=version)
    items, next_cursor = rank.page(session, spec.id, wanted, cursor=cursor, limit=limit)
    return {"items": items, "next_cursor": next_cursor}


@router.get("/job-specs/{slug}/reliability", response_model=ReliabilityOut, responses=MANAGER_ERRORS)
def spec_reliability(slug: str, session: SessionDep, user: Manager) -> dict[str, Any]:
    """Per competency ICCs over interviews with two or more raters, per-rater leniency (mean
    deviation from co-raters on the same interview and competency, with n) and the model as an
    extra rater, as last computed in the background (`computed_at`)."""
    spec = specs.get_spec(session, slug)
    content = specs.content_of(specs.get_version(session, spec))
    aggregate = aggregates.stored(session, spec.id)
    return {**rank.reliability_panel(aggregate, content.competencies),
            "model_rater": agreement_panel(aggregate, content.competencies)}
