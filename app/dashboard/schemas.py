"""Response models of the score, dashboard and reliability API (documented in OpenAPI)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from app.analysis.schemas import ModelAgreementOut


class LevelOut(BaseModel):
    level: str | None = Field(description="the highest level the evidence clears; null below junior")
    offset: float = Field(description="mean rating − 3, in levels relative to the spec's level")
    label: str


class CompetencyScoreOut(BaseModel):
    score: float | None = Field(description="(mean rating − 1) / 4 × 100; null without evidence")
    n: int = Field(description="number of submitted non-null ratings")
    band: list[float] | None = Field(description="80% Student-t band on the score, for n ≥ 2")
    level: LevelOut | None = None


class ScoreOut(BaseModel):
    overall: float | None = Field(description="Σ w·score / coverage over rated competencies")
    status: str = Field(description="final (completed, coverage 1) or provisional")
    coverage: float = Field(description="sum of the weights of the rated competencies")
    knocked_out: bool = Field(description="a required must-have failed (not_met outnumbers met)")
    competencies: dict[str, CompetencyScoreOut]
    must_haves: dict[str, str] = Field(description="met | failed | unresolved | not_assessed per must-have")
    level_estimate: LevelOut | None
    adjusted_overall: float | None = Field(description="the overall with each rater's leniency removed; "
                                                       "shown beside the raw one, never instead")
    recommendations: dict[str, int]
    completed: bool
    version: str


class DashboardCompetencyOut(BaseModel):
    id: str
    name: str
    weight: float
    avg_score: float | None
    n: int


class DashboardOut(BaseModel):
    interviews: int
    completed: int
    completion_rate: float
    avg_score: float | None
    competencies: list[DashboardCompetencyOut]


class CompetencyReliabilityOut(BaseModel):
    id: str
    name: str
    targets: int = Field(description="interviews with two or more raters")
    raters: int = Field(description="raters per interview used (the smallest number any has)")
    icc: dict[str, float | None] | None = Field(description="the six Shrout & Fleiss ICCs; null with < 2 interviews")


class LeniencyOut(BaseModel):
    rater: str
    leniency: float = Field(description="mean deviation from co-raters, in rating points")
    n: int = Field(description="cells shared with co-raters")


class ReliabilityOut(BaseModel):
    competencies: list[CompetencyReliabilityOut]
    leniency: list[LeniencyOut]
    computed_at: datetime | None = Field(description="when these figures were computed from the rows (they are "
                                                     "recomputed in the background after changes); null before "
                                                     "the first computation")
    model_rater: list[ModelAgreementOut] = Field(
        default_factory=list, description="the model as an extra rater (app/suggestions/agreement.py): per competency "
                                          "its ICC against the panel's mean and its mean deviation, over the rounds "
                                          "interviewers compared with AI; stored with the other figures (`computed_at`)")


class RankingRowOut(BaseModel):
    rank: int = Field(description="place in this sorted, filtered ranking")
    interview_id: str
    candidate: str
    candidate_email: str
    version: str
    completed: bool
    overall: float | None
    status: str = Field(description="final or provisional")
    coverage: float
    knocked_out: bool
    adjusted_overall: float | None = Field(description="the overall with each rater's stored leniency removed")
    recommendations: dict[str, int]
    scorecards: str = Field(description="submitted/assigned")
    created_at: datetime


class RankingPageOut(BaseModel):
    items: list[RankingRowOut]
    next_cursor: str | None = Field(description="pass as `cursor` for the next page; null on the last page")
