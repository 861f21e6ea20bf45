"""Question analysis of a job spec (DESIGN: AI assistance for interviewers, and question analysis),
gathered in SQL and computed by `scoring.questions`.

The database does the counting: two statements return one row per question with the totals
`scoring.questions.question_stats` turns into figures (asked and blank counts, the median time,
the item ratings' sum and the sums of item × rest pairs for the Pearson correlation), so no
rating, answer or interview row of the spec is loaded into Python. The spec's versions tell SQL
the weights and each question's competencies, as small VALUES tables.

What the statements compute is `scoring.questions.question_totals` over the same evidence
(tests/analysis/test_aggregates.py checks the two against each other on random data):
- a question is *asked* when its answer row exists: the candidate started its round (an erased
  candidate's answers are gone, and so are their questions' counts);
- ratings count when their scorecard is submitted and the value is not null ("no evidence");
- the rest score uses the weights of the interview's own version;
- an answer's time is its recording's length when it was answered aloud, else the span from its
  first accepted save to its last (the time the candidate spent writing it; one paste is 0 s).

Still a scan of the spec's ratings and answers per request: fine at thousands of interviews;
at 100,000 it belongs with the dashboard's background-computed aggregates."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlmodel import Session, select

from app.models import JobSpec, JobSpecVersion
from app.specs import service as specs
from app.specs.content import SpecContent
from scoring.formula import RATING_MIN, rating_to_score
from scoring.questions import (
    BLANK_CHARACTERS,
    PairSums,
    QuestionStats,
    QuestionTotals,
    question_stats,
)

SCORE_PER_POINT = rating_to_score(RATING_MIN + 1) - rating_to_score(RATING_MIN)  # 25 points per rating point


def _values(name: str, columns: tuple[str, ...], types: tuple[str, ...], rows: list[tuple[Any, ...]],
            params: dict[str, Any]) -> str:
    """`name(columns) AS (VALUES ...)` with every value bound (and cast, so both databases agree)."""
    tuples = []
    for i, row in enumerate(rows):
        cells = []
        for column, sql_type, value in zip(columns, types, row, strict=True):
            params[f"{name}_{column}_{i}"] = value
            cells.append(f"CAST(:{name}_{column}_{i} AS {sql_type})")
        tuples.append(f"({', '.join(cells)})")
    return f"{name}({', '.join(columns)}) AS (VALUES {', '.join(tuples)})"


def _spec_tables(versions: list[tuple[str, SpecContent]], params: dict[str, Any]) -> str | None:
    weights = sorted({(vid, c.id, float(c.weight)) for vid, content in versions for c in content.competencies})
    tags = sorted({(vid, rnd.key, q.id, cid) for vid, content in versions for rnd in content.candidate_rounds
                   for q in rnd.questions for cid in q.competencies})
    if not weights or not tags:
        return None
    return ", ".join([_values("weights", ("version_id", "competency_id", "weight"), ("VARCHAR", "VARCHAR", "FLOAT"),
                              weights, params),
                      _values("tags", ("version_id", "round_key", "question_id", "competency_id"),
                              ("VARCHAR",) * 4, tags, params)])


RATED = """
cell AS (  -- per interview, round and competency: the submitted non-null ratings
  SELECT s.interview_id, s.round_key, r.competency_id, CAST(SUM(r.value) AS FLOAT) AS total, COUNT(r.value) AS n
  FROM rating r JOIN scorecard s ON s.id = r.scorecard_id JOIN interview i ON i.id = s.interview_id
  WHERE i.spec_id = :spec_id AND s.status = 'submitted' AND r.value IS NOT NULL
  GROUP BY s.interview_id, s.round_key, r.competency_id),
comp AS (
  SELECT interview_id, competency_id, SUM(total) AS total, SUM(n) AS n FROM cell GROUP BY interview_id, competency_id),
rest AS (  -- per interview and left-out round: the overall from every other round
  SELECT rd.interview_id, rd.round_key,
         SUM(w.weight * (((c.total - COALESCE(x.total, 0)) / (c.n - COALESCE(x.n, 0))) - :floor) * :per_point)
           / SUM(w.weight) AS score
  FROM (SELECT DISTINCT interview_id, round_key FROM cell) rd
  JOIN interview i ON i.id = rd.interview_id
  JOIN comp c ON c.interview_id = rd.interview_id
  JOIN weights w ON w.version_id = i.spec_version_id AND w.competency_id = c.competency_id
  LEFT JOIN cell x ON x.interview_id = rd.interview_id AND x.round_key = rd.round_key
                  AND x.competency_id = c.competency_id
  WHERE c.n - COALESCE(x.n, 0) > 0
  GROUP BY rd.interview_id, rd.round_key),
item AS (  -- per asked question: the mean rating of its competencies in its round
  SELECT att.interview_id, att.round_key, ans.question_id, SUM(x.total) / SUM(x.n) AS rating
  FROM answer ans JOIN round_attempt att ON att.id = ans.attempt_id JOIN interview i ON i.id = att.interview_id
  JOIN tags q ON q.version_id = i.spec_version_id AND q.round_key = att.round_key AND q.question_id = ans.question_id
  JOIN cell x ON x.interview_id = att.interview_id AND x.round_key = att.round_key
             AND x.competency_id = q.competency_id
  WHERE i.spec_id = :spec_id
  GROUP BY att.interview_id, att.round_key, ans.question_id)
SELECT t.question_id, COUNT(*) AS rated, SUM(t.rating) AS rating_sum, COUNT(r.score) AS pairs,
       SUM(CASE WHEN r.score IS NOT NULL THEN t.rating END) AS sx, SUM(r.score) AS sy,
       SUM(CASE WHEN r.score IS NOT NULL THEN t.rating * t.rating END) AS sxx, SUM(r.score * r.score) AS syy,
       SUM(t.rating * r.score) AS sxy
