"""A small world for access checks: two interviews on two job specs, and clients per identity.

Interview A (the target) is on `senior-backend-payments`, candidate SECRET_NAME, with the
assigned interviewer on round_01 (a complete draft scorecard) and the candidate halfway through
round_01 (one answer saved) and a quarter through the voice round round_02 (consented, the first
prompt's recording begun). Interview B belongs to another candidate, on `senior-golang-fintech`,
with the unassigned interviewer on its round_01: that interviewer has work in the system, just
none on A or A's spec. Every path parameter names A; only the candidate of B uses B's token.

Staff identities reach pages with a session cookie and the JSON API with a bearer token, as their
browsers and scripts do. The other candidate has no account, so the only secret they hold is B's
invite token: they present it everywhere a credential can go (the `{token}` of candidate routes,
the session cookie, the bearer header), which must earn them nothing beyond B's own interview."""

from __future__ import annotations

import copy
import secrets
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.auth.security import csrf_token, hash_password
from app.auth.service import start_session
from app.deps import SESSION_COOKIE
from app.interviews.service import interview_content, round_questions
from app.middleware import CSRF_COOKIE
from app.mail.models import MailMessage
from app.models import Answer, ApiToken, Interview, RoundAttempt, Scorecard, User
from app.consent.models import SelfIdentification
from app.questions.editor import EditorState, published_sets
from app.scorecards import service as cards
from app.scorecards.rounds import round_view
from app.settings import get_settings
from app.specs import service as specs
from app.specs.content import SpecContent
from app import clock
from app.take import service as take
from app.webhooks import service as webhooks
from app.webhooks.models import WebhookDelivery
from app.voice import consent as voice_consent
from app.voice import service as voice
from app.consent.models import Consent
from app.voice.state import voice_answers
from tests.factories import PASSWORD, bearer, make_candidate, make_interview, make_user
from tests.voice.helpers import tone_wav

IDENTITIES = ("anonymous", "candidate_other", "interviewer_unassigned", "interviewer_assigned", "hiring_manager",
              "admin")
STAFF_ROLES = {"interviewer_unassigned": "interviewer", "interviewer_assigned": "interviewer",
               "hiring_manager": "hiring_manager", "admin": "admin"}
SECRET_NAME = "Zelda Quartermaine"
A_ANSWER = "Append-only ledger entries keyed by payment intent (answer of interview A)"
WEBHOOK_URL = "https://93.184.216.34/matrix"  # public by address, so no DNS is needed to register it
SPEC_A, SPEC_B = "senior-backend-payments", "senior-golang-fintech"
ROUND = "round_01"
VOICE_ROUND = "round_02"  # seed 002's voice round
VOICE_CHUNK = tone_wav(0.5)
# Not loopback: `/metrics` must judge the caller's credentials, not the test transport.
REMOTE = ("203.0.113.9", 41000)


@cache
def password_hash() -> str:
    """One argon2id hash of the shared test password, reused by every world (hashing is slow)."""
    return hash_password(PASSWORD)


@dataclass
class World:
    params: dict[str, str]  # path parameters, all naming interview A, its spec and A's own token
    other: dict[str, str]  # interview B: its token
    data: dict[str, Any]  # what realistic request bodies need
    app: Any = None
    pages: dict[str, TestClient] = field(default_factory=dict)  # per identity, browser credentials
    api: dict[str, TestClient] = field(default_factory=dict)  # per identity, API credentials

    def client(self, identity: str, path: str) -> TestClient:
        """The identity's client for this path: bearer for the JSON API, cookies for pages."""
        return (self.api if path.startswith("/api/") else self.pages)[identity]

    def path(self, identity: str, template: str, **overrides: str) -> str:
        """The route with its parameters filled in; the other candidate's links carry B's token."""
        params = {**self.params, **overrides}
        if identity == "candidate_other":
            params["token"] = self.other["token"]
        return fill(template, params)


def _user(session: Session, role: str, label: str) -> User:
    user = User(email=f"{label}@matrix.example.test", name=label.replace("_", " ").title(), role=role,
                password_hash=password_hash())
    session.add(user)
    session.flush()
    return user


