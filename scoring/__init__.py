"""Calibrate's scoring library: pure functions over plain data, standard library only.

* :mod:`scoring.formula`      competency scores, coverage, the weighted overall, what-if rescoring
* :mod:`scoring.gates`        must-have outcomes and knock-outs
* :mod:`scoring.uncertainty`  Student-t bands on competency scores
* :mod:`scoring.levels`       the level the evidence supports
* :mod:`scoring.reliability`  Shrout & Fleiss intraclass correlations
* :mod:`scoring.leniency`     rater leniency and leniency-adjusted ratings
* :mod:`scoring.dashboard`    the reference job-spec dashboard
* :mod:`scoring.questions`    question analysis: item-rest discrimination, blank rate, answer time
* :mod:`scoring.model_rater`  a model's suggested ratings as an extra rater beside the panel
"""

from scoring.dashboard import InterviewFacts, dashboard_summary
from scoring.formula import (
    CompetencyScore,
    InterviewScore,
    RatingInput,
    competency_score,
    rescore,
    score_interview,
)
from scoring.gates import knocked_out, must_have_outcomes
from scoring.leniency import adjusted_values, rater_leniency
from scoring.levels import LEVELS, level_estimate
from scoring.model_rater import model_agreement
from scoring.questions import question_analysis
from scoring.reliability import competency_reliability, icc
from scoring.uncertainty import score_band

__all__ = [
    "LEVELS",
    "CompetencyScore",
    "InterviewFacts",
    "InterviewScore",
    "RatingInput",
    "adjusted_values",
    "competency_reliability",
    "competency_score",
    "dashboard_summary",
    "icc",
    "knocked_out",
    "level_estimate",
    "model_agreement",
    "must_have_outcomes",
    "question_analysis",
    "rater_leniency",
    "rescore",
    "score_band",
    "score_interview",
]
