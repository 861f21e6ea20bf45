"""The question-set editor page: a draft in the form, operations re-rendered, publish → version."""

from __future__ import annotations

import json
import re
from html import unescape

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.specs.service import current_content, get_spec
from tests.factories import csrf, make_user, sign_in

SLUG = "senior-backend-payments"
PAGE = f"/specs/{SLUG}/questions"
HTMX = {"HX-Request": "true"}


def manager(client: TestClient, session: Session, role: str = "hiring_manager") -> None:
    user = make_user(session, role=role)
    session.commit()
    sign_in(client, user)


def field(html: str, name: str) -> str:
    match = re.search(rf'name="{re.escape(name)}" value="([^"]*)"', html)
    assert match, name
    return unescape(match.group(1))


def form_of(html: str) -> dict[str, str]:
    return {"draft": field(html, "draft"), "base_version": field(html, "base_version")}


def post(client: TestClient, html: str, op: str, **extra):  # type: ignore[no-untyped-def]
    data = {**form_of(html), "csrf_token": csrf(client), "op": op, **extra}
    return client.post(PAGE, data=data, headers=HTMX, follow_redirects=False)


def test_editor_page_lists_rounds_with_why_and_rubric(client: TestClient, session: Session) -> None:
    manager(client, session)
    response = client.get(PAGE)
    assert response.status_code == 200
    html = response.text
    assert "Round 01 — Written" in html and "Round 02 — Behavioral" in html
    assert html.count('class="question"') == 7
    assert "Why: covers Financial Systems Design" in html and "Strong signals" in html
    assert "1.00</strong> of the competency weight" in html
    draft = json.loads(field(html, "draft"))
    assert [len(draft["round_01"]), len(draft["round_02"])] == [3, 4]
    assert '<script src="/static/js/questions.js"' in html


def test_editor_page_refuses_interviewers(client: TestClient, session: Session) -> None:
    manager(client, session, role="interviewer")
    assert client.get(PAGE).status_code == 403


def test_editor_replace_shows_suggestions_and_updates_coverage(client: TestClient, session: Session) -> None:
    manager(client, session)
    page = client.get(PAGE).text
    opened = post(client, page, "open:round_01:0")
    assert opened.status_code == 200 and "Replace question 1" in opened.text
    assert "<html" not in opened.text  # an htmx fragment
    suggestion = re.search(r'value="(use:round_01:0:[a-z0-9_]+)"', opened.text).group(1)
    replaced = post(client, opened.text, suggestion)
    draft = json.loads(field(replaced.text, "draft"))
    assert draft["round_01"][0]["id"] == suggestion.rsplit(":", 1)[1]
    assert "unpublished changes" in replaced.text
    # A behavioral-only round 2 and a narrow written round: coverage can drop and warn.
    narrow = {"round_01": [dict(q, competencies=["fastapi_kafka_systems"]) for q in draft["round_01"]],
              "round_02": [dict(q, competencies=["production_ownership"]) for q in draft["round_02"]]}
    data = {"draft": json.dumps(narrow), "base_version": field(page, "base_version"),
            "csrf_token": csrf(client), "op": "close"}
    warned = client.post(PAGE, data=data, headers=HTMX)
    assert "0.25</strong> of the competency weight" in warned.text
    assert "Warning: Financial Systems Design (weight 0.30) is covered by no round" in warned.text
    assert get_spec(session, SLUG).current_version == int(field(page, "base_version")[1:].split("-")[0])


def test_editor_reorder_and_edit_text(client: TestClient, session: Session) -> None:
    manager(client, session)
    page = client.get(PAGE).text
    before = json.loads(field(page, "draft"))["round_02"]
    moved = post(client, page, "down:round_02:0", **{"text:round_01:1": "Explain exactly-once delivery."})
    after = json.loads(field(moved.text, "draft"))
    assert [q["id"] for q in after["round_02"]][:2] == [before[1]["id"], before[0]["id"]]
    assert after["round_01"][1]["text"] == "Explain exactly-once delivery."
    assert after["round_01"][1]["source"] == "custom"


def test_editor_custom_question_errors_in_place_then_accepted(client: TestClient, session: Session) -> None:
    manager(client, session)
    opened = post(client, client.get(PAGE).text, "open:round_01:2")
    bad = post(client, opened.text, "custom:round_01:2", custom_text="", custom_strong="", custom_weak="")
    assert bad.status_code == 200 and "write the question" in bad.text and "aria-invalid" in bad.text
    good = post(client, bad.text, "custom:round_01:2", custom_text="Sketch a double-entry ledger.",
                custom_comp=["postgres_schema_design", "financial_systems_design"],
                custom_strong="Balanced entries\nImmutable journal", custom_weak="A balance column only")
    question = json.loads(field(good.text, "draft"))["round_01"][2]
    assert question["source"] == "custom" and question["rubric"]["strong"] == ["Balanced entries", "Immutable journal"]
    assert question["competencies"] == ["postgres_schema_design", "financial_systems_design"]


def test_editor_generate_with_ai_off_says_so(client: TestClient, session: Session) -> None:
    manager(client, session)
    response = post(client, client.get(PAGE).text, "gen:round_02:ai")
    assert "AI generation is off — drew from the question bank" in response.text


def test_editor_publish_makes_new_version(client: TestClient, session: Session) -> None:
    manager(client, session)
    page = client.get(PAGE).text
    number = get_spec(session, SLUG).current_version
    moved = post(client, page, "up:round_01:2")
    published = post(client, moved.text, "publish")
    assert published.status_code == 204
    target = published.headers["HX-Redirect"]
    spec = get_spec(session, SLUG)
    assert spec.current_version == number + 1
    shown = client.get(target).text
    assert "Published v" in shown and f"v{number + 1}-" in shown
    moved_ids = [q["id"] for q in json.loads(field(moved.text, "draft"))["round_01"]]
    assert [q.id for q in current_content(session, SLUG).rounds[0].questions] == moved_ids


def test_editor_publish_on_stale_base_is_a_clear_conflict(client: TestClient, session: Session) -> None:
    manager(client, session)
    page = client.get(PAGE).text
    first = post(client, post(client, page, "up:round_01:1").text, "publish")
    assert first.status_code == 204
    number = get_spec(session, SLUG).current_version
    edited = post(client, page, "up:round_01:2")
    assert "A newer version (v" in edited.text
    stale = post(client, edited.text, "publish")
    assert stale.status_code == 409
    assert "Someone else published a change while you edited" in stale.text
    assert get_spec(session, SLUG).current_version == number


def test_editor_unreadable_draft_is_422(client: TestClient, session: Session) -> None:
    manager(client, session)
    response = client.post(PAGE, data={"draft": "{", "csrf_token": csrf(client), "op": "close"})
    assert response.status_code == 422
