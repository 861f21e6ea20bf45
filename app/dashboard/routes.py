"""Dashboard pages: the spec dashboard (cards, charts, ranking, reliability, leniency, what-if),
its fragments for polling, the live block, CSV export, a candidate's detail and the SSE stream."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response, StreamingResponse

from app import policy
from app.dashboard import ranking as rank
from app.dashboard import views
from app.dashboard.service import spec_dashboard
from app.deps import CurrentUser, Manager, SessionDep
from app.errors import NotFound
from app.events.stream import event_stream
from app.interviews.service import interview_for_scores
from app.specs import service as specs
from app.voice import views as voice_views
from app.web import is_htmx, render

router = APIRouter(include_in_schema=False)  # pages, not the public API
MAX_WHAT_IF_WEIGHT = 100.0


def _ranking_filter(request: Request) -> rank.RankingFilter:
    q = request.query_params
    return rank.RankingFilter.parse(sort=q.get("sort", ""), order=q.get("order", ""), status=q.get("status", ""),
                                    knocked_out=q.get("knocked_out", ""), version=q.get("version", ""))


@router.get("/specs/{slug}/dashboard")
def dashboard_page(slug: str, request: Request, session: SessionDep, user: Manager) -> Response:
    """The spec's dashboard; htmx polls get one fragment (`?part=`), others the whole page."""
    spec = specs.get_spec(session, slug)
    part = request.query_params.get("part")
    block = part if part in views.FRAGMENTS and part != "live" else None
    return render(request, "dashboard/page.html", views.dashboard_context(session, spec, _ranking_filter(request)),
                  block=block)


@router.get("/specs/{slug}/dashboard/ranking")
def ranking_rows(slug: str, request: Request, session: SessionDep, user: Manager, cursor: str = "") -> Response:
    """The next page of the ranking's rows ("more"), sorted and filtered as the page asked."""
    spec = specs.get_spec(session, slug)
    wanted = _ranking_filter(request)
    if not is_htmx(request):  # a link followed without htmx: the page, showing these rows
        return render(request, "dashboard/page.html", views.dashboard_context(session, spec, wanted, cursor=cursor[:300]))
    rows, next_cursor = rank.page(session, spec.id, wanted, cursor=cursor[:300])
    return render(request, "dashboard/page.html", {"spec": spec, "rows": rows, "next_cursor": next_cursor,
                                                   "wanted": wanted}, block="ranking_rows")


@router.get("/specs/{slug}/live")
def live_block(slug: str, request: Request, session: SessionDep, user: Manager) -> Response:
    """The live performance block alone (the polling fallback of the SSE stream)."""
    spec = specs.get_spec(session, slug)
    return render(request, "dashboard/_live_block.html", {"spec": spec, "live": spec_dashboard(session, spec)},
                  block="live_performance")


@router.get("/specs/{slug}/dashboard.csv")
def dashboard_csv(slug: str, request: Request, session: SessionDep, user: Manager) -> Response:
    """The candidate ranking as a CSV download, streamed a page of rows at a time."""
    spec = specs.get_spec(session, slug)
    body = views.ranking_csv(request.app, spec.id, _ranking_filter(request))
    return StreamingResponse(body, media_type="text/csv; charset=utf-8",
                             headers={"Content-Disposition": f'attachment; filename="{spec.slug}-ranking.csv"'})


@router.get("/specs/{slug}/dashboard/what-if")
def what_if(slug: str, request: Request, session: SessionDep, user: Manager) -> Response:
    """The ranking re-scored under the slider weights (`w_<competency>`), nothing saved."""
    spec = specs.get_spec(session, slug)
    content = specs.content_of(specs.get_version(session, spec))
    weights = {}
    for c in content.competencies:
        try:
            value = float(request.query_params.get(f"w_{c.id}", c.weight))
        except ValueError:
            value = float(c.weight)
        weights[c.id] = min(MAX_WHAT_IF_WEIGHT, max(0.0, value)) if value == value else 0.0
    ctx = views.what_if_context(session, spec, weights)
    if not is_htmx(request):  # a bookmarked what-if: the whole page around it
        ctx = {**views.dashboard_context(session, spec), **ctx}
    return render(request, "dashboard/page.html", ctx, block="what_if_result")


@router.get("/specs/{slug}/dashboard/interviews/{interview_id}")
def candidate_detail(slug: str, interview_id: str, request: Request, session: SessionDep,
                     user: CurrentUser) -> Response:
    """One candidate's scores: managers, or interviewers on the interview after submitting."""
    spec = specs.get_spec(session, slug)
    interview, panel = interview_for_scores(session, user, interview_id)
    if interview.spec_id != spec.id:
        raise NotFound(f"no interview '{interview_id}' on this job spec")
    context = views.candidate_context(session, spec, interview_id,
                                      shown=lambda card: policy.can_see_scorecard(user, card, panel))
    context["spoken_rounds"] = voice_views.for_interview(session, interview, user)  # recordings they may hear
    return render(request, "dashboard/candidate.html", context)


@router.get("/specs/{slug}/events")
def dashboard_events(slug: str, request: Request, session: SessionDep, user: Manager) -> Response:
    """SSE: the changed fragments whenever the spec's dashboard moves (`?view=dashboard` for the page),
    rendered once per spec and process for every open stream."""
    spec = specs.get_spec(session, slug)
    view = "dashboard" if request.query_params.get("view") == "dashboard" else "spec"
    render_fn = views.fragment_renderer(request.app, spec.id, view)
    heartbeat = float(getattr(request.app.state, "sse_heartbeat", 15.0))
    stream = event_stream(request, spec_id=spec.id, view=view, render=render_fn, heartbeat=heartbeat)
    return StreamingResponse(stream, media_type="text/event-stream",
                             headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
