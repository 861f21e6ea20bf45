"""JSON API of candidate data (DESIGN: Candidate data, consent and fairness): the export, the
erasure, the candidate's self-identification and the adverse-impact report."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from app import policy
from app.candidates.service import get_candidate
from app.consent import self_id
from app.deps import AdminUser, Manager, Public, SessionDep
from app.privacy import erasure, export, service
from app.privacy.schemas import AdverseImpactOut, CandidateExportOut, ErasedOut, SelfIdIn, SelfIdOut
from app.schemas import CSRF_403, errors
from app.specs import service as specs
from app.take.access import TakeInterview

router = APIRouter(prefix="/api/v1", tags=["candidate data"])


@router.get("/candidates/{candidate_id}/export", response_model=CandidateExportOut,
            responses=errors(401, (403, "exports are for hiring managers and admins"), (404, "no such candidate")))
def export_candidate(candidate_id: str, session: SessionDep, user: Manager) -> dict[str, Any]:
    """Everything stored about the candidate as one JSON document (self-identification in an admin's only)."""
    candidate = get_candidate(session, candidate_id)
    return export.candidate_export(session, candidate, with_self_identification=policy.can_see_self_identification(user))


@router.delete("/candidates/{candidate_id}", response_model=ErasedOut,
               responses=errors(401, (403, CSRF_403),
                                (404, "no such candidate")))
def erase_candidate(candidate_id: str, session: SessionDep, user: AdminUser) -> dict[str, Any]:
    """Erase the person: name, email, answers, revisions, transcripts, audio, notes and
    self-identification go; ratings stay on an anonymous interview. Repeating it is harmless."""
    done = erasure.erase_candidate(session, get_candidate(session, candidate_id), actor=user)
    return {"id": done.candidate_id, "erased_at": done.erased_at.isoformat(), **done.counts()}


@router.put("/take/{token}/self-id", response_model=SelfIdOut, tags=["candidate"], dependencies=[Public],
            responses=errors((404, "there is nothing at this address (unknown link)"), 410, 422, 429))
def put_self_id(body: SelfIdIn, interview: TakeInterview, session: SessionDep) -> dict[str, Any]:
    """The candidate's voluntary self-identification (each an EEOC category, or `decline`, the default).
    It is stored apart and never shown to interviewers or per candidate."""
    row = self_id.set_self_identification(session, interview, sex=body.sex, race_ethnicity=body.race_ethnicity)
    return {"sex": row.sex, "race_ethnicity": row.race_ethnicity}


@router.get("/job-specs/{slug}/adverse-impact", response_model=AdverseImpactOut,
            responses=errors(401, (403, "the adverse-impact report is for admins"), (404, "no such job spec"), 422))
def adverse_impact(slug: str, session: SessionDep, user: AdminUser,
                   threshold: Annotated[float, Query(ge=0, le=100, allow_inf_nan=False)] = service.DEFAULT_THRESHOLD
                   ) -> dict[str, Any]:
    """Per self-identified group: n, selected (overall ≥ threshold and not knocked out), selection rate,
    impact ratio against the highest group, the four-fifths flag and Fisher's exact p; groups under 5
    suppressed."""
    return service.adverse_impact(session, specs.get_spec(session, slug), threshold=threshold)
