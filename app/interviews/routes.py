"""Interview pages for hiring managers: the list, inviting a candidate, one interview with its
rounds, scorecards and invite link (revoke, extend, re-issue)."""

from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlmodel import select

from app import policy
from app.deps import Manager, SessionDep, Staff
from app.errors import DomainError, Invalid
from app.interviews import listing, service
from app.interviews.api import candidate_url
from app.interviews.detail import interview_detail
from app.models import Candidate, Interview, User
from app.specs import service as specs
from app import clock
from app.web import PostedForm, redirect, render

router = APIRouter()


@router.get("/interviews")
def interview_list(request: Request, session: SessionDep, user: Manager, job_spec: str = "", status: str = "",
                   interviewer: str = "", q: str = "", sort: str = "", cursor: str = "") -> Response:
    """Interviews, newest (or oldest) first, filtered by spec, status and interviewer, searched by the
    candidate's name or email, a page at a time."""
    wanted = listing.InterviewFilter(spec_slug=job_spec[:120], status=status if status in listing.STATUS_FILTERS else "",
                                     interviewer_id=interviewer[:64], q=q[:200], oldest_first=sort == "oldest")
    page, next_cursor = listing.page_interviews(session, wanted, cursor=cursor[:200])
    rows = [(interview, candidate, version, service.interview_status(session, interview))
            for interview, candidate, version in page]
    staff = session.exec(select(User).order_by(User.name)).all()
    return render(request, "interviews/list.html", {
        "rows": rows, "next_cursor": next_cursor, "wanted": wanted, "specs": _specs(session), "staff": staff,
        "statuses": listing.STATUS_FILTERS, "first_page": not cursor}, block="results")


def _form_context(session: SessionDep, values: dict[str, Any], errors: list[dict[str, Any]]) -> dict[str, Any]:
    spec_rows = [(spec, specs.get_version(session, spec)) for spec in _specs(session)]
    slug = values.get("job_spec") or (spec_rows[0][0].slug if spec_rows else "")
    rounds = next((specs.content_of(v).rounds for s, v in spec_rows if s.slug == slug), ())
    candidates = session.exec(select(Candidate).order_by(Candidate.name).limit(500)).all()
    return {"specs": spec_rows, "rounds": rounds, "candidates": candidates, "values": values, "errors": errors,
            "error_locs": {str(e["loc"][-1]) for e in errors if e.get("loc")}}


def _specs(session: SessionDep) -> list:  # type: ignore[type-arg]
    from app.models import JobSpec
    return list(session.exec(select(JobSpec).where(JobSpec.current_version > 0).order_by(JobSpec.slug)).all())


@router.get("/interviews/new")
def new_interview(request: Request, session: SessionDep, user: Manager, job_spec: str = "") -> Response:
    """The invite form; choosing another spec swaps in its rounds (htmx fragment)."""
    return render(request, "interviews/new.html", _form_context(session, {"job_spec": job_spec}, []), block="rounds")


def _emails(raw: str) -> list[str]:
    return [e for e in re.split(r"[\s,;]+", raw.strip()) if e]


def _parse_factor(raw: str) -> float:
    try:
        value = float(raw or "1")
    except ValueError:
        raise Invalid("invalid time factor", errors=[{"loc": ["body", "time_factor"], "msg": "a number such as 1.5"}]) from None
    return value


@router.post("/interviews/new")
def create_interview(request: Request, session: SessionDep, user: Manager, form: PostedForm) -> Response:
    """Create the candidate (or reuse one) and the interview; show the candidate link once."""
    values = {k: str(v) for k, v in form.items() if k != "csrf_token"}
    slug = values.get("job_spec", "")
    try:
        if not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", slug):
            raise Invalid("invalid job spec", errors=[{"loc": ["body", "job_spec"], "msg": "choose a job spec"}])
        with session.begin_nested():  # nothing half-written: candidate and interview together or neither
            spec = specs.get_spec(session, slug)
            rounds = specs.content_of(specs.get_version(session, spec)).rounds
            interviewers = {r.key: _emails(values.get(f"interviewers_{r.key}", "")) for r in rounds}
            factor = _parse_factor(values.get("time_factor", "1"))
            candidate_id = values.get("candidate_id") or service.create_candidate(
                session, name=values.get("candidate_name", ""), email=values.get("candidate_email", ""), actor=user).id
            created = service.create_interview(session, candidate_id=candidate_id, spec_slug=slug,
                                               interviewers={k: v for k, v in interviewers.items() if v},
                                               time_factor=factor, actor=user)
    except DomainError as exc:
        errors = exc.errors or [{"loc": ["body", "form"], "msg": exc.message}]
        return render(request, "interviews/new.html", _form_context(session, values, errors), status_code=422)
    # The secret is shown once, so this answer is the page itself rather than a redirect.
    return _link_page(request, session, created.interview, created.token, created=True)


def _link_page(request: Request, session: SessionDep, interview: Interview, token: str, *, created: bool) -> Response:
    detail = interview_detail(session, interview, now=clock.now())
    return render(request, "interviews/link.html", {"detail": detail, "url": candidate_url(request, token),
                                                    "created": created}, headers={"Cache-Control": "no-store"})


@router.get("/interviews/{interview_id}")
def interview_page(interview_id: str, request: Request, session: SessionDep, user: Staff) -> Response:
    """One interview: rounds with the candidate's status, scorecards, and the invite link."""
    interview = service.get_interview(session, interview_id)
    panel = service.ensure_can_view(session, interview, user)
    detail = interview_detail(session, interview, now=clock.now(),
                              shown=lambda card: policy.can_see_assignment(user, card, panel))
    return render(request, "interviews/page.html", {"detail": detail, "manager": policy.can_manage_interviews(user),
                                                    "extend_error": None})


@router.post("/interviews/{interview_id}/link/revoke")
def revoke(interview_id: str, request: Request, session: SessionDep, user: Manager) -> Response:
    """Stop the candidate link from working."""
    service.revoke_link(session, service.get_interview(session, interview_id), actor=user)
    return redirect(request, f"/interviews/{interview_id}")


@router.post("/interviews/{interview_id}/link/extend")
def extend(interview_id: str, request: Request, session: SessionDep, user: Manager, form: PostedForm) -> Response:
    """Give the link a new expiry, some days from now."""
    interview = service.get_interview(session, interview_id)
    raw = str(form.get("days", ""))
    try:
        service.extend_link(session, interview, days=int(raw) if raw.isdigit() else 0, actor=user)
    except Invalid as exc:
        detail = interview_detail(session, interview, now=clock.now())
        return render(request, "interviews/page.html", {"detail": detail, "manager": True,
                                                        "extend_error": exc.errors[0]["msg"]}, status_code=422)
    return redirect(request, f"/interviews/{interview_id}")


@router.post("/interviews/{interview_id}/link/reissue")
def reissue(interview_id: str, request: Request, session: SessionDep, user: Manager) -> Response:
    """A new link (shown once); the old one stops working."""
    interview = service.get_interview(session, interview_id)
    token = service.reissue_link(session, interview, actor=user)
    return _link_page(request, session, interview, token, created=False)
