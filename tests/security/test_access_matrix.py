"""The access matrix: every route the app serves × six identities → allowed (A) or denied (D).

The routes are enumerated from the application itself, so a new route without a row in EXPECTED
fails `test_every_route_has_an_expectation` (and so does a row for a route that is gone). Every
cell runs in a fresh world (tests/security/world.py) because unsafe requests change it.

What the letters mean (`world.outcome`): D is 401, 403, 404 (the app answers 404 where saying
"forbidden" would confirm that an id or slug exists), 410, or the redirect to sign in; A is any
other answer. The requests carry realistic, valid bodies, so an allowed cell must also answer
with success (ALLOWED_STATUS), which shows the request went through rather than stopping at
validation; and a denied cell never shows candidate A's name.

The roles (DESIGN, Roles) as the app implements them:
- Hiring managers and admins: specs, question sets, candidates, interviews, dashboards, scores.
- Interviewers: the specs and interviews they are assigned to, their own scorecards; other
  interviewers' cards and the interview's score only once their own card is submitted (in this
  world the assigned card is a draft, so scores stay closed to them).
- Managers do not see an interviewer's draft scorecard (drafts are private until submitted), and
  nobody edits a scorecard but its interviewer.
- Candidates: only their own interview, through the secret link. The link is the credential:
  whoever holds A's link is A's candidate, whatever else they are signed in as, so on candidate
  routes every identity but the other candidate is A (anonymous there is simply A's candidate).
  The other candidate holds B's link; the question is whether it reaches A, so on candidate
  routes a cell is judged by A's data instead of the status: A if the answer shows anything of A
  (name, id, link, title, deadline, saved answer) or A's rounds and answers changed, else D.
  The same judge scores the cells that use A's link, so it cannot pass by seeing nothing.

Left out of the enumeration by construction (`tests.routes.api_routes` returns APIRoutes only):
the `/static` mount (public files) and `/api/v1/openapi.json` (the public API description)."""

from __future__ import annotations

import asyncio
import copy
from dataclasses import dataclass
from typing import Any

import pytest

from app.main import create_app
from tests.aio import run
from tests.conftest import ROOT
from tests.factories import PASSWORD
from tests.routes import api_routes
from tests.security.world import (A_ANSWER, IDENTITIES, ROUND, SECRET_NAME, SPEC_A, REMOTE, VOICE_CHUNK, VOICE_ROUND,
                                  WEBHOOK_URL, World, a_state, build_world, editor_form, fill, outcome)