FROM item t LEFT JOIN rest r ON r.interview_id = t.interview_id AND r.round_key = t.round_key
GROUP BY t.question_id
"""

ANSWERED = """
WITH asked AS (
  SELECT ans.id AS answer_id, ans.question_id, ans.saved_at, {blank} AS blank
  FROM answer ans JOIN round_attempt att ON att.id = ans.attempt_id JOIN interview i ON i.id = att.interview_id
  WHERE i.spec_id = :spec_id),
timed AS (  -- a non-blank answer's time: spoken, its length; written, first save to last
  SELECT k.question_id, COALESCE(v.seconds, (
           SELECT {elapsed} FROM answer_revision rv WHERE rv.answer_id = k.answer_id
           ORDER BY rv.revision LIMIT 1)) AS secs
  FROM asked k LEFT JOIN voice_answer v ON v.answer_id = k.answer_id AND v.mode = 'voice'
  WHERE k.blank = 0),
ranked AS (
  SELECT question_id, secs, ROW_NUMBER() OVER (PARTITION BY question_id ORDER BY secs) AS pos,
         COUNT(*) OVER (PARTITION BY question_id) AS total
  FROM timed WHERE secs IS NOT NULL),
medians AS (
  SELECT question_id, AVG(secs) AS median FROM ranked
  WHERE pos IN ((total + 1) / 2, (total + 2) / 2) GROUP BY question_id)
SELECT k.question_id, COUNT(*) AS asked, SUM(k.blank) AS blank, MAX(m.median) AS median
FROM asked k LEFT JOIN medians m ON m.question_id = k.question_id
GROUP BY k.question_id
"""

DIALECT = {
    "postgresql": {"blank": "CASE WHEN BTRIM(ans.text, :ws) = '' THEN 1 ELSE 0 END",
                   "elapsed": "CAST(EXTRACT(EPOCH FROM (k.saved_at - rv.saved_at)) AS FLOAT)"},
    "sqlite": {"blank": "CASE WHEN TRIM(ans.text, :ws) = '' THEN 1 ELSE 0 END",
               "elapsed": "(julianday(k.saved_at) - julianday(rv.saved_at)) * 86400.0"},
}


def _number(value: Any) -> float:
    return float(value) if value is not None else 0.0


def question_totals(session: Session, spec: JobSpec,
                    versions: list[tuple[str, SpecContent]]) -> dict[str, QuestionTotals]:
    """Per question id, the totals of `scoring.questions` over the spec's interviews, from SQL."""
    dialect = DIALECT["postgresql" if session.get_bind().dialect.name == "postgresql" else "sqlite"]
    totals: dict[str, QuestionTotals] = {}
    answered = text(ANSWERED.format(**dialect))
    for qid, asked, blank, median in session.execute(answered, {"spec_id": spec.id, "ws": BLANK_CHARACTERS}):
        totals[qid] = QuestionTotals(asked=int(asked), blank=int(blank or 0),
                                     # to the millisecond: SQLite's julianday() carries microseconds of noise
                                     median_answer_seconds=round(float(median), 3) if median is not None else None)
    params: dict[str, Any] = {"spec_id": spec.id, "floor": float(RATING_MIN), "per_point": SCORE_PER_POINT}
    tables = _spec_tables(versions, params)
    if tables is None:
        return totals
    for row in session.execute(text(f"WITH {tables},{RATED}"), params):
        t = totals.setdefault(row.question_id, QuestionTotals())
        t.rated, t.rating_sum = int(row.rated), _number(row.rating_sum)
        t.pairs = PairSums(int(row.pairs), _number(row.sx), _number(row.sy), _number(row.sxx), _number(row.syy),
                           _number(row.sxy))
    return totals


def spec_versions(session: Session, spec: JobSpec) -> list[tuple[str, SpecContent]]:
    """Every version of the spec, newest first, as (version id, content)."""
    ids = session.exec(select(JobSpecVersion.id).where(JobSpecVersion.spec_id == spec.id)
                       .order_by(JobSpecVersion.number.desc())).all()  # type: ignore[attr-defined]
    return [(vid, specs.version_content(session, vid)) for vid in ids]


def _describe(qid: str, versions: list[tuple[str, SpecContent]], current: SpecContent) -> dict[str, Any]:
    """The question's text, round and competencies as its newest version has them, and whether
    the current version still publishes it (then the editor can replace it)."""
    for _, content in versions:
        for rnd in content.candidate_rounds:
            if (q := rnd.question(qid)) is not None:
                published = current.round(rnd.key)
                return {"text": q.text, "round": rnd.key, "round_name": rnd.name, "competencies": list(q.competencies),
                        "published": published is not None and published.question(qid) is not None}
    return {"text": None, "round": None, "round_name": None, "competencies": [], "published": False}


def question_analysis(session: Session, spec: JobSpec) -> dict[str, Any]:
    """DESIGN's analysis of every question used on the spec, flagged ones first, then by round."""
    versions = spec_versions(session, spec)
    current = specs.content_of(specs.get_version(session, spec))
    rows = []
    for qid, totals in question_totals(session, spec, versions).items():
        stats: QuestionStats = question_stats(qid, totals)
        about = _describe(qid, versions, current)
        editor = f"/specs/{spec.slug}/questions?replace={qid}" if about["published"] else None
        rows.append({**stats.to_dict(), **about, "replace_url": editor})
    rows.sort(key=lambda r: (not r["flagged"], r["round"] or "", r["discrimination"] is None,
                             r["discrimination"] or 0.0, r["id"]))
    return {"slug": spec.slug, "questions": rows}
