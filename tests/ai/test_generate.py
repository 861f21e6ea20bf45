"""AI generation through the real `openai` client against a local fake server, and its fallback."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.questions.service import AI_OFF, generate_draft
from app.specs.service import current_content, get_spec
from tests.ai.fake_openai import FakeOpenAI, Reply, answer, completion
from tests.factories import bearer, make_user

SLUG = "senior-backend-payments"


def good(text: str = "Design a ledger that survives a crash between debit and credit. What do you store?",
         **changes: Any) -> dict[str, Any]:
    item = {"text": text, "competencies": ["financial_systems_design", "postgres_schema_design"],
            "level": "senior", "rubric": {"strong": ["Journals every entry"], "weak": ["Mutates balances"]},
            "follow_ups": ["What if the journal write fails?"], "minutes": 15}
    item.update(changes)
    return item


def draft(session: Session, round_key: str = "round_01", count: int = 3):  # type: ignore[no-untyped-def]
    return generate_draft(session, content=current_content(session, SLUG), round_key=round_key,
                          source="ai", count=count)


def three_good() -> list[dict[str, Any]]:
    return [good(f"Question number {n}: explain how you would reconcile settlement file {n} against the ledger")
            for n in ("one", "two", "three")]


def test_generate_draft_good_answer_becomes_draft_with_provenance(session: Session, fake_openai: FakeOpenAI) -> None:
    fake_openai.script(answer(three_good()))
    result = draft(session)
    assert result.source_used == "ai" and result.notice is None
    assert len(result.questions) == 3
    for q in result.questions:
        assert q["source"] == "ai" and q["kind"] == "written" and q["levels"] == ["senior"]
        assert q["competencies"] == ["financial_systems_design", "postgres_schema_design"]
        assert q["rubric"]["strong"] and q["rubric"]["weak"]
        assert set(q["provenance"]) >= {"model", "generated_at", "prompt_hash"}
        assert q["provenance"]["model"] == "fake-model"
    assert len({q["id"] for q in result.questions}) == 3


def test_generate_request_constrains_competencies_and_carries_context(session: Session,
                                                                    fake_openai: FakeOpenAI) -> None:
    fake_openai.script(answer(three_good()))
    draft(session)
    request = fake_openai.requests[0]
    assert request["path"] == "/v1/chat/completions"
    assert request["authorization"] == "Bearer sk-test-not-a-real-key"
    body = request["body"]
    assert body["model"] == "fake-model"
    schema = body["response_format"]["json_schema"]["schema"]
    enum = schema["properties"]["questions"]["items"]["properties"]["competencies"]["items"]["enum"]
    assert enum == ["financial_systems_design", "distributed_systems_reliability", "postgres_schema_design",
                    "production_ownership", "fastapi_kafka_systems"]
    prompt = body["messages"][-1]["content"]
    assert "Every request on it moves real money" in prompt
    assert "weight 0.30" in prompt and "Design and implement bulletproof payment state machines" in prompt
    assert "Level: Senior" in prompt and "Examples of the bank's style" in prompt


def test_generate_no_key_draws_from_bank_with_notice(session: Session) -> None:
    result = draft(session)
    assert result.source_used == "bank"
    assert result.notice == "AI generation is off — drew from the question bank"
    assert result.notice == AI_OFF
    assert len(result.questions) == 3 and all(q["source"] == "bank" for q in result.questions)


@pytest.mark.parametrize(("reply", "cause"), [
    (Reply(200, completion("{not json")), "malformed output: not the requested JSON"),
    (Reply(200, completion('{"answers": []}')), "malformed output: not the requested JSON"),
    (Reply(200, completion(None, refusal="I can't help with that.")), "the model refused: I can't help with that."),
    (Reply(200, "not a chat completion"), "malformed output: not a chat completion"),
    (Reply(500, {"error": {"message": "internal"}}), "HTTP 500 from the model server"),
    (Reply(200, completion('{"questions": []}'), delay=2.0), "timeout after 0.5 s"),
])
def test_generate_failure_falls_back_to_bank_with_cause(session: Session, fake_openai: FakeOpenAI,
                                                        reply: Reply, cause: str) -> None:
    fake_openai.script(reply)
    result = draft(session)
    assert result.source_used == "bank"
    assert result.notice == f"AI generation failed ({cause}) — drew from the question bank"
    assert [q["source"] for q in result.questions] == ["bank"] * 3
    retried = cause.startswith(("HTTP 500", "timeout"))  # one retry, then the fallback
    assert len(fake_openai.requests) == (2 if retried else 1)


def test_generate_retries_once_on_server_error(session: Session, fake_openai: FakeOpenAI) -> None:
    fake_openai.script(Reply(500), answer(three_good()))
    result = draft(session)
    assert result.source_used == "ai" and result.notice is None
    assert len(fake_openai.requests) == 2


def test_generate_rejects_unknown_competency_empty_and_overlong_text(session: Session,
                                                                     fake_openai: FakeOpenAI) -> None:
    fake_openai.script(answer([good(competencies=["kubernetes_wizardry"]), good(text="  "),
                               good(text="x" * 5000), good(level="junior"), *three_good()[:2]]))
    result = draft(session)
    assert result.source_used == "ai"
    assert [q["source"] for q in result.questions] == ["ai", "ai", "bank"]
    assert len(result.rejected) == 4 and "not the spec's level" in result.rejected[3]
    assert "unknown competency id 'kubernetes_wizardry'" in result.rejected[0]
    assert result.notice == "AI generation gave 2 usable of 3 questions — filled 1 from the question bank"


def test_generate_flags_near_duplicates_of_bank_questions(session: Session, fake_openai: FakeOpenAI) -> None:
    copy = "How would you design a system that transfers money between accounts while ensuring consistency?"
    fake_openai.script(answer([good(text=copy), *three_good()[:2]]))
    result = draft(session)
    assert result.questions[0]["provenance"]["near_duplicate_of"] == "tp_money_transfer_consistency"
    assert "near_duplicate_of" not in result.questions[1]["provenance"]


def test_generate_behavioral_prompts_the_same_way(session: Session, fake_openai: FakeOpenAI) -> None:
    prompts = [good(text=f"Tell me about a time you {what}.", competencies=["production_ownership"])
               for what in ("led an incident", "fixed a root cause", "disagreed on a design", "missed a deadline")]
    fake_openai.script(answer(prompts))
    result = draft(session, "round_02", 4)
    assert result.source_used == "ai"
    assert [q["kind"] for q in result.questions] == ["behavioral"] * 4
    assert "behavioral prompts" in fake_openai.requests[0]["body"]["messages"][-1]["content"]


def test_generate_unexpected_error_still_falls_back(session: Session, fake_openai: FakeOpenAI,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("bug")
    monkeypatch.setattr("app.questions.service.generate_questions", broken)
    result = draft(session)
    assert result.source_used == "bank"
    assert result.notice == "AI generation failed (unexpected RuntimeError) — drew from the question bank"


def test_generate_api_with_ai_returns_draft_and_saves_nothing(client: TestClient, session: Session,
                                                              fake_openai: FakeOpenAI) -> None:
    headers = bearer(session, make_user(session))
    session.commit()
    number = get_spec(session, SLUG).current_version
    fake_openai.script(answer(three_good()))
    url = f"/api/v1/job-specs/{SLUG}/rounds/round_01/questions/generate"
    body = client.post(url, headers=headers, json={"source": "ai", "count": 3}).json()
    assert body["source_used"] == "ai" and body["notice"] is None
    assert all(q["source"] == "ai" and q["provenance"]["prompt_hash"] for q in body["questions"])
    assert get_spec(session, SLUG).current_version == number
    put = client.put(url.removesuffix("/generate"), headers=headers, json={"questions": body["questions"]})
    assert put.status_code == 200, put.text
    assert [q["provenance"]["model"] for q in put.json()["questions"]] == ["fake-model"] * 3
    fake_openai.script(Reply(500))
    fallback = client.post(url, headers=headers, json={"source": "ai"}).json()
    assert fallback["notice"] == "AI generation failed (HTTP 500 from the model server) — drew from the question bank"


def test_editor_generate_with_ai_shows_badges_and_rejections(client: TestClient, session: Session,
                                                             fake_openai: FakeOpenAI) -> None:
    from tests.factories import csrf, sign_in
    from tests.questions.test_routes import HTMX, PAGE, form_of
    user = make_user(session)
    session.commit()
    sign_in(client, user)
    fake_openai.script(answer([good(competencies=["nope"]), *three_good()]))
    page = client.get(PAGE).text
    response = client.post(PAGE, headers=HTMX, data={**form_of(page), "csrf_token": csrf(client),
                                                     "op": "gen:round_01:ai"})
    assert response.status_code == 200
    assert response.text.count("AI-generated") == 3
    assert "Drafted 3 questions with AI — review them before publishing." in response.text
    assert "unknown competency id &#39;nope&#39;" in response.text
    assert get_spec(session, SLUG).current_version == int(form_of(page)["base_version"][1:].split("-")[0])