#                                                                 identities, in this order:
#                                                                 anonymous, candidate_other,
#                                                                 interviewer_unassigned, interviewer_assigned,
#                                                                 hiring_manager, admin
EXPECTED: dict[str, str] = {
    # public: the home redirect (to sign in, or to the caller's work), health, docs, sign-in
    "GET /": "AAAAAA",
    "GET /healthz": "AAAAAA",
    "GET /docs": "AAAAAA",
    "GET /login": "AAAAAA",
    "POST /login": "AAAAAA",
    # scrapers on the machine itself, or admins (the world's callers are not on loopback)
    "GET /metrics": "DDDDDA",
    "POST /logout": "DDAAAA",
    # job specs: staff read what they may (interviewers: the specs of their interviews); managers edit
    "GET /specs": "DDAAAA",
    "GET /specs/new": "DDDDAA",
    "POST /specs/new": "DDDDAA",
    "POST /specs/upload": "DDDDAA",
    "GET /specs/{slug}": "DDDAAA",
    "GET /specs/{slug}/edit": "DDDDAA",
    "POST /specs/{slug}/edit": "DDDDAA",
    "GET /specs/{slug}/versions": "DDDAAA",
    "GET /specs/{slug}/export.yaml": "DDDAAA",
    "GET /api/v1/job-specs": "DDAAAA",
    "POST /api/v1/job-specs": "DDDDAA",
    "GET /api/v1/job-specs/{slug}": "DDDAAA",
    "PUT /api/v1/job-specs/{slug}": "DDDDAA",
    "PATCH /api/v1/job-specs/{slug}/weights": "DDDDAA",
    "GET /api/v1/job-specs/{slug}/versions": "DDDAAA",
    "GET /api/v1/job-specs/{slug}/versions/{number}": "DDDAAA",
    "GET /api/v1/job-specs/{slug}/export.yaml": "DDDAAA",
    # question sets: managers only
    "GET /specs/{slug}/questions": "DDDDAA",
    "POST /specs/{slug}/questions": "DDDDAA",
    "GET /api/v1/job-specs/{slug}/rounds/{key}/questions": "DDDDAA",
    "PUT /api/v1/job-specs/{slug}/rounds/{key}/questions": "DDDDAA",
    "POST /api/v1/job-specs/{slug}/rounds/{key}/questions/generate": "DDDDAA",
    # the candidate's link (judged by whether A was reached, see above)
    "GET /take/{token}": "ADAAAA",
    "POST /take/{token}/rounds/{key}/start": "ADAAAA",
    "GET /take/{token}/rounds/{key}": "ADAAAA",
    "POST /take/{token}/rounds/{key}/submit": "ADAAAA",
    # the transparency page and the voluntary self-identification (A's is part of A's state)
    "GET /take/{token}/about": "ADAAAA",
    "POST /take/{token}/self-id": "ADAAAA",
    "PUT /api/v1/take/{token}/self-id": "ADAAAA",
    "GET /api/v1/take/{token}": "ADAAAA",
    "POST /api/v1/take/{token}/rounds/{key}/start": "ADAAAA",
    "GET /api/v1/take/{token}/rounds/{key}": "ADAAAA",
    "PUT /api/v1/take/{token}/rounds/{key}/answers/{question_id}": "ADAAAA",
    "POST /api/v1/take/{token}/rounds/{key}/submit": "ADAAAA",
    # the voice round (round_02 of A): chunks, consent, a prompt switched to typing
    "POST /take/{token}/rounds/{key}/consent": "ADAAAA",
    "POST /api/v1/take/{token}/rounds/{key}/consent": "ADAAAA",
    "POST /api/v1/take/{token}/rounds/{key}/answers/{question_id}/audio": "ADAAAA",
    "POST /api/v1/take/{token}/rounds/{key}/answers/{question_id}/typed": "ADAAAA",
    # Cal's speech is the same for every candidate: nothing of A's (and this world has no clips)
    "GET /api/v1/take/{token}/rounds/{key}/prompts/{question_id}/speech": "DDDDDD",
    "GET /api/v1/take/{token}/rounds/{key}/speech/intro": "DDDDDD",
    # A's recorded answer: managers; the round's interviewers (this world's is on round_01 only)
    "GET /api/v1/interviews/{interview_id}/answers/{answer_id}/audio": "DDDDAA",
    # dashboards and scores: managers (an interviewer's card on A is still a draft)
    "GET /specs/{slug}/dashboard": "DDDDAA",
    "GET /specs/{slug}/live": "DDDDAA",
    "GET /specs/{slug}/dashboard.csv": "DDDDAA",
    "GET /specs/{slug}/dashboard/what-if": "DDDDAA",
    "GET /specs/{slug}/dashboard/ranking": "DDDDAA",
    "GET /specs/{slug}/dashboard/interviews/{interview_id}": "DDDDAA",
    "GET /specs/{slug}/events": "DDDDAA",
    "GET /api/v1/interviews/{interview_id}/score": "DDDDAA",
    "GET /api/v1/job-specs/{slug}/dashboard": "DDDDAA",
    "GET /api/v1/job-specs/{slug}/reliability": "DDDDAA",
    "GET /api/v1/job-specs/{slug}/ranking": "DDDDAA",
    # scorecards: the interviewer's own; managers list an interview's cards (drafts stay hidden)
    "GET /my/scorecards": "DDAAAA",
    "GET /scorecards/{scorecard_id}": "DDDADD",
    "POST /scorecards/{scorecard_id}": "DDDADD",
    "POST /scorecards/{scorecard_id}/amend": "DDDADD",
    "GET /api/v1/interviews/{interview_id}/scorecards": "DDDAAA",
    "GET /api/v1/scorecards/{scorecard_id}": "DDDADD",
    "PUT /api/v1/scorecards/{scorecard_id}": "DDDADD",
    "POST /api/v1/scorecards/{scorecard_id}/submit": "DDDADD",
    "POST /api/v1/scorecards/{scorecard_id}/amend": "DDDADD",
    # AI suggestions: only a scorecard's own interviewer, only once submitted (A's card is a draft
    # here, so its interviewer is refused too: tests/suggestions covers the allowed case)
    "POST /scorecards/{scorecard_id}/suggest": "DDDDDD",
    "POST /api/v1/scorecards/{scorecard_id}/suggest": "DDDDDD",
    # question analysis and the model's agreement with the panel: managers
    "GET /specs/{slug}/questions/analysis": "DDDDAA",
    "GET /api/v1/job-specs/{slug}/questions/analysis": "DDDDAA",
    "GET /api/v1/job-specs/{slug}/model-agreement": "DDDDAA",
    # candidates and interviews: managers; interviewers see the interviews they are on
    "POST /api/v1/candidates": "DDDDAA",
    "GET /api/v1/candidates": "DDDDAA",
    "GET /api/v1/interviews": "DDDDAA",
    "POST /api/v1/interviews": "DDDDAA",
    "GET /api/v1/interviews/{interview_id}": "DDDAAA",
    "GET /interviews": "DDDDAA",
    "GET /interviews/new": "DDDDAA",
    "POST /interviews/new": "DDDDAA",
    "GET /interviews/{interview_id}": "DDDAAA",
    "POST /interviews/{interview_id}/link/revoke": "DDDDAA",
    "POST /interviews/{interview_id}/link/extend": "DDDDAA",
    "POST /interviews/{interview_id}/link/reissue": "DDDDAA",
    # staff admin and the mail outbox: admins only
    "GET /admin/users": "DDDDDA",
    "POST /admin/users": "DDDDDA",
    "POST /admin/users/{user_id}/role": "DDDDDA",
    "POST /admin/users/{user_id}/deactivate": "DDDDDA",
    "POST /admin/users/{user_id}/reactivate": "DDDDDA",
    "POST /admin/users/{user_id}/reset": "DDDDDA",
    "POST /api/v1/users": "DDDDDA",
    "GET /admin/mail": "DDDDDA",
    "GET /admin/mail/{message_id}": "DDDDDA",
    "GET /admin/mail/preview/{template}": "DDDDDA",
    "POST /admin/mail/send-kept": "DDDDDA",
    # webhooks: admins only
    "GET /admin/webhooks": "DDDDDA",
    "POST /admin/webhooks": "DDDDDA",
    "GET /admin/webhooks/{webhook_id}": "DDDDDA",
    "POST /admin/webhooks/{webhook_id}/rotate": "DDDDDA",
    "POST /admin/webhooks/{webhook_id}/pause": "DDDDDA",
    "POST /admin/webhooks/{webhook_id}/resume": "DDDDDA",
    "GET /admin/webhooks/{webhook_id}/delete": "DDDDDA",
    "POST /admin/webhooks/{webhook_id}/delete": "DDDDDA",
    "POST /admin/webhooks/{webhook_id}/deliveries/{delivery_id}/redeliver": "DDDDDA",
    "GET /api/v1/webhooks": "DDDDDA",
    "POST /api/v1/webhooks": "DDDDDA",
    "GET /api/v1/webhooks/{webhook_id}": "DDDDDA",
    "DELETE /api/v1/webhooks/{webhook_id}": "DDDDDA",
    "POST /api/v1/webhooks/{webhook_id}/rotate-secret": "DDDDDA",
    "POST /api/v1/webhooks/{webhook_id}/pause": "DDDDDA",
    "POST /api/v1/webhooks/{webhook_id}/resume": "DDDDDA",
    "GET /api/v1/webhooks/{webhook_id}/deliveries": "DDDDDA",
    "POST /api/v1/webhooks/{webhook_id}/deliveries/{delivery_id}/redeliver": "DDDDDA",
    # every staff member's own account; a token is revoked only by its owner (here: the admin's)
    "GET /account": "DDAAAA",
    "POST /account/password": "DDAAAA",
    "POST /account/sessions/end": "DDAAAA",
    "POST /account/tokens": "DDAAAA",
    "POST /account/tokens/{token_id}/revoke": "DDDDDA",
    # candidates: managers
    "GET /candidates": "DDDDAA",
    "GET /candidates/{candidate_id}": "DDDDAA",
    "POST /candidates/{candidate_id}": "DDDDAA",
    # candidate data: managers export; only admins erase, and see the adverse-impact report
    "GET /api/v1/candidates/{candidate_id}/export": "DDDDAA",
    "DELETE /api/v1/candidates/{candidate_id}": "DDDDDA",
    "GET /candidates/{candidate_id}/erase": "DDDDDA",
    "POST /candidates/{candidate_id}/erase": "DDDDDA",
    "GET /api/v1/job-specs/{slug}/adverse-impact": "DDDDDA",
    "GET /specs/{slug}/adverse-impact": "DDDDDA",
    # public, but only with a real one-time link: a made-up one is 404 for everyone
    "GET /invite/{secret}": "DDDDDD",
    "POST /invite/{secret}": "DDDDDD",
    "GET /reset/{secret}": "DDDDDD",
    "POST /reset/{secret}": "DDDDDD",
}

