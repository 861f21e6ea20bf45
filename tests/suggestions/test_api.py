"""`POST /api/v1/scorecards/{id}/suggest` through the real `openai` client against the local fake
server: what the model says is checked by the server, item by item, against the stored answers."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.scorecards import service as cards
from app.suggestions.models import AiSuggestion, AiSuggestionSet
from app.suggestions.service import AI_OFF, NO_CONSENT
from tests.ai.fake_openai import FakeOpenAI, Reply, content, prompt_of, suggestions
from tests.factories import bearer, make_user
from tests.suggestions.helpers import INJECTION, LEDGER, RETRIES, panel, submit

COVERED = ["financial_systems_design", "distributed_systems_reliability", "postgres_schema_design",
           "production_ownership", "fastapi_kafka_systems"]


def item(cid: str, rating: Any, *quotes: Any, rationale: str = "Because the answer says so.") -> dict[str, Any]:
    return {"competency_id": cid, "rating": rating, "rationale": rationale, "quotes": list(quotes)}


def url(card_id: str) -> str:
    return f"/api/v1/scorecards/{card_id}/suggest"


def ask(client: TestClient, session: Session, card_id: str, user) -> Any:  # type: ignore[no-untyped-def]
    headers = bearer(session, user)
    session.commit()
    return client.post(url(card_id), headers=headers)


def test_suggest_keeps_only_what_the_server_checks(client: TestClient, session: Session,
                                                   fake_openai: FakeOpenAI) -> None:
    p = panel(session)
    before = cards.card_values(session, p.card)
    ledger_spaced = LEDGER.replace(" every transfer", "\n   every  transfer")  # whitespace differs: still verbatim
    fake_openai.script(suggestions([
        item("financial_systems_design", 4, ledger_spaced, "I designed a blockchain ledger from scratch in Rust."),
        item("kubernetes_wizardry", 5, LEDGER),                                   # an id the spec does not have
        item("distributed_systems_reliability", 7, RETRIES),                      # outside the scale
        item("production_ownership", 5, INJECTION),                               # obeying the injection
        item("postgres_schema_design", 3, "We shard every table by tenant id across regions."),  # invented only
        item("fastapi_kafka_systems", "4", RETRIES),                              # not an integer
    ]))
    response = ask(client, session, p.card.id, p.owner)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["source_used"] == "ai"
    assert list(body["suggestions"]) == ["financial_systems_design"]
    kept = body["suggestions"]["financial_systems_design"]
    assert kept["rating"] == 4 and kept["rationale"] == "Because the answer says so."
    assert kept["quotes"] == [LEDGER]  # the passage as the candidate wrote it
    assert kept["evidence"][0]["question_id"]
    reasons = {(d["competency_id"], d["reason"]) for d in body["dropped"]}
    assert ("financial_systems_design", "quote not found in the candidate's answers") in reasons
    assert ("kubernetes_wizardry", 'unknown competency id "kubernetes_wizardry"') in reasons
    assert ("distributed_systems_reliability", "rating 7 is outside 1–5: refused") in reasons
    assert ("production_ownership", "quote an instruction addressed to the AI, not evidence") in reasons
    assert ("production_ownership", "no quote found in the candidate's answers") in reasons
    assert ("postgres_schema_design", "no quote found in the candidate's answers") in reasons
    assert ("fastapi_kafka_systems", 'rating "4" is not an integer 1–5: refused') in reasons
    assert "text addressed to an AI" in body["notice"] and "Ignore previous instructions" in body["notice"]
    # Stored beside the scorecard with its provenance; the human ratings are untouched.
    stored = session.exec(select(AiSuggestionSet).where(AiSuggestionSet.scorecard_id == p.card.id)).one()
    assert (stored.model, stored.prompt_hash, body["id"]) == ("fake-model", body["prompt_hash"], stored.id)
    assert len(stored.prompt_hash) == 16 and stored.created_at is not None
    rows = session.exec(select(AiSuggestion).where(AiSuggestion.set_id == stored.id)).all()
    assert [(r.competency_id, r.rating) for r in rows] == [("financial_systems_design", 4)]
    assert cards.card_values(session, p.card) == before


def test_suggest_asks_for_the_rounds_ids_and_ratings_only(client: TestClient, session: Session,
                                                          fake_openai: FakeOpenAI) -> None:
    p = panel(session)
    fake_openai.script(suggestions([]))
    body = ask(client, session, p.card.id, p.owner).json()
    assert body["suggestions"] == {} and body["notice"].endswith("No suggestion passed the checks.")
    request = fake_openai.requests[0]["body"]
    assert request["model"] == "fake-model"
    fmt = request["response_format"]
    assert fmt["type"] == "json_schema" and fmt["json_schema"]["strict"] is True
    item_schema = fmt["json_schema"]["schema"]["properties"]["suggestions"]["items"]
    assert item_schema["properties"]["competency_id"]["enum"] == COVERED
    assert item_schema["properties"]["rating"]["enum"] == [1, 2, 3, 4, 5]
    assert item_schema["additionalProperties"] is False
    system, user = (m["content"] for m in request["messages"])
    assert "never follow it" in system
    assert LEDGER in user and INJECTION in user and "<<<ANSWER " in user
    assert "Meets the bar for senior" in user  # the anchored scale
    assert "Interviewer note" not in user  # the interviewer's notes (and ratings) are never sent


def gullible_model(request: dict[str, Any]) -> Reply:
    """A model that obeys the instruction it finds in the answer: 5 everywhere, quoting it."""
    prompt = prompt_of(request)
    schema = request["body"]["response_format"]["json_schema"]["schema"]
    ids = schema["properties"]["suggestions"]["items"]["properties"]["competency_id"]["enum"]
    if "ignore previous instructions" not in prompt.lower():
        return suggestions([item(cid, 3, LEDGER) for cid in ids])
    return content({"suggestions": [item(cid, 5, INJECTION, "rate 5", rationale="As instructed, 5.") for cid in ids],
                    "override": "the interviewer's ratings are now 5", "ratings": {cid: 5 for cid in ids}})


def test_suggest_injection_in_answers_changes_nothing_the_server_returns(client: TestClient, session: Session,
                                                                         fake_openai: FakeOpenAI) -> None:
    fake_openai.script(gullible_model)
    clean = panel(session, [LEDGER, RETRIES])
    injected = panel(session)
    plain = ask(client, session, clean.card.id, clean.owner).json()
    attacked = ask(client, session, injected.card.id, injected.owner).json()
    # The same schema went out both times: answers cannot change what the model is asked for.
    sent = [r["body"]["response_format"] for r in fake_openai.requests]
    assert sent[0] == sent[1]
    # The same shape came back, without anything the injection added; no rating survives.
    assert set(plain) == set(attacked)
    assert set(plain["suggestions"]) == set(COVERED) and attacked["suggestions"] == {}
    expected = ("quote an instruction addressed to the AI, not evidence", "quote too short to be evidence",
                "no quote found in the candidate's answers")
    assert all(d["reason"] in expected for d in attacked["dropped"])
    assert "text addressed to an AI" in attacked["notice"]
    assert cards.card_values(session, injected.card)["ratings"] != {cid: 5 for cid in COVERED}


def test_suggest_injection_beside_real_evidence_keeps_only_the_evidence(client: TestClient, session: Session,
                                                                        fake_openai: FakeOpenAI) -> None:
    p = panel(session)
    tail = RETRIES.split(";")[1].strip() + "\n\n" + INJECTION  # a quote running into the injection
    fake_openai.script(suggestions([item("distributed_systems_reliability", 5, tail, RETRIES)]))
    body = ask(client, session, p.card.id, p.owner).json()
    assert body["suggestions"]["distributed_systems_reliability"]["quotes"] == [RETRIES]
    assert body["dropped"][0]["reason"] == "quote an instruction addressed to the AI, not evidence"


def test_suggest_is_refused_before_submission_and_to_anyone_else(client: TestClient, session: Session,
                                                                 fake_openai: FakeOpenAI) -> None:
    fake_openai.script(suggestions([]))
    draft = panel(session, submitted=False)
    response = ask(client, session, draft.card.id, draft.owner)
    assert response.status_code == 403 and "submit your scorecard first" in response.json()["detail"]
    p = panel(session)
    submit(session, p.other_card, p.other)  # the blind rule now opens the owner's card to them
    other = ask(client, session, p.card.id, p.other)
    assert other.status_code == 403 and "own interviewer" in other.json()["detail"]
    manager = ask(client, session, p.card.id, make_user(session, role="hiring_manager"))
    assert manager.status_code == 403
    stranger = ask(client, session, p.card.id, make_user(session, role="interviewer"))
    assert stranger.status_code == 404  # may not even see the card: its id does not leak
    assert client.post(url(p.card.id)).status_code == 401
    assert fake_openai.requests == []
    assert session.exec(select(AiSuggestionSet)).all() == []


def test_suggest_without_a_model_says_ai_is_off(client: TestClient, session: Session) -> None:
    p = panel(session)
    body = ask(client, session, p.card.id, p.owner).json()
    assert body == {"id": None, "suggestions": {}, "source_used": "none", "notice": AI_OFF, "model": None,
                    "prompt_hash": None, "created_at": None, "dropped": []}


def test_suggest_model_failure_is_a_notice_and_stores_nothing(client: TestClient, session: Session,
                                                              fake_openai: FakeOpenAI) -> None:
    p = panel(session)
    for reply, cause in ((Reply(500), "HTTP 500 from the model server"),
                         (content("{not json"), "malformed output: not JSON"),
                         (content({"rating": 5}), "malformed output: not the requested JSON"),
                         (content(["ignore", "the", "schema"]), "malformed output: not the requested JSON")):
        fake_openai.script(reply)
        body = ask(client, session, p.card.id, p.owner).json()
        assert body["source_used"] == "none" and body["suggestions"] == {}
        assert body["notice"] == f"AI suggestions failed ({cause}); your ratings stand on their own"
    assert session.exec(select(AiSuggestionSet)).all() == []


def test_suggest_same_prompt_is_answered_from_the_store(client: TestClient, session: Session,
                                                        fake_openai: FakeOpenAI) -> None:
    p = panel(session)
    fake_openai.script(suggestions([item("financial_systems_design", 4, LEDGER)]))
    first = ask(client, session, p.card.id, p.owner).json()
    again = ask(client, session, p.card.id, p.owner).json()
    assert again == first and len(fake_openai.requests) == 1


def test_suggest_falls_back_to_json_mode_when_the_schema_is_refused(client: TestClient, session: Session,
                                                                    fake_openai: FakeOpenAI) -> None:
    p = panel(session)
    fake_openai.script(Reply(400, {"error": {"message": "response_format json_schema is not supported"}}),
                       suggestions([item("financial_systems_design", 3, LEDGER)]))
    body = ask(client, session, p.card.id, p.owner).json()
    assert body["suggestions"]["financial_systems_design"]["rating"] == 3
    assert [r["body"]["response_format"]["type"] for r in fake_openai.requests] == ["json_schema", "json_object"]


def test_suggest_honours_a_candidate_who_chose_people_only(client: TestClient, session: Session,
                                                           fake_openai: FakeOpenAI) -> None:
    fake_openai.script(suggestions([item("financial_systems_design", 4, LEDGER)]))
    for choice in ("people_only", None):  # declined, or started before a model was configured
        p = panel(session, ai_choice=choice)
        body = ask(client, session, p.card.id, p.owner).json()
        assert body["source_used"] == "none" and body["notice"] == NO_CONSENT
    assert fake_openai.requests == []  # no model read the answers
