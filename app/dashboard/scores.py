"""Interview scores from the database: the evidence of submitted scorecards, scored by `scoring`.

Evidence is loaded in bulk (one query per kind of row for a whole spec), then each interview is
scored with `scoring.score_interview` under the weights of its own version."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

import scoring
from app.models import Candidate, Interview, JobSpec, JobSpecVersion, MustHaveCheck, Rating, Scorecard, User
from app.specs.content import SpecContent
from app.specs.service import version_content
from scoring.formula import rating_to_score, score_to_rating, weighted_overall


@dataclass
class CardEvidence:
    """One submitted scorecard: who, which round, what they said."""

    card: Scorecard
    rater: str
    ratings: list[Rating] = field(default_factory=list)
    checks: list[MustHaveCheck] = field(default_factory=list)


@dataclass
class Evidence:
    """Everything scoring needs about one interview."""

    interview: Interview
    candidate: Candidate
    version: JobSpecVersion
    content: SpecContent
    cards: list[CardEvidence] = field(default_factory=list)
    assigned: int = 0

    def weights(self) -> dict[str, float]:
        """The interview's own version's weights."""
        return dict(self.content.weights)

    def rating_inputs(self) -> list[scoring.RatingInput]:
        """Every submitted rating (None = no evidence)."""
        return [scoring.RatingInput(r.competency_id, r.value, ce.rater) for ce in self.cards for r in ce.ratings]

    def rows(self) -> list[tuple[str, str, str, float]]:
        """(rater, interview, competency, value) of the non-null ratings, for leniency."""
        return [(ce.rater, self.interview.id, r.competency_id, float(r.value))
                for ce in self.cards for r in ce.ratings if r.value is not None]


def load_evidence(session: Session, spec: JobSpec, *, interview_id: str | None = None) -> list[Evidence]:
    """The interviews of a spec (or one of them) with their submitted scorecards, newest first."""
    query = (select(Interview, Candidate, JobSpecVersion)
             .join(Candidate, Candidate.id == Interview.candidate_id)
             .join(JobSpecVersion, JobSpecVersion.id == Interview.spec_version_id)
             .where(Interview.spec_id == spec.id).order_by(Interview.created_at.desc(), Interview.id))
    if interview_id is not None:
        query = query.where(Interview.id == interview_id)
    found = {i.id: Evidence(i, c, v, version_content(session, v.id)) for i, c, v in session.execute(query).all()}
    if not found:
        return []
    card_query = (select(Scorecard, User.email).join(User, User.id == Scorecard.interviewer_id)
                  .join(Interview, Interview.id == Scorecard.interview_id).where(Interview.spec_id == spec.id))
    if interview_id is not None:
        card_query = card_query.where(Scorecard.interview_id == interview_id)
    cards: dict[str, CardEvidence] = {}
    for card, email in session.execute(card_query.order_by(Scorecard.round_key, User.email)).all():
        if card.interview_id not in found:
            continue
        found[card.interview_id].assigned += 1
        if card.status == "submitted":
            cards[card.id] = CardEvidence(card, email)
            found[card.interview_id].cards.append(cards[card.id])
    if cards:
        for model, attr in ((Rating, "ratings"), (MustHaveCheck, "checks")):
            for row in _rows_of(session, model, list(cards)):
                getattr(cards[row.scorecard_id], attr).append(row)
    return list(found.values())


def _rows_of(session: Session, model: Any, card_ids: list[str]) -> list[Any]:
    rows: list[Any] = []
    for start in range(0, len(card_ids), 500):
        chunk = card_ids[start:start + 500]
        rows += session.execute(select(model).where(model.scorecard_id.in_(chunk)).order_by(model.id)).scalars().all()
    return rows


def score_of(ev: Evidence) -> scoring.InterviewScore:
    """DESIGN's score of one interview under its own version's weights."""
    required = {m.id: m.required for m in ev.content.must_haves}
    checks = [(c.must_have_id, c.status) for ce in ev.cards for c in ce.checks]
    return scoring.score_interview(ev.weights(), ev.rating_inputs(), completed=ev.interview.completed_at is not None,
                                   required_must_haves=required, must_have_checks=checks)


def adjusted_overall_of(rows: Iterable[tuple[str, str, str, float]], leniency: dict[str, dict[str, Any]],
                        weights: dict[str, float]) -> float | None:
    """The overall of one interview's (rater, interview, competency, value) rows with each rater's
    leniency removed (shown beside the raw one, never instead)."""
    by_competency: dict[str, list[float]] = defaultdict(list)
    for _, _, cid, value in scoring.adjusted_values(rows, leniency):
        by_competency[cid].append(value)
    scores = {cid: rating_to_score(math.fsum(values) / len(values)) for cid, values in by_competency.items()}
    return weighted_overall(weights, scores)[1]


def adjusted_overall(ev: Evidence, leniency: dict[str, dict[str, Any]]) -> float | None:
    """The interview's overall with each rater's leniency removed."""
    return adjusted_overall_of(ev.rows(), leniency, ev.weights())


def recommendations(ev: Evidence) -> dict[str, int]:
    """How many submitted scorecards recommend what."""
    counts: dict[str, int] = defaultdict(int)
    for ce in ev.cards:
        if ce.card.recommendation:
            counts[ce.card.recommendation] += 1
    return dict(counts)


def leniency_for(evidence: list[Evidence]) -> dict[str, dict[str, Any]]:
    """Per-rater leniency over a spec's interviews."""
    return scoring.rater_leniency(row for ev in evidence for row in ev.rows())


def score_detail(ev: Evidence, leniency: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The API's score of one interview: DESIGN's fields plus bands, gates, level and adjusted overall."""
    score = score_of(ev)
    level = ev.content.level
    body = score.to_dict()
    for cid, c in score.competencies.items():
        body["competencies"][cid]["level"] = scoring.level_estimate(level, c.mean)
    body["level_estimate"] = scoring.level_estimate(level, None if score.overall is None else score_to_rating(score.overall))
    body["adjusted_overall"] = adjusted_overall(ev, leniency)
    body["recommendations"] = recommendations(ev)
    body["completed"] = ev.interview.completed_at is not None
    body["version"] = ev.version.label
    return body