SUCCESS = {200, 201, 202, 204, 303}
# Allowed cells whose success is another status: amending needs a submitted card, and A's card is
# a draft, so its interviewer gets past every check but that one.
ALLOWED_STATUS = {"POST /scorecards/{scorecard_id}/amend": {409},
                  "POST /api/v1/scorecards/{scorecard_id}/amend": {409}}
# The other candidate's own link works on every candidate route (so its refusals are about A), except
# that A's question is not in B's round.
OTHER_LINK_STATUS = {"PUT /api/v1/take/{token}/rounds/{key}/answers/{question_id}": {404},
                     # B's spec has no voice round
                     **{label: {404} for label in (
                         "POST /take/{token}/rounds/{key}/consent", "POST /api/v1/take/{token}/rounds/{key}/consent",
                         "POST /api/v1/take/{token}/rounds/{key}/answers/{question_id}/audio",
                         "POST /api/v1/take/{token}/rounds/{key}/answers/{question_id}/typed",
                         "GET /api/v1/take/{token}/rounds/{key}/prompts/{question_id}/speech",
                         "GET /api/v1/take/{token}/rounds/{key}/speech/intro")}}
VOICE_ROUTES = {label for label in OTHER_LINK_STATUS if "/audio" in label or "consent" in label or "typed" in label
                or "speech" in label}
