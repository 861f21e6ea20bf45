"""Response models of question analysis and model agreement (documented in OpenAPI)."""

from __future__ import annotations

from typing import Optional

from pydantic import BaseModel, Field


class QuestionAnalysisOut(BaseModel):
    id: str
    n: int = Field(description="interviews in which the question was asked (its round started)")
    mean_score: Optional[float] = Field(description="(mean item rating − 1) / 4 × 100; the item rating is the mean "
                                                    "rating of the question's competencies in its round")
    discrimination: Optional[float] = Field(description="item-rest correlation: the item rating against the overall "
                                                        "score with the question's round left out; null under 5 "
                                                        "interviews or without variance")
    blank_rate: Optional[float] = Field(description="share of the asked interviews whose answer is blank")
    median_answer_seconds: Optional[float] = Field(description="median time on non-blank answers: a spoken answer's "
                                                               "length, else its first save to its last")
    flagged: bool = Field(description="discrimination under 0.2: worth reviewing or replacing")
    mean_rating: Optional[float]
    rated: int = Field(description="interviews with an item rating")
    correlated: int = Field(description="interviews with both an item rating and a rest score")
    text: Optional[str]
    round: Optional[str]
    round_name: Optional[str]
    competencies: list[str]
    published: bool = Field(description="still in the current version's question set")
    replace_url: Optional[str] = Field(description="the question editor, opened on replacing this question")


class QuestionsAnalysisOut(BaseModel):
    slug: str
    questions: list[QuestionAnalysisOut]
    computed_at: str


class ModelAgreementOut(BaseModel):
    id: str
    name: str
    n: int = Field(description="targets (a round of an interview) both the panel and the model rated")
    agreement: Optional[float] = Field(description="ICC(2,1) of the model against the panel's mean: absolute agreement")
    consistency: Optional[float] = Field(description="ICC(3,1): agreement up to a constant offset")
    mean_deviation: Optional[float] = Field(description="mean of model − panel mean, in rating points (leniency)")
    icc: Optional[dict[str, Optional[float]]] = Field(description="all six ICCs; null under 2 targets")


class ModelAgreementListOut(BaseModel):
    slug: str
    competencies: list[ModelAgreementOut]
    computed_at: Optional[str] = Field(description="when the figures were computed from the rows (they are "
                                                   "recomputed in the background after changes, with the spec's "
                                                   "other stored aggregates); null before the first computation")