def _client(app: Any, *, cookie: str | None = None, headers: dict[str, str] | None = None,
            with_csrf: bool = False) -> TestClient:
    client = TestClient(app, base_url="http://testserver", follow_redirects=False, client=REMOTE)
    if with_csrf:  # the CSRF cookie a browser gets on its first page, and the token the page carries
        seed = secrets.token_urlsafe(32)
        client.cookies.set(CSRF_COOKIE, seed)
        client.headers["X-CSRF-Token"] = csrf_token(get_settings().secret_key, seed)
    if cookie is not None:
        client.cookies.set(SESSION_COOKIE, cookie)
    client.headers.update(headers or {})
    return client


def _start_with_answer(session: Session, interview: Any, text: str | None) -> RoundAttempt:
    attempt = take.start_round(session, interview, ROUND, now=clock.now())
    if text is not None:
        take.save_answer(session, interview, ROUND, attempt.questions[0]["id"], text=text, revision=1, now=clock.now())
    return attempt


def _record_voice(session: Session, interview: Any) -> tuple[RoundAttempt, str, str]:
    """A's voice round consented to and its first prompt's recording begun: (attempt, prompt, answer id)."""
    attempt, _ = voice_consent.give(session, interview, VOICE_ROUND, choice="voice", now=clock.now())
    prompt = attempt.questions[0]["id"]
    voice.receive_chunk(session, interview, VOICE_ROUND, prompt, seq=0, final=False, content_type="audio/wav",
                        data=VOICE_CHUNK, now=clock.now())
    return attempt, prompt, voice_answers(session, attempt)[prompt].answer_id


def build_world(session: Session, app: Any) -> World:
    """Build and commit the world; every request of the test then sees it."""
    users = {identity: _user(session, role, identity) for identity, role in STAFF_ROLES.items()}
    manager = users["hiring_manager"]
    hook, _ = webhooks.create_endpoint(session, url=WEBHOOK_URL, events=["interview.created"], actor=users["admin"])
    new_a = make_interview(session, spec_slug=SPEC_A, candidate=make_candidate(session, name=SECRET_NAME),
                           interviewers={ROUND: [users["interviewer_assigned"].email]}, actor=manager)
    new_b = make_interview(session, spec_slug=SPEC_B, interviewers={ROUND: [users["interviewer_unassigned"].email]},
                           actor=manager)
    attempt_a = _start_with_answer(session, new_a.interview, A_ANSWER)
    _start_with_answer(session, new_b.interview, None)  # B's links work too: their refusals are about A
    voice_attempt, voice_prompt, voice_answer_id = _record_voice(session, new_a.interview)

    card = session.exec(select(Scorecard).where(Scorecard.interview_id == new_a.interview.id)).one()
    view = round_view(session, card)
    covered = view.covered_ids
    cards.save_draft(session, card=card, changes=cards.Changes(ratings={cid: 3 for cid in covered}))

    spec = specs.get_spec(session, SPEC_A)
    version = specs.get_version(session, spec)
    content = copy.deepcopy(version.content)
    spare = make_candidate(session, name="Spare Candidate", email="spare@matrix.example.test")
    first_question = round_questions(new_a.interview, interview_content(session, new_a.interview), ROUND)[0].id

    api_headers = {identity: bearer(session, user) for identity, user in users.items()}
    cookies = {identity: start_session(session, user)[0] for identity, user in users.items()}
    spare_staff = make_user(session, role="interviewer", name="Spare Colleague")
    admin_token_id = session.exec(select(ApiToken.id).where(ApiToken.user_id == users["admin"].id)).first()
    first_mail = session.exec(select(MailMessage.id)).first()
    first_delivery = session.exec(select(WebhookDelivery.id).where(WebhookDelivery.endpoint_id == hook.id)).first()
    session.commit()

    world = World(
        params={"slug": SPEC_A, "interview_id": new_a.interview.id, "scorecard_id": card.id, "token": new_a.token,
                "key": ROUND, "question_id": first_question, "number": str(version.number),
                # staff and mail admin: a colleague to manage, the admin's own token, a queued message;
                # a made-up staff link (a real one is single-use: tests/staff cover those)
                "user_id": spare_staff.id, "token_id": admin_token_id, "message_id": str(first_mail),
                "template": "staff_invitation", "secret": "not-a-real-staff-link", "candidate_id": spare.id,
                # a webhook endpoint (a public address nothing is sent to here) and one of its deliveries
                "webhook_id": hook.id, "delivery_id": str(first_delivery)},
        other={"token": new_b.token},
        data={"content": content, "version": version, "covered": covered, "candidate_id": spare.id,
              "assigned_email": users["interviewer_assigned"].email, "manager_email": manager.email,
              "a_deadline": attempt_a.deadline.isoformat(), "a_title": content["title"],
              "a_voice_deadline": voice_attempt.deadline.isoformat(), "voice_prompt": voice_prompt,
              "voice_answer_id": voice_answer_id,
              "question_draft": EditorState(published_sets(SpecContent.from_dict(content))).as_json()},
        app=app)
    for identity in IDENTITIES:
        if identity == "anonymous":
            world.pages[identity] = _client(app, with_csrf=True)
            world.api[identity] = _client(app)
        elif identity == "candidate_other":
            world.pages[identity] = _client(app, cookie=new_b.token, with_csrf=True)
            world.api[identity] = _client(app, headers={"Authorization": f"Bearer {new_b.token}"})
        else:
            world.pages[identity] = _client(app, cookie=cookies[identity], with_csrf=True)
            world.api[identity] = _client(app, headers=api_headers[identity])
    return world