OUTSIDERS = ("anonymous", "candidate_other", "interviewer_unassigned")  # nothing of A is theirs
STREAMS = {"GET /specs/{slug}/events"}  # endless: read the head and the first chunk only


def served_routes() -> list[str]:
    """"METHOD path" for every route of the application."""
    return sorted({f"{method} {route.path}" for route in api_routes(create_app(migrate_on_start=False))
                   for method in route.methods - {"HEAD"}})


ROUTES = served_routes()
CELLS = [(label, identity) for label in ROUTES for identity in IDENTITIES]


def is_candidate_route(label: str) -> bool:
    return "{token}" in label


def expected(label: str, identity: str) -> str:
    row = EXPECTED.get(label)
    if row is None:
        pytest.fail(f"no row in EXPECTED for {label!r}: decide who may call it")
    assert len(row) == len(IDENTITIES) and set(row) <= {"A", "D"}, row
    return row[IDENTITIES.index(identity)]


def test_every_route_has_an_expectation() -> None:
    served = set(ROUTES)
    assert sorted(served - set(EXPECTED)) == [], "routes without a row in EXPECTED"
    assert sorted(set(EXPECTED) - served) == [], "rows in EXPECTED for routes the app no longer serves"


def bodies(world: World) -> dict[str, dict[str, Any]]:
    """Valid request bodies, so that an allowed request does its work."""
    data = world.data
    content, covered, version = data["content"], data["covered"], data["version"]
    new_spec = {**copy.deepcopy(content), "slug": "matrix-new-spec", "title": "Matrix New Spec"}
    changed = {**copy.deepcopy(content), "description": content["description"] + "\n\nRevised for the access matrix."}
    weights = [c["weight"] for c in content["competencies"]]
    weights[0], weights[-1] = weights[-1], weights[0]
    questions = next(r for r in content["rounds"] if r["key"] == ROUND).get("questions", [])
    rating = {covered[0]: 4}
    return {
        "POST /login": {"data": {"email": data["manager_email"], "password": PASSWORD, "next": "/"}},
        "POST /specs/new": {"data": editor_form(new_spec, base=None)},
        "POST /specs/upload": {"files": {"file": ("spec.yaml", (ROOT / "job_specs" / f"{SPEC_A}.yaml").read_bytes(),
                                                  "application/yaml")}},
        "POST /specs/{slug}/edit": {"data": editor_form(changed, base=version.number)},
        "POST /api/v1/job-specs": {"json": new_spec},
        "PUT /api/v1/job-specs/{slug}": {"json": changed},
        "PATCH /api/v1/job-specs/{slug}/weights": {
            "json": {"weights": {c["id"]: w for c, w in zip(content["competencies"], weights)}}},
        "POST /specs/{slug}/questions": {"data": {"draft": data["question_draft"], "op": "publish",
                                                  "base_version": version.label}},
        "PUT /api/v1/job-specs/{slug}/rounds/{key}/questions": {"json": {"questions": questions}},
        "POST /api/v1/job-specs/{slug}/rounds/{key}/questions/generate": {"json": {"source": "bank", "count": 3}},
        "PUT /api/v1/take/{token}/rounds/{key}/answers/{question_id}": {
            "json": {"text": "A revised answer about ledgers", "revision": 2}},
        "POST /take/{token}/rounds/{key}/consent": {"data": {"choice": "voice"}},
        "POST /api/v1/take/{token}/rounds/{key}/consent": {"json": {"choice": "voice"}},
        "POST /api/v1/take/{token}/rounds/{key}/answers/{question_id}/audio": {
            "params": {"seq": "1"}, "content": VOICE_CHUNK[44:], "headers": {"Content-Type": "audio/wav"}},
        "POST /scorecards/{scorecard_id}": {"data": {f"rating__{covered[0]}": "4", "action": "save"}},
        "POST /scorecards/{scorecard_id}/amend": {"data": {f"rating__{covered[0]}": "4",
                                                           "reason": "Re-read the answer"}},
        "PUT /api/v1/scorecards/{scorecard_id}": {"json": {"ratings": rating}},
        "POST /api/v1/scorecards/{scorecard_id}/amend": {"json": {"ratings": rating, "reason": "Re-read the answer"}},
        "POST /api/v1/candidates": {"json": {"name": "New Candidate", "email": "new@matrix.example.test"}},
        "POST /api/v1/interviews": {"json": {"candidate_id": data["candidate_id"], "job_spec": SPEC_A,
                                             "interviewers": {ROUND: [data["assigned_email"]]}}},
        "POST /interviews/new": {"data": {"job_spec": SPEC_A, "candidate_name": "Form Candidate",
                                          "candidate_email": "form@matrix.example.test",
                                          f"interviewers_{ROUND}": data["assigned_email"], "time_factor": "1"}},
        "POST /interviews/{interview_id}/link/extend": {"data": {"days": "7"}},
        "POST /admin/users": {"data": {"email": "invitee@matrix.example.test", "name": "Matrix Invitee",
                                       "role": "interviewer"}},
        "POST /admin/users/{user_id}/role": {"data": {"role": "hiring_manager"}},
        "POST /api/v1/users": {"json": {"email": "invitee@matrix.example.test", "name": "Matrix Invitee",
                                        "role": "interviewer"}},
        "POST /account/password": {"data": {"current": PASSWORD, "new": "matrix lantern harbour seven",
                                            "new_again": "matrix lantern harbour seven"}},
        "POST /account/tokens": {"data": {"name": "matrix token"}},
        "POST /admin/webhooks": {"data": {"url": WEBHOOK_URL, "events": ["round.submitted"]}},
        "POST /api/v1/webhooks": {"json": {"url": WEBHOOK_URL, "events": ["round.submitted"]}},
        "POST /candidates/{candidate_id}": {"data": {"name": "Spare Candidate", "email": "spare2@matrix.example.test"}},
        "POST /candidates/{candidate_id}/erase": {"data": {"confirm": "ERASE"}},
        "POST /take/{token}/self-id": {"data": {"sex": "female", "race_ethnicity": "asian"}},
        "PUT /api/v1/take/{token}/self-id": {"json": {"sex": "male", "race_ethnicity": "white"}},
        "POST /invite/{secret}": {"data": {"password": "matrix lantern harbour seven",
                                           "password_again": "matrix lantern harbour seven"}},
        "POST /reset/{secret}": {"data": {"password": "matrix lantern harbour seven",
                                          "password_again": "matrix lantern harbour seven"}},
    }


