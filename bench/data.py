"""Bulk data for the dashboard benchmark: interviews with submitted scorecards and ratings,
written with plain multi-row INSERTs (fast on both databases)."""

from __future__ import annotations

import random
import uuid
from datetime import datetime, timedelta, timezone

from sqlalchemy import Engine, text

from app.dashboard import stats

BATCH = 5_000


def _stamp(engine: Engine, when: datetime):  # type: ignore[no-untyped-def]
    return when.replace(tzinfo=None) if engine.dialect.name == "sqlite" else when


def add_interviews(engine: Engine, *, spec_id: str, version_id: str, competencies: list[str], interviewer_ids: list[str],
                   count: int, raters: int = 5, seed: int = 7) -> int:
    """Add `count` completed interviews, each with `raters` submitted scorecards rating every
    competency; returns the number of ratings written."""
    rng = random.Random(seed)
    now = datetime.now(timezone.utc)
    ratings = 0
    with engine.begin() as conn:
        for start in range(0, count, BATCH // raters):
            cands, interviews, cards, rates = [], [], [], []
            for _ in range(min(BATCH // raters, count - start)):
                cid, iid = str(uuid.uuid4()), str(uuid.uuid4())
                cands.append({"id": cid, "name": "Bench", "email": "bench@example.test", "at": _stamp(engine, now)})
                interviews.append({"id": iid, "candidate_id": cid, "spec_id": spec_id, "version_id": version_id,
                                   "token": uuid.uuid4().hex + uuid.uuid4().hex, "exp": _stamp(engine, now + timedelta(days=14)),
                                   "at": _stamp(engine, now)})
                for r in range(raters):
                    sid = str(uuid.uuid4())
                    cards.append({"id": sid, "iid": iid, "uid": interviewer_ids[r % len(interviewer_ids)],
                                  "round": f"bench_{r}", "at": _stamp(engine, now)})
                    for comp in competencies:
                        rates.append({"sid": sid, "cid": comp, "v": rng.choice((None, 1, 2, 3, 3, 4, 4, 5))})
            conn.execute(text("INSERT INTO candidate (id, name, email, created_at) VALUES (:id, :name, :email, :at)"), cands)
            conn.execute(text("INSERT INTO interview (id, candidate_id, spec_id, spec_version_id, time_factor, token_hash, "
                              "token_expires_at, round_questions, completed_at, created_at) VALUES (:id, :candidate_id, "
                              ":spec_id, :version_id, 1.0, :token, :exp, '{}', :at, :at)"), interviews)
            conn.execute(text("INSERT INTO scorecard (id, interview_id, round_key, interviewer_id, status, created_at, "
                              "updated_at, submitted_at) VALUES (:id, :iid, :round, :uid, 'submitted', :at, :at, :at)"), cards)
            conn.execute(text("INSERT INTO rating (scorecard_id, competency_id, value, note) VALUES (:sid, :cid, :v, '')"), rates)
            ratings += len(rates)
        stats.rebuild(conn)  # bulk rows bypass the session hooks: recompute the dashboard totals
    return ratings


RAW_DASHBOARD_SQL = """
WITH cell AS (
  SELECT s.interview_id, r.competency_id, avg(r.value * 1.0) AS mean
  FROM rating r JOIN scorecard s ON s.id = r.scorecard_id JOIN interview i ON i.id = s.interview_id
  WHERE i.spec_id = :spec AND i.completed_at IS NOT NULL AND s.status = 'submitted' AND r.value IS NOT NULL
  GROUP BY s.interview_id, r.competency_id)
SELECT competency_id, avg((mean - 1) / 4 * 100), count(*) FROM cell GROUP BY competency_id
"""
RAW_COUNTS_SQL = "SELECT count(*), count(completed_at) FROM interview WHERE spec_id = :spec"