def a_state(session: Session, world: World) -> list[tuple[Any, ...]]:
    """What a candidate link can change of interview A: its attempts and saved answers."""
    session.expire_all()
    attempts = session.exec(select(RoundAttempt).where(RoundAttempt.interview_id == world.params["interview_id"])
                            .order_by(RoundAttempt.round_key)).all()
    state: list[tuple[Any, ...]] = []
    for attempt in attempts:
        state.append((attempt.round_key, attempt.submitted_at, attempt.closed_by))
        answers = session.exec(select(Answer).where(Answer.attempt_id == attempt.id).order_by(Answer.question_id)).all()
        state.extend((a.question_id, a.revision, a.text) for a in answers)
        state.extend((qid, v.mode, v.chunks, v.bytes, v.finalized_at) for qid, v in sorted(voice_answers(session, attempt).items()))
        state.extend((c.purpose, c.choice, c.at) for c in session.exec(select(Consent).where(Consent.attempt_id == attempt.id)))
    interview = session.get(Interview, world.params["interview_id"])
    self_id = session.get(SelfIdentification, interview.candidate_id) if interview else None
    state.append(("self-id", self_id.sex, self_id.race_ethnicity) if self_id else ("self-id", None))
    return state


def editor_form(content: dict[str, Any], *, base: int | None) -> dict[str, list[str]]:
    """The spec editor's fields for `content`, as the page posts them."""
    fields: dict[str, list[str]] = {key: [str(content[key])] for key in ("slug", "title", "level", "description")}
    if base is not None:
        fields["base_version"] = [str(base)]

    def add(name: str, value: Any) -> None:
        fields.setdefault(name, []).append(str(value))

    for c in content["competencies"]:
        for name, value in (("competency_id", c["id"]), ("competency_name", c["name"]),
                            ("competency_weight", c["weight"]), ("competency_definition", c["definition"]),
                            ("competency_tags", ", ".join(c.get("tags") or []))):
            add(name, value)
    for i, m in enumerate(content.get("must_haves", [])):
        add("must_have_row", f"m{i}")
        add("must_have_id", m["id"])
        add("must_have_text", m["text"])
        if m["required"]:
            add("must_have_required", f"m{i}")
    for r in content["rounds"]:
        for name, value in (("round_key", r["key"]), ("round_name", r["name"]), ("round_kind", r["kind"]),
                            ("round_duration", r["duration_minutes"]), ("round_count", r["question_count"])):
            add(name, value)
    return fields


def fill(path: str, params: dict[str, str]) -> str:
    """The route's path with its parameters filled in."""
    for name, value in params.items():
        path = path.replace("{" + name + "}", value)
    return path


def outcome(response) -> str:  # type: ignore[no-untyped-def]
    """'A' when the request got past authorization, 'D' when it was refused.

    Refusals are 401, 403, 404 (the app hides what the caller may not see), 410, and the
    redirect to sign in (`/login?next=…`, or htmx's HX-Redirect). Anything else, including a 409
    or a redirect elsewhere, means the caller was let in and the route did its work."""
    if response.status_code in (401, 403, 404, 410):
        return "D"
    if response.status_code in (302, 303, 307) and response.headers.get("location", "").startswith("/login?next="):
        return "D"
    if response.status_code == 204 and response.headers.get("hx-redirect", "").startswith("/login?next="):
        return "D"
    return "A"