@dataclass
class Answered:
    """The head and the first body chunk of a response that may never end."""
    status_code: int
    headers: dict[str, str]
    text: str


def first_chunk(world: World, identity: str, path: str) -> Answered:
    """GET an event stream through the ASGI interface and hang up after its first chunk (a test
    client would wait for the end of a stream that has none)."""
    client = world.client(identity, path)
    headers = [(b"host", b"testserver")] + [(k.lower().encode(), v.encode()) for k, v in client.headers.items()]
    if client.cookies:
        headers.append((b"cookie", "; ".join(f"{k}={v}" for k, v in client.cookies.items()).encode()))
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
             "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "", "headers": headers,
             "client": REMOTE, "server": ("testserver", 80), "extensions": {}}
    head: dict[str, Any] = {}
    chunks: list[bytes] = []

    async def go() -> None:
        requested = False
        got = asyncio.Event()

        async def receive() -> dict[str, Any]:
            nonlocal requested
            if not requested:
                requested = True
                return {"type": "http.request", "body": b"", "more_body": False}
            await asyncio.Event().wait()  # the browser stays connected
            return {"type": "http.disconnect"}

        async def send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                head.update(message)
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                if message.get("body") or not message.get("more_body"):
                    got.set()

        task = asyncio.create_task(world.app(scope, receive, send))
        try:
            await asyncio.wait_for(got.wait(), timeout=20)
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)

    run(go())
    return Answered(head["status"], {k.decode().lower(): v.decode() for k, v in head["headers"]},
                    b"".join(chunks).decode())


