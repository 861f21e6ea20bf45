"""Bodies of the candidate-privacy API: the export document, the erasure, self-identification and
the adverse-impact report."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from app.consent.models import RACES_ETHNICITIES, SEXES
from app.suggestions.schemas import StoredSuggestionsOut

Sex = Literal[SEXES]  # type: ignore[valid-type]
RaceEthnicity = Literal[RACES_ETHNICITIES]  # type: ignore[valid-type]


class ExportCandidate(BaseModel):
    id: str
    name: str
    email: str
    created_at: str
    erased_at: str | None


class ExportRevision(BaseModel):
    revision: int
    text: str
    saved_at: str | None


class ExportVoice(BaseModel):
    mode: str
    status: str
    seconds: float
    engine: str | None
    transcript: str
    segments: list[dict[str, Any]]
    content_type: str | None
    audio: list[str] = Field(description="links to the recording's parts (staff API)")
    switched_to_typing_at: str | None


class ExportAnswer(BaseModel):
    id: str
    question_id: str
    text: str
    revision: int
    saved_at: str | None
    revisions: list[ExportRevision]
    voice: ExportVoice | None


class ExportQuestion(BaseModel):
    id: str | None
    text: str | None


class ExportRound(BaseModel):
    round: str
    kind: str | None
    started_at: str | None
    deadline: str | None
    submitted_at: str | None
    closed_by: str | None
    questions: list[ExportQuestion]
    answers: list[ExportAnswer]


class ExportScorecard(BaseModel):
    id: str
    round: str
    interviewer: str = Field(description="the interviewer's name")
    status: str
    ratings: dict[str, int | None]
    notes: dict[str, str]
    must_haves: dict[str, str]
    recommendation: str | None
    submitted_at: str | None


class ExportConsent(BaseModel):
    purpose: str
    choice: str
    notice_version: str
    at: str | None
    attempt_id: str


class ExportInterview(BaseModel):
    id: str
    job_spec: str | None
    title: str | None
    version: str | None
    time_factor: float
    created_at: str | None
    completed_at: str | None
    link_expires_at: str | None
    link_revoked_at: str | None
    rounds: list[ExportRound]
    scorecards: list[ExportScorecard]
    consents: list[ExportConsent]


class ExportSelfIdentification(BaseModel):
    sex: str
    race_ethnicity: str
    updated_at: str | None


class ExportMail(BaseModel):
    to: str
    template: str
    subject: str
    status: str
    created_at: str | None
    sent_at: str | None
    text: str | None = Field(description="null for a message that held a one-time link")


class ExportAudit(BaseModel):
    at: str | None
    actor: str
    action: str
    object_type: str
    object_id: str
    detail: dict[str, Any]
    redacted_at: str | None


class CandidateExportOut(BaseModel):
    """Everything stored about one candidate."""

    format: str
    candidate: ExportCandidate
    interviews: list[ExportInterview]
    self_identification: ExportSelfIdentification | None = Field(
        description="the candidate's voluntary answers: in an admin's export only (null when none were given)")
    self_identification_included: bool
    mail: list[ExportMail]
    audit: list[ExportAudit]
    ai_suggestions: list[StoredSuggestionsOut] = Field(
        default_factory=list, description="the AI suggestions stored beside the scorecards about them, with their quotes")


class ErasedOut(BaseModel):
    """What an erasure removed, by count."""

    id: str
    erased_at: str
    interviews: int
    answers: int
    revisions: int
    recordings: int
    notes: int
    mail: int
    audit_redacted: int


class SelfIdIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    sex: Sex = "decline"
    race_ethnicity: RaceEthnicity = "decline"


class SelfIdOut(BaseModel):
    sex: str
    race_ethnicity: str


class GroupOut(BaseModel):
    group: str
    label: str
    n: int
    selected: int
    suppressed: bool = Field(description="fewer than `min_group` people: counts only")
    selection_rate: float | None
    impact_ratio: float | None = Field(description="selection rate ÷ the highest group's rate")
    flagged: bool | None = Field(description="impact ratio under 0.8 (the four-fifths rule)")
    fisher_p: float | None = Field(description="two-sided Fisher's exact p against the highest group")
    highest: bool


class DimensionOut(BaseModel):
    name: str = Field(description="`sex` or `race_ethnicity`")
    declined: int = Field(description="completed interviews whose candidate declined (or gave no answer)")
    groups: list[GroupOut]


class AdverseImpactOut(BaseModel):
    """Selection rates per self-identified group over the spec's completed interviews."""

    job_spec: str
    threshold: float = Field(description="selected: overall score at least this, and not knocked out")
    completed: int
    min_group: int
    four_fifths: float
    dimensions: list[DimensionOut]
