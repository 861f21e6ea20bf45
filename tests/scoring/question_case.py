"""A hand-computed question analysis: six interviews of a two-round spec, worked out on paper.

Weights a 0.5, b 0.3, c 0.2. Round r1 asks q1 (tests a) and q2 (tests b); round r2 asks q3
(tests c) and, in three interviews only, q4 (tests c). One interviewer per round; interview 2
has a second r1 interviewer (a 3, b "no evidence"), which changes no mean; interview 3 has a
draft r2 card (c 5), which does not count.

        a  b  c   rest of q1, q2 (r2 only)   rest of q3, q4 (r1 only)
    i1  2  3  2   25·(c−1) =  25              25·(5(a−1)+3(b−1))/8 = 25·11/8
    i2  3  3  3               50                                     25·16/8
    i3  4  2  4               75                                     25·18/8
    i4  5  4  5              100                                     25·29/8
    i5  3  4  2               25                                     25·19/8
    i6  1  2  2               25                                     25·3/8

q1: x = a = 2 3 4 5 3 1 (mean 3), y/25 = 1 2 3 4 1 1 (mean 2)
    dx = −1 0 1 2 0 −2, dy = −1 0 1 2 −1 −1: Σdxdy = 8, Σdx² = 10, Σdy² = 8
    r = 8/√80 = 2/√5 ≈ 0.894
q2: x = b = 3 3 2 4 4 2 (mean 3): dx = 0 0 −1 1 1 −1, same dy: Σdxdy = 1, Σdx² = 4, Σdy² = 8
    r = 1/√32 ≈ 0.177 < 0.2: flagged
q3: x = c = 2 3 4 5 2 2 (mean 3), y·8/25 = 11 16 18 29 19 3 (mean 16)
    dx = −1 0 1 2 −1 −1, dy = −5 0 2 13 3 −13: Σdxdy = 43, Σdx² = 8, Σdy² = 376
    r = 43/√3008 ≈ 0.784
q4: asked in i3, i4, i5 only: 3 < 5 interviews, no discrimination; mean rating (4+5+2)/3 = 11/3,
    mean score (11/3 − 1)·25 = 66.67
Blank answers: q2 in i5 ("") and i6 (whitespace): 2/6. Times (s) of non-blank answers: q1 60 120
90 300 30 45 → median 75; q2 200 100 400 50 → 150; q3 10 20 30 40 50 60 (i6's spoken, 60 s) → 35;
q4 5 15 25 → 15.
"""

from __future__ import annotations

import math

from scoring.questions import AskedQuestion, InterviewEvidence

WEIGHTS = {"a": 0.5, "b": 0.3, "c": 0.2}
ROUNDS = {"r1": ("q1", "q2"), "r2": ("q3", "q4")}
QUESTIONS = {"q1": ("r1", ("a",)), "q2": ("r1", ("b",)), "q3": ("r2", ("c",)), "q4": ("r2", ("c",))}
ABC = [(2, 3, 2), (3, 3, 3), (4, 2, 4), (5, 4, 5), (3, 4, 2), (1, 2, 2)]
# Per interview: {question: (answer, seconds, spoken)}.
ANSWERS = [
    {"q1": ("Journal entries, never updates.", 60), "q2": ("Index the lookups.", 200), "q3": ("I led it.", 10)},
    {"q1": ("Double entry in one transaction.", 120), "q2": ("Partition by month.", 100), "q3": ("I paged.", 20)},
    {"q1": ("Idempotency keys per request.", 90), "q2": ("A covering index.", 400), "q3": ("Postmortem.", 30),
     "q4": ("Blameless.", 5)},
    {"q1": ("Saga with compensations.", 300), "q2": ("BRIN on time.", 50), "q3": ("Runbooks.", 40),
     "q4": ("Owned the fix.", 15)},
    {"q1": ("Outbox table.", 30), "q2": ("", 0), "q3": ("Rolled back.", 50), "q4": ("Escalated.", 25)},
    {"q1": ("Retry it.", 45), "q2": ("  \n ", 0), "q3": ("We fixed it, spoken aloud.", 60)},
]
SPOKEN = {(5, "q3")}  # (interview index, question): answered aloud, its time is the recording's length
EXTRA_R1 = {1: {"a": 3, "b": None}}  # a second r1 interviewer
DRAFT_R2 = {2: {"c": 5}}  # a draft r2 card: not counted

EXPECTED = {
    "q1": {"n": 6, "blank_rate": 0.0, "mean_rating": 3.0, "mean_score": 50.0, "discrimination": 2 / math.sqrt(5),
           "median_answer_seconds": 75.0, "flagged": False, "correlated": 6},
    "q2": {"n": 6, "blank_rate": 2 / 6, "mean_rating": 3.0, "mean_score": 50.0,
           "discrimination": 1 / math.sqrt(32), "median_answer_seconds": 150.0, "flagged": True, "correlated": 6},
    "q3": {"n": 6, "blank_rate": 0.0, "mean_rating": 3.0, "mean_score": 50.0,
           "discrimination": 43 / math.sqrt(3008), "median_answer_seconds": 35.0, "flagged": False, "correlated": 6},
    "q4": {"n": 3, "blank_rate": 0.0, "mean_rating": 11 / 3, "mean_score": 200 / 3, "discrimination": None,
           "median_answer_seconds": 15.0, "flagged": False, "correlated": 3},
}


def ratings_of(i: int) -> list[tuple[str, str, int | None]]:
    """The submitted ratings of interview i as (round, competency, value)."""
    a, b, c = ABC[i]
    found: list[tuple[str, str, int | None]] = [("r1", "a", a), ("r1", "b", b), ("r2", "c", c)]
    found += [("r1", cid, v) for cid, v in EXTRA_R1.get(i, {}).items()]
    return found


def evidence() -> list[InterviewEvidence]:
    """The six interviews as plain evidence for `scoring.questions`."""
    return [InterviewEvidence(f"i{i + 1}", WEIGHTS, ratings_of(i),
                              [AskedQuestion(qid, QUESTIONS[qid][0], QUESTIONS[qid][1], text, float(secs))
                               for qid, (text, secs) in ANSWERS[i].items()])
            for i in range(len(ABC))]