def send(world: World, identity: str, label: str, path: str | None = None, **overrides: Any) -> Any:
    method, template = label.split(" ", 1)
    voice = {"key": VOICE_ROUND, "question_id": world.data["voice_prompt"]} if label in VOICE_ROUTES else {}
    path = path or world.path(identity, template, answer_id=world.data["voice_answer_id"], **voice)
    if label in STREAMS:
        return first_chunk(world, identity, path)
    kwargs = overrides or bodies(world).get(label, {})
    return world.client(identity, path).request(method, path, **kwargs)


def reached_a(world: World, response: Any, before: list, after: list) -> str:
    """A when the response shows anything of interview A, or A's rounds changed; else D."""
    seen = response.text + " " + response.headers.get("location", "")
    markers = (SECRET_NAME, A_ANSWER, world.params["token"], world.params["interview_id"], world.data["a_title"],
               world.data["a_deadline"], world.data["a_voice_deadline"])
    return "A" if before != after or any(marker in seen for marker in markers) else "D"


@pytest.mark.parametrize(("label", "identity"), CELLS, ids=[f"{label} | {identity}" for label, identity in CELLS])
def test_access(label: str, identity: str, app, session) -> None:  # type: ignore[no-untyped-def]
    want = expected(label, identity)
    world = build_world(session, app)
    before = a_state(session, world)
    response = send(world, identity, label)
    after = a_state(session, world)
    got = reached_a(world, response, before, after) if is_candidate_route(label) else outcome(response)
    where = f"{label} as {identity}: {response.status_code} {response.headers.get('location', '')}"
    assert got == want, f"{where}: expected {want}, got {got}\n{response.text[:400]}"
    if got == "A":
        assert response.status_code in ALLOWED_STATUS.get(label, SUCCESS), f"{where}\n{response.text[:400]}"
    if identity == "candidate_other" and is_candidate_route(label):
        assert response.status_code in OTHER_LINK_STATUS.get(label, SUCCESS), f"{where}: B's own link failed"
    if got == "D" or (identity in OUTSIDERS and not is_candidate_route(label)):
        # A's id may come back only when the caller sent it (an error message, a sign-in redirect).
        path = world.path(identity, label.split(" ", 1)[1])
        hidden = [SECRET_NAME] + [world.params["interview_id"]] * (world.params["interview_id"] not in path)
        for secret in hidden:
            assert secret not in response.text and secret not in str(response.headers), f"{where}: leaks {secret}"


