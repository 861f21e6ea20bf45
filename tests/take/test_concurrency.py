"""Many concurrent saves of one answer, each in its own connection and transaction: the highest
acknowledged revision is what stays stored, and every acknowledged save is kept as a revision."""

from __future__ import annotations

import random
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.models import Answer, AnswerRevision
from tests.factories import make_interview
from tests.take.helpers import timed_spec

THREADS = 8
SAVES = 80


def _app_on(engine):  # type: ignore[no-untyped-def]
    from app.db import get_session
    from app.main import create_app

    application = create_app(migrate_on_start=False)

    def committed_session() -> Iterator[Session]:
        with Session(engine, expire_on_commit=False) as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    application.dependency_overrides[get_session] = committed_session
    return application


def test_concurrent_saves_keep_the_highest_acknowledged_revision(committed_engine):
    with Session(committed_engine, expire_on_commit=False) as session:
        slug = timed_spec(session, minutes=30)
        token = make_interview(session, spec_slug=slug).token
        session.commit()
    base = f"/api/v1/take/{token}/rounds/written"
    revisions = list(range(1, SAVES + 1))
    random.Random(5).shuffle(revisions)

    with TestClient(_app_on(committed_engine)) as client:
        assert client.post(f"{base}/start").status_code == 200

        def save(revision: int) -> tuple[int, int]:
            response = client.put(f"{base}/answers/q_ledger", json={"text": f"text {revision}", "revision": revision})
            return revision, response.status_code

        with ThreadPoolExecutor(max_workers=THREADS) as pool:
            results = list(pool.map(save, revisions))
        stored = client.get(base).json()["answers"]["q_ledger"]

    acknowledged = sorted(r for r, status in results if status == 200)
    assert {status for _, status in results} <= {200, 409}
    assert acknowledged and stored["revision"] == max(acknowledged) and stored["text"] == f"text {max(acknowledged)}"
    with Session(committed_engine) as session:
        answer = session.exec(select(Answer).where(Answer.question_id == "q_ledger")
                              .order_by(Answer.saved_at.desc())).first()  # type: ignore[attr-defined]
        kept = session.exec(select(AnswerRevision.revision).where(AnswerRevision.answer_id == answer.id)).all()
    assert sorted(kept) == acknowledged
