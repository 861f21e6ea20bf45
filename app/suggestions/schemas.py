"""Response bodies of the suggestions API (DESIGN: POST /scorecards/{id}/suggest)."""

from __future__ import annotations

from typing import Literal, Optional

from pydantic import BaseModel, Field


class EvidenceOut(BaseModel):
    quote: str = Field(description="a verbatim passage of the candidate's answer")
    question_id: str = Field(description="the question whose answer holds it")


class SuggestionOut(BaseModel):
    rating: int = Field(ge=1, le=5, description="the model's suggested rating on the anchored 1–5 scale")
    rationale: str
    quotes: list[str] = Field(description="verbatim passages of the candidate's answers, each checked by the server")
    evidence: list[EvidenceOut]


class DroppedOut(BaseModel):
    competency_id: Optional[str] = None
    reason: str = Field(description="why the server dropped a suggestion or one of its quotes")
    quote: Optional[str] = None


class SuggestionsOut(BaseModel):
    """The model's checked suggestions beside the caller's submitted ratings (which they never change)."""

    id: Optional[str] = Field(description="the stored suggestion set; null when nothing was asked")
    suggestions: dict[str, SuggestionOut] = Field(description="competency id → suggestion")
    source_used: Literal["ai", "none"] = Field(description="`none`: AI is off, there was nothing to quote, "
                                                           "or the model failed (see `notice`)")
    notice: Optional[str]
    model: Optional[str]
    prompt_hash: Optional[str]
    created_at: Optional[str]
    dropped: list[DroppedOut] = Field(description="what the server removed from the model's answer, and why")


class StoredSuggestionsOut(SuggestionsOut):
    """A stored suggestion set with the scorecard it belongs to (in a candidate's data export)."""

    scorecard_id: str