UNSAFE_DENIED_TO_ANONYMOUS = [label for label in ROUTES if label.split(" ", 1)[0] in ("POST", "PUT", "PATCH")
                              and label in EXPECTED and EXPECTED[label][0] == "D"]
# Bodies the app cannot use, each well-formed for its media type (FastAPI itself answers 422 to
# JSON that does not parse before any dependency runs; that says nothing about anyone's rights).
UNUSABLE = {
    "json": ("application/json", b'{"matrix": ["not", "a", "valid", "body"]}'),
    "yaml": ("application/yaml", b"slug: [unterminated\n  - {"),
    "form": ("application/x-www-form-urlencoded", b"matrix=not+a+valid+form&%ZZ"),
}
BODY_CASES = [(label, kind) for label in UNSAFE_DENIED_TO_ANONYMOUS
              for kind in (("json", "yaml") if label.split(" ", 1)[1].startswith("/api/") else ("form",))]


@pytest.mark.parametrize(("label", "kind"), BODY_CASES, ids=[f"{label} | {kind}" for label, kind in BODY_CASES])
def test_refusal_comes_before_reading_the_body(label, kind, app, session) -> None:  # type: ignore[no-untyped-def]
    """A caller without credentials is refused whatever the body: the app must not read, parse or
    validate it (and answer 422, or spend effort on it) before deciding who is asking."""
    world = build_world(session, app)
    content_type, body = UNUSABLE[kind]
    response = send(world, "anonymous", label, content=body, headers={"Content-Type": content_type})
    assert outcome(response) == "D", f"{label}: {response.status_code} {response.text[:300]}"


TAKE_ROUTES = [label for label in ROUTES if is_candidate_route(label)]


@pytest.mark.parametrize("label", TAKE_ROUTES)
def test_an_unknown_link_reaches_nothing(label: str, app, session) -> None:  # type: ignore[no-untyped-def]
    world = build_world(session, app)
    path = fill(label.split(" ", 1)[1], {**world.params, "token": "x" * 43})
    before = a_state(session, world)
    response = send(world, "anonymous", label, path)
    assert response.status_code == 404, f"{label}: {response.status_code}"
    assert reached_a(world, response, before, a_state(session, world)) == "D"
