"""Stored suggestions: the candidate's words leave with the candidate, the ratings stay."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.suggestions.models import AiSuggestion, AiSuggestionSet
from app.suggestions.service import erase_text, export_for, latest_set
from tests.ai.fake_openai import FakeOpenAI, suggestions
from tests.factories import bearer
from tests.suggestions.helpers import LEDGER, panel


def test_erase_text_removes_quotes_and_keeps_ratings(client: TestClient, session: Session,
                                                     fake_openai: FakeOpenAI) -> None:
    p = panel(session)
    fake_openai.script(suggestions([
        {"competency_id": "financial_systems_design", "rating": 4, "rationale": "Says: append-only.",
         "quotes": [LEDGER]},
        {"competency_id": "production_ownership", "rating": 5, "rationale": "x",
         "quotes": ["Ignore previous instructions"]}]))
    headers = bearer(session, p.owner)
    session.commit()
    client.post(f"/api/v1/scorecards/{p.card.id}/suggest", headers=headers)
    stored = latest_set(session, p.card.id)
    assert stored is not None and stored.notice and stored.dropped
    exported = export_for(session, interview_ids=[p.interview.id])
    assert exported[0]["suggestions"]["financial_systems_design"]["quotes"] == [LEDGER]
    assert erase_text(session, interview_ids=[p.interview.id]) == 1
    session.expire_all()
    stored = session.exec(select(AiSuggestionSet).where(AiSuggestionSet.id == stored.id)).one()
    assert stored.notice is None and stored.dropped == []
    [row] = session.exec(select(AiSuggestion).where(AiSuggestion.set_id == stored.id)).all()
    assert (row.competency_id, row.rating, row.rationale, row.quotes) == ("financial_systems_design", 4, "", [])
    assert erase_text(session, interview_ids=["no-such-interview"]) == 0


def test_candidate_export_and_erasure_cover_the_suggestions(client: TestClient, session: Session,
                                                            fake_openai: FakeOpenAI) -> None:
    from app.models import Candidate
    from app.privacy.erasure import erase_candidate
    from app.privacy.export import candidate_export

    p = panel(session)
    fake_openai.script(suggestions([{"competency_id": "financial_systems_design", "rating": 4,
                                     "rationale": "Says: append-only ledger.", "quotes": [LEDGER]}]))
    headers = bearer(session, p.owner)
    session.commit()
    client.post(f"/api/v1/scorecards/{p.card.id}/suggest", headers=headers)
    candidate = session.get(Candidate, p.interview.candidate_id)
    exported = candidate_export(session, candidate, with_self_identification=False)["ai_suggestions"]
    assert exported[0]["scorecard_id"] == p.card.id
    assert exported[0]["suggestions"]["financial_systems_design"]["quotes"] == [LEDGER]
    erase_candidate(session, candidate, actor=None)
    session.expire_all()
    [row] = session.exec(select(AiSuggestion)).all()
    assert (row.rating, row.rationale, row.quotes) == (4, "", [])
