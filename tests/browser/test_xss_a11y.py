"""Stored XSS in a real browser, and accessibility on every page.

Every text field a person can write holds script and attribute payloads, stored the way people
and integrators store them (the public JSON API with bearer tokens; accounts in the database).
Then every GET page of the app is opened in Chromium by the roles that see it, and on each one:
no payload ran (`window.__xss` stays unset), no dialog opened, the strict CSP reported nothing
(neither a `securitypolicyviolation` event nor a console message), the payloads are on the page
as literal text (escaped, not stripped), and axe-core finds no serious or critical violation.

The pages come from the app's own route table, so a new GET page without a visit here fails."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from playwright.sync_api import expect

from sqlmodel import select

from app.auth.service import create_api_token, create_user
from app.mail.models import MailMessage
from app.webhooks.service import create_endpoint
from app.main import create_app
from tests.browser.conftest import axe_violations, sign_in
from tests.routes import api_routes

SLUG = "xss-probe"
PASSWORD = "xss probe password 1"

# The vectors: an element, an attribute break-out (double and single quotes), closing the raw-text
# elements a value may land in, an SVG handler, a script URL and template syntax.
SCRIPT = "<script>window.__xss=1</script>"
IMG = '"><img src=x onerror="window.__xss=1">'
ATTR = "' onmouseover='window.__xss=1"
TEXTAREA = "</textarea><script>window.__xss=1</script>"
TITLE = "</title><script>window.__xss=1</script>"
SVG = "<svg onload=window.__xss=1>"
JS_URL = "javascript:window.__xss=1"
TEMPLATE = "{{7*7}} {% raw %}"
EVERY = (SCRIPT, IMG, ATTR, TEXTAREA, TITLE, SVG, JS_URL)


def payload(label: str, *vectors: str) -> str:
    """A field's value: a readable label, then the vectors."""
    return " ".join((label, *vectors))


P = {
    "title": payload("Title", SCRIPT, TITLE, IMG),
    "description_v1": payload("Description v1", SCRIPT, ATTR),
    "description": payload("Description", *EVERY, TEMPLATE),
    "comp_a": payload("Competency A", IMG, ATTR),
    "comp_b": payload("Competency B", SCRIPT, SVG),
    "def_a": payload("Definition A", *EVERY),
    "def_b": payload("Definition B", TEXTAREA, JS_URL),
    "must_a": payload("Must-have A", SCRIPT, IMG),
    "must_b": payload("Must-have B", ATTR, TEXTAREA),
    "round_w": payload("Written", TEXTAREA, ATTR),
    "round_b": payload("Behavioral", IMG, JS_URL),
    "round_l": payload("Live", SCRIPT, SVG),
    "q_w1": payload("Question W1", *EVERY),
    "q_w2": payload("Question W2", IMG, TEXTAREA),
    "q_b1": payload("Prompt B1", *EVERY),
    "q_b2": payload("Prompt B2", SCRIPT, ATTR),
    "strong": payload("Strong signal", IMG, SCRIPT),
    "weak": payload("Weak signal", TEXTAREA, SVG),
    "follow_up": payload("Follow-up", ATTR, SCRIPT),
    "why": payload("Why", IMG, SVG),
    "cand1": payload("Cand One", SCRIPT, IMG),
    "cand1_email": "cand1'onmouseover='window.__xss=1'@xss.test",
    "cand2": payload("Cand Two", ATTR, SVG),
    "cand2_email": "cand2'onfocus='window.__xss=1'autofocus=''@xss.test",
    "answer_w1": payload("Answer W1", *EVERY),
    "answer_w2": payload("Answer W2", TEXTAREA, IMG),
    "answer_b1": payload("Answer B1", *EVERY),
    "answer_b2": payload("Answer B2", SCRIPT, ATTR),
    "answer_live": payload("Answer in progress", TEXTAREA, SCRIPT),
    "note_a": payload("Note A", *EVERY),
    "note_b": payload("Note B", TEXTAREA, IMG),
    "note_bo_a": payload("Bo note A", SCRIPT, ATTR),
    "note_bo_b": payload("Bo note B", TEXTAREA, SVG),
    "note_amend": payload("Amended note", TEXTAREA, IMG),
    "note_draft": payload("Draft note", TEXTAREA, SCRIPT),
    "reason": payload("Reason", *EVERY),
    "admin": payload("Admin", TITLE, ATTR),
    "manager": payload("Manager", SCRIPT, IMG),
    "ivy": payload("Ivy", IMG, SVG),
}
# Addresses are plain (app/mail: no spaces, quotes, brackets or control characters), so what they
# can carry into a page is an apostrophe and "=": an attribute break if a page failed to escape it.
ADMIN_EMAIL = "xss.admin@browser.test"
MANAGER_EMAIL = "xss.manager@browser.test"
IVY_EMAIL = "ivy'onmouseover='window.__xss=1'@browser.test"
BO_EMAIL = "bo'onfocus='window.__xss=1'autofocus=''@browser.test"
WEBHOOK_URL = "https://93.184.216.34/hook?x='onmouseover='window.__xss=1"  # a public address: nothing is sent


# --- the stored world ----------------------------------------------------------------------------

@dataclass
class World:
    """Ids and secrets of what was stored."""

    interview: str = ""
    interview2: str = ""
    token: str = ""
    token2: str = ""
    cards: dict[str, str] = field(default_factory=dict)
    candidate: str = ""  # the first candidate's id
    webhook: str = ""  # an endpoint whose URL carries an attribute break
    mail_message: int = 0  # the first candidate's invitation in the outbox


def question(qid: str, text: str) -> dict[str, Any]:
    """A custom question with every writable field filled."""
    return {"id": qid, "text": text, "competencies": ["comp_a", "comp_b"], "source": "custom",
            "rubric": {"strong": [P["strong"]], "weak": [P["weak"]]}, "follow_ups": [P["follow_up"]],
            "why": P["why"], "reference": JS_URL}


def spec_content(description: str) -> dict[str, Any]:
    """The probe job spec: every text field carries payloads."""
    return {
        "slug": SLUG, "title": P["title"], "level": "senior", "description": description,
        "competencies": [
            {"id": "comp_a", "name": P["comp_a"], "weight": 0.6, "definition": P["def_a"]},
            {"id": "comp_b", "name": P["comp_b"], "weight": 0.4, "definition": P["def_b"]}],
        "must_haves": [{"id": "must_a", "text": P["must_a"], "required": True},
                       {"id": "must_b", "text": P["must_b"], "required": False}],
        "rounds": [
            {"key": "written", "name": P["round_w"], "kind": "written", "duration_minutes": 90, "question_count": 2,
             "questions": [question("w1", P["q_w1"]), question("w2", P["q_w2"])]},
            {"key": "behavioral", "name": P["round_b"], "kind": "behavioral", "duration_minutes": 60,
             "question_count": 2},
            {"key": "live", "name": P["round_l"], "kind": "live", "duration_minutes": 45, "question_count": 0}],
    }


class Api:
    """The public JSON API of the live server, called with a bearer token."""

    def __init__(self, client: httpx.Client, token: str | None = None):
        self.client, self.token = client, token

    def __call__(self, method: str, url: str, body: Any = None) -> Any:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        response = self.client.request(method, f"/api/v1{url}", json=body, headers=headers)
        assert response.status_code < 300, f"{method} {url}: {response.status_code} {response.text}"
        return response.json()


def take_round(api: Api, token: str, key: str, answers: list[str], *, submit: bool = True) -> None:
    """The candidate starts a round, saves answers in order and (by default) submits it."""
    started = api("POST", f"/take/{token}/rounds/{key}/start")
    for q, text in zip(started["questions"], answers):
        api("PUT", f"/take/{token}/rounds/{key}/answers/{q['id']}", {"text": text, "revision": 1})
    if submit:
        api("POST", f"/take/{token}/rounds/{key}/submit")


def scorecard_ids(api: Api, interview_id: str) -> dict[tuple[str, str], str]:
    """(round key, interviewer email) → scorecard id, from the interview's assignments."""
    detail = api("GET", f"/interviews/{interview_id}")
    return {(rnd["key"], a["interviewer"]): a["scorecard_id"] for rnd in detail["rounds"] for a in rnd["assignments"]}


def score(api: Api, card: str, ratings: dict[str, int], notes: dict[str, str]) -> None:
    """Fill and submit a scorecard."""
    api("PUT", f"/scorecards/{card}", {"ratings": ratings, "notes": notes, "recommendation": "yes",
                                       "must_haves": {"must_a": "met", "must_b": "not_assessed"}})
    api("POST", f"/scorecards/{card}/submit")


@pytest.fixture(scope="module")
def world(live_server) -> World:  # type: ignore[no-untyped-def]
    """Accounts in the database; everything else through the API, as its clients write it."""
    with live_server.session() as session:
        create_user(session, email=ADMIN_EMAIL, name=P["admin"], role="admin", password=PASSWORD)
        manager = create_user(session, email=MANAGER_EMAIL, name=P["manager"], role="hiring_manager", password=PASSWORD)
        ivy = create_user(session, email=IVY_EMAIL, name=P["ivy"], role="interviewer", password=PASSWORD)
        bo = create_user(session, email=BO_EMAIL, name=payload("Bo", SCRIPT), role="interviewer", password=PASSWORD)
        tokens = {who: create_api_token(session, user=user) for who, user in
                  (("manager", manager), ("ivy", ivy), ("bo", bo))}
        endpoint, _ = create_endpoint(session, url=WEBHOOK_URL, events=["interview.created"], actor=None)
        session.commit()
    found = World(webhook=endpoint.id)
    with httpx.Client(base_url=live_server.base_url, timeout=30) as client:
        manage, as_ivy, as_bo, candidate = (Api(client, tokens["manager"]), Api(client, tokens["ivy"]),
                                            Api(client, tokens["bo"]), Api(client))
        manage("POST", "/job-specs", spec_content(P["description_v1"]))
        manage("PUT", f"/job-specs/{SLUG}", spec_content(P["description"]))
        manage("PUT", f"/job-specs/{SLUG}/rounds/behavioral/questions",
               {"questions": [question("b1", P["q_b1"]), question("b2", P["q_b2"])]})

        first = manage("POST", "/candidates", {"name": P["cand1"], "email": P["cand1_email"]})["id"]
        found.candidate = first
        created = manage("POST", "/interviews", {"candidate_id": first, "job_spec": SLUG, "interviewers": {
            "written": [IVY_EMAIL, BO_EMAIL], "behavioral": [IVY_EMAIL], "live": [BO_EMAIL]}})
        found.interview, found.token = created["id"], created["candidate_url"].rsplit("/", 1)[1]
        take_round(candidate, found.token, "written", [P["answer_w1"], P["answer_w2"]])
        take_round(candidate, found.token, "behavioral", [P["answer_b1"], P["answer_b2"]])
        cards = scorecard_ids(manage, found.interview)
        found.cards.update(ivy_written=cards[("written", IVY_EMAIL)], bo_written=cards[("written", BO_EMAIL)])
        score(as_ivy, found.cards["ivy_written"], {"comp_a": 5, "comp_b": 3},
              {"comp_a": P["note_a"], "comp_b": P["note_b"]})
        score(as_bo, found.cards["bo_written"], {"comp_a": 2, "comp_b": 1},
              {"comp_a": P["note_bo_a"], "comp_b": P["note_bo_b"]})
        score(as_ivy, cards[("behavioral", IVY_EMAIL)], {"comp_a": 4, "comp_b": 3}, {})
        score(as_bo, cards[("live", BO_EMAIL)], {"comp_a": 3, "comp_b": 3}, {})
        as_ivy("POST", f"/scorecards/{found.cards['ivy_written']}/amend",
               {"ratings": {"comp_b": 4}, "notes": {"comp_b": P["note_amend"]}, "reason": P["reason"]})

        second = manage("POST", "/candidates", {"name": P["cand2"], "email": P["cand2_email"]})["id"]
        created = manage("POST", "/interviews", {"candidate_id": second, "job_spec": SLUG,
                                                 "interviewers": {"written": [IVY_EMAIL]}})
        found.interview2, found.token2 = created["id"], created["candidate_url"].rsplit("/", 1)[1]
        take_round(candidate, found.token2, "written", [P["answer_live"]], submit=False)
        found.cards["ivy_draft"] = scorecard_ids(manage, found.interview2)[("written", IVY_EMAIL)]
        as_ivy("PUT", f"/scorecards/{found.cards['ivy_draft']}", {"notes": {"comp_a": P["note_draft"]}})
    with live_server.session() as session:
        found.mail_message = session.exec(select(MailMessage.id).where(
            MailMessage.template == "candidate_invitation", MailMessage.to_addr == P["cand1_email"])).one()
    return found


# --- the pages -----------------------------------------------------------------------------------

@dataclass
class Fragment:
    """An htmx fragment route, swapped into the open page the way the page itself swaps it."""

    route: str
    url: str
    target: str  # CSS selector of the element whose content the fragment replaces


@dataclass
class Visit:
    """One page opened by one role, with the payloads that must show on it as text."""

    route: str
    url: str
    shows: tuple[str, ...] = ()
    visible: str | None = None  # a payload that must be visible on screen, not only in the DOM
    status: int = 200
    fragments: tuple[Fragment, ...] = ()
    act: Callable[[Any], None] | None = None  # a user action after loading (e.g. an htmx form)


# GET routes that are not HTML pages: a URL of each and the media type it answers with instead.
NOT_HTML = {
    "/healthz": ("/healthz", "application/json"),
    # The HTML preview is the message's own document under a sandbox CSP (tests/mail/test_reminders.py).
    "/admin/mail/preview/{template}": ("/admin/mail/preview/candidate_invitation?part=text", "text/plain"),
    "/metrics": ("/metrics", "text/plain"),
    "/specs/{slug}/export.yaml": (f"/specs/{SLUG}/export.yaml", "application/yaml"),
    "/specs/{slug}/dashboard.csv": (f"/specs/{SLUG}/dashboard.csv", "text/csv"),
    "/specs/{slug}/events": (f"/specs/{SLUG}/events", "text/event-stream"),
}

SPEC_TEXT = ("title", "description", "comp_a", "comp_b", "def_a", "def_b", "must_a", "must_b",
             "round_w", "round_b", "round_l", "q_w1", "q_w2", "q_b1", "q_b2", "strong", "weak", "why")
EDITOR_TEXT = ("title", "description", "comp_a", "comp_b", "def_a", "def_b", "must_a", "must_b",
               "round_w", "round_b", "round_l")


def shows(*keys: str) -> tuple[str, ...]:
    """The payloads of these fields."""
    return tuple(P[k] for k in keys)


def compare_v1_with_current(page) -> None:  # type: ignore[no-untyped-def]
    """Pick v1 → current in the versions form; htmx swaps the diff in."""
    page.get_by_label("From").select_option(index=page.get_by_label("From").locator("option").count() - 1)
    page.get_by_role("button", name="Compare").click()
    expect(page.locator("#diff ins").first).to_be_visible()


def rerank(page) -> None:  # type: ignore[no-untyped-def]
    """Press Re-rank under the what-if sliders; htmx swaps the re-ranked table in."""
    page.get_by_role("button", name="Re-rank").click()
    expect(page.locator("#what-if-result table")).to_be_visible()


def next_is_home(page) -> None:  # type: ignore[no-untyped-def]
    """A script URL as the sign-in target is dropped for the home page."""
    expect(page.locator("input[name=next]")).to_have_value("/")


def visits(world: World) -> dict[str, list[Visit]]:
    """Every page, by the role that opens it (admin, interviewer, candidate, anonymous)."""
    spec, dash = f"/specs/{SLUG}", f"/specs/{SLUG}/dashboard"
    live = Fragment("/specs/{slug}/live", f"{spec}/live", "#live-performance")
    ivy_card, bo_card, draft = (world.cards[k] for k in ("ivy_written", "bo_written", "ivy_draft"))
    return {
        "admin": [
            Visit("/", "/", shows("title", "admin"), visible=P["title"]),
            Visit("/docs", "/docs"),
            Visit("/specs", "/specs", shows("title", "admin"), visible=P["title"]),
            Visit("/specs/new", "/specs/new", shows("admin")),
            Visit("/specs/{slug}", spec, shows(*SPEC_TEXT, "admin"), visible=P["title"], fragments=(live,)),
            Visit("/specs/{slug}/edit", f"{spec}/edit", shows(*EDITOR_TEXT)),
            Visit("/specs/{slug}/versions", f"{spec}/versions", shows("title", "manager"), visible=P["manager"],
                  act=compare_v1_with_current),
            Visit("/specs/{slug}/questions", f"{spec}/questions",
                  shows("title", "comp_a", "comp_b", "round_w", "round_b", "q_w1", "q_b2", "strong", "weak",
                        "follow_up", "why"), visible=P["round_w"]),
            Visit("/specs/{slug}/dashboard", dash, shows("title", "comp_a", "comp_b", "cand1", "cand2"),
                  visible=P["cand1"], act=rerank,
                  fragments=(live, Fragment("/specs/{slug}/dashboard", f"{dash}?part=ranking", "#ranking"))),
            Visit("/specs/{slug}/dashboard/what-if", f"{dash}/what-if?w_comp_a=0.2&w_comp_b=0.8",
                  shows("title", "cand1", "cand2")),
            Visit("/specs/{slug}/dashboard/ranking", f"{dash}/ranking?sort=coverage&order=asc",
                  shows("title", "cand1", "cand2"), visible=P["cand1"]),
            Visit("/specs/{slug}/dashboard/interviews/{interview_id}", f"{dash}/interviews/{world.interview}",
                  shows("cand1", "title", "comp_a", "must_a", "note_a", "note_amend", "note_bo_a") + (BO_EMAIL,),
                  visible=P["note_a"]),
            Visit("/interviews", "/interviews", shows("cand1", "cand1_email", "cand2", "cand2_email", "title"),
                  visible=P["cand1_email"]),
            Visit("/interviews/new", f"/interviews/new?job_spec={SLUG}",
                  shows("cand1", "cand1_email", "title", "round_w", "round_b", "round_l"), visible=P["round_w"]),
            Visit("/interviews/{interview_id}", f"/interviews/{world.interview}",
                  shows("cand1", "cand1_email", "title", "round_w", "round_l") + (IVY_EMAIL, BO_EMAIL),
                  visible=BO_EMAIL),
            Visit("/my/scorecards", "/my/scorecards", shows("admin")),
            Visit("/candidates", "/candidates", shows("cand1", "cand1_email", "cand2"), visible=P["cand1"]),
            Visit("/candidates", "/candidates?q=" + quote(SCRIPT), (SCRIPT,)),
            Visit("/candidates/{candidate_id}", f"/candidates/{world.candidate}", shows("cand1", "cand1_email", "title"),
                  visible=P["cand1"]),
            Visit("/admin/users", "/admin/users", shows("admin", "manager", "ivy") + (IVY_EMAIL, BO_EMAIL),
                  visible=P["ivy"]),
            Visit("/account", "/account", shows("admin")),
            Visit("/admin/webhooks", "/admin/webhooks", (WEBHOOK_URL,), visible=WEBHOOK_URL),
            Visit("/admin/webhooks/{webhook_id}", f"/admin/webhooks/{world.webhook}", (WEBHOOK_URL,), visible=WEBHOOK_URL),
            Visit("/admin/webhooks/{webhook_id}/delete", f"/admin/webhooks/{world.webhook}/delete", (WEBHOOK_URL,)),
            Visit("/admin/mail", "/admin/mail", shows("cand1_email"), visible=P["cand1_email"]),
            Visit("/admin/mail/{message_id}", f"/admin/mail/{world.mail_message}", shows("cand1", "title"),
                  visible=P["cand1"]),
            Visit("/candidates/{candidate_id}/erase", f"/candidates/{world.candidate}/erase",
                  shows("cand1", "cand1_email"), visible=P["cand1"]),
            Visit("/specs/{slug}/adverse-impact", f"{spec}/adverse-impact", shows("title"), visible=P["title"]),
            Visit("/specs/{slug}/questions/analysis", f"{spec}/questions/analysis",
                  shows("title", "q_w1", "q_w2", "q_b1", "comp_a", "comp_b", "round_w", "round_b"), visible=P["q_w1"]),
            Visit("/scorecards/{scorecard_id}", f"/scorecards/{ivy_card}",
                  shows("cand1", "title", "round_w", "q_w1", "answer_w1", "answer_w2", "strong", "weak",
                        "note_a", "note_amend", "reason", "note_bo_a", "must_a") + (IVY_EMAIL, BO_EMAIL),
                  visible=P["reason"]),
            # Error pages echo what was asked for.
            Visit("/specs/{slug}", f"/specs/{quote(SVG)}", (SVG,), visible=SVG, status=404),
            Visit("/scorecards/{scorecard_id}", f"/scorecards/{quote(IMG)}", (IMG,), visible=IMG, status=404),
        ],
        "interviewer": [
            Visit("/", "/", shows("ivy", "cand1"), visible=P["ivy"]),
            Visit("/my/scorecards", "/my/scorecards", shows("ivy", "cand1", "cand2", "title", "round_w", "round_b"),
                  visible=P["cand2"]),
            Visit("/scorecards/{scorecard_id}", f"/scorecards/{ivy_card}",
                  shows("cand1", "q_w1", "answer_w1", "note_a", "note_amend", "reason", "note_bo_b", "def_a",
                        "must_b") + (BO_EMAIL,), visible=P["answer_w1"]),
            Visit("/scorecards/{scorecard_id}", f"/scorecards/{draft}",
                  shows("cand2", "answer_live", "note_draft", "comp_a", "must_a"), visible=P["answer_live"]),
            Visit("/scorecards/{scorecard_id}", f"/scorecards/{bo_card}", shows("note_bo_a", "note_bo_b") + (BO_EMAIL,),
                  visible=P["note_bo_a"]),
            Visit("/specs/{slug}", spec, shows(*SPEC_TEXT), visible=P["description"]),
            Visit("/specs/{slug}/versions", f"{spec}/versions", shows("title", "manager")),
            Visit("/interviews/{interview_id}", f"/interviews/{world.interview}", shows("cand1", "round_b")),
            Visit("/specs/{slug}/dashboard/interviews/{interview_id}", f"{dash}/interviews/{world.interview}",
                  shows("cand1", "note_a", "note_bo_b"), visible=P["note_bo_b"]),
        ],
        "candidate": [
            Visit("/take/{token}", f"/take/{world.token}", shows("title", "cand1", "round_w", "round_b"),
                  visible=P["cand1"]),
            Visit("/take/{token}/rounds/{key}", f"/take/{world.token}/rounds/written",
                  shows("round_w", "q_w1", "q_w2", "answer_w1", "answer_w2"), visible=P["q_w1"]),
            Visit("/take/{token}/rounds/{key}", f"/take/{world.token}/rounds/behavioral",
                  shows("round_b", "q_b1", "q_b2", "answer_b1", "answer_b2"), visible=P["q_b2"]),
            Visit("/take/{token}", f"/take/{world.token2}", shows("title", "cand2", "round_w")),
            Visit("/take/{token}/about", f"/take/{world.token}/about",
                  shows("title", "comp_a", "comp_b", "def_a", "def_b", "must_a", "must_b"), visible=P["comp_a"]),
            Visit("/take/{token}/rounds/{key}", f"/take/{world.token2}/rounds/written",
                  shows("round_w", "q_w1", "answer_live"), visible=P["q_w1"]),
        ],
        "anonymous": [
            Visit("/login", "/login?next=" + quote('/"><img src=x onerror=window.__xss=1>'),
                  ('/"><img src=x onerror=window.__xss=1>',)),
            Visit("/login", "/login?next=" + quote(JS_URL), act=next_is_home),
            Visit("/docs", "/docs"),
            Visit("/invite/{secret}", "/invite/" + quote(IMG), status=404),
            Visit("/reset/{secret}", "/reset/not-a-known-link", status=404),
        ],
    }


def page_routes() -> set[str]:
    """The path templates of every GET route outside the JSON API."""
    return {r.path for r in api_routes(create_app(migrate_on_start=False)) if "GET" in r.methods and not r.path.startswith("/api/")}


def test_every_get_page_route_has_a_visit_or_is_not_html():
    """A new page cannot be missed: each GET route is visited here, or named as non-HTML."""
    world = World(cards={"ivy_written": "1", "bo_written": "2", "ivy_draft": "3"})
    visited = {v.route for vs in visits(world).values() for v in vs}
    visited |= {f.route for vs in visits(world).values() for v in vs for f in v.fragments}
    routes = page_routes()
    assert routes - visited - set(NOT_HTML) == set(), "GET routes without a visit in this file"
    assert (visited | set(NOT_HTML)) - routes == set(), "visits of routes the app no longer has"


# --- the checks ----------------------------------------------------------------------------------

WATCH_CSP = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  const where = `${e.sourceFile}:${e.lineNumber}`;
  window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || "inline"} at ${where}`);
}, true);
"""
# Everything a person can read on the page: the title, the text, and the values of form fields.
PAGE_TEXT = """() => [document.title, document.body.textContent,
  ...Array.from(document.querySelectorAll("input, textarea"), (el) => el.value)].join("\\n")"""
SWAP = """([url, target]) => htmx.ajax("GET", url, {target: target, swap: "outerHTML"})"""


class Watched:
    """A page with its dialogs, console messages and in-flight requests recorded."""

    def __init__(self, page):  # type: ignore[no-untyped-def]
        self.page = page
        self.dialogs: list[str] = []
        self.console: list[str] = []
        self.pending: set[Any] = set()
        page.add_init_script(WATCH_CSP)
        page.on("dialog", self._dialog)
        page.on("console", lambda msg: self.console.append(f"{msg.type}: {msg.text}"))
        # Event streams stay open by design; everything else must finish before the checks.
        page.on("request", lambda r: r.resource_type != "eventsource" and self.pending.add(r))
        page.on("requestfinished", lambda r: self.pending.discard(r))
        page.on("requestfailed", lambda r: self.pending.discard(r))

    def _dialog(self, dialog) -> None:  # type: ignore[no-untyped-def]
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def settle(self, quiet_ms: int = 300, timeout_ms: int = 10_000) -> None:
        """Wait until no request (other than event streams) has been in flight for `quiet_ms`."""
        self.page.wait_for_load_state("load")
        waited, quiet = 0, 0
        while quiet < quiet_ms and waited < timeout_ms:
            self.page.wait_for_timeout(50)
            waited += 50
            quiet = quiet + 50 if not self.pending else 0
        assert not self.pending, f"requests still running: {[r.url for r in self.pending]}"

    def problems(self, label: str, expected: tuple[str, ...]) -> list[str]:
        """What is wrong with the page as it stands (dialogs and messages since the last check)."""
        page, found = self.page, []
        dialogs, console = self.dialogs[:], self.console[:]
        self.dialogs.clear()
        self.console.clear()
        if page.evaluate("() => window.__xss") is not None:
            found.append(f"{label}: a payload ran (window.__xss = {page.evaluate('() => window.__xss')!r})")
        if dialogs:
            found.append(f"{label}: dialogs opened {dialogs}")
        if violations := page.evaluate("() => window.__cspViolations.splice(0)"):
            found.append(f"{label}: CSP violations {violations}")
        if csp := [m for m in console if "Content Security Policy" in m or "Refused to" in m]:
            found.append(f"{label}: CSP console messages {csp}")
        text = page.evaluate(PAGE_TEXT)
        if missing := [p for p in expected if p not in text]:
            found.append(f"{label}: payloads not shown as text {missing}")
        if axe := axe_violations(page):
            found.append(f"{label}: axe {axe}")
        return found


def check(watched: Watched, visit: Visit) -> list[str]:
    """Open one page (then its fragments and action) and list its problems."""
    page = watched.page
    watched.dialogs.clear()
    watched.console.clear()
    response = page.goto(visit.url)
    label = f"{visit.url} ({visit.route})"
    if response is None or response.status != visit.status:
        return [f"{label}: status {response.status if response else None}, expected {visit.status}"]
    if visit.status == 200:
        assert "text/html" in response.headers.get("content-type", ""), label
    watched.settle()
    found = watched.problems(label, visit.shows)
    if visit.visible and not page.get_by_text(visit.visible, exact=False).first.is_visible():
        found.append(f"{label}: not visible on screen: {visit.visible!r}")
    for fragment in visit.fragments:
        page.evaluate(SWAP, [fragment.url, fragment.target])
        watched.settle()
        found += watched.problems(f"{label} + fragment {fragment.url}", ())
    if visit.act:
        visit.act(page)
        watched.settle()
        found += watched.problems(f"{label} after {visit.act.__name__}", ())
    return found


@pytest.mark.parametrize("role", ["admin", "interviewer", "candidate", "anonymous"])
def test_no_payload_runs_and_every_page_is_accessible(role, page, world):  # type: ignore[no-untyped-def]
    """Every page the role can open: nothing ran, nothing was blocked, payloads shown, axe clean."""
    watched = Watched(page)
    if role == "admin":
        sign_in(page, ADMIN_EMAIL, PASSWORD)
    elif role == "interviewer":
        sign_in(page, IVY_EMAIL, PASSWORD)
    found: list[str] = []
    for visit in visits(world)[role]:
        found += check(watched, visit)
    assert found == [], "\n".join(found)


def test_the_watchers_see_a_blocked_inline_handler(page, live_server):  # type: ignore[no-untyped-def]
    """The checks can fail: markup injected into a page is blocked by the CSP and reported, and a
    script that did run is seen."""
    watched = Watched(page)
    page.goto("/login")
    watched.settle()
    with page.expect_console_message(lambda msg: "Content Security Policy" in msg.text):
        page.evaluate("""() => document.querySelector("main").insertAdjacentHTML(
            "beforeend", '<img src="/static/favicon.svg" onload="window.__xss=1" alt="">')""")
    page.wait_for_function("() => window.__cspViolations.length > 0")
    assert page.evaluate("() => window.__xss") is None
    found = watched.problems("login with injected markup", ("not on the page",))
    assert [p.split(": ")[1].split(" [")[0] for p in found] == [
        "CSP violations", "CSP console messages", "payloads not shown as text"], found
    page.evaluate("() => { window.__xss = 1; }")
    assert watched.problems("login", ()) == ["login: a payload ran (window.__xss = 1)"]


@pytest.fixture
def admin_cookies(page, world) -> Iterator[dict[str, str]]:  # type: ignore[no-untyped-def]
    """The cookies of a signed-in admin."""
    sign_in(page, ADMIN_EMAIL, PASSWORD)
    yield {c["name"]: c["value"] for c in page.context.cookies()}


def test_non_html_routes_answer_with_their_own_media_type(live_server, admin_cookies):  # type: ignore[no-untyped-def]
    """The routes left out of the page visits are not HTML, so nothing in them can run."""
    with httpx.Client(base_url=live_server.base_url, cookies=admin_cookies, timeout=10) as client:
        for url, expected in NOT_HTML.values():
            with client.stream("GET", url) as response:  # streamed: the event stream never ends
                assert response.status_code == 200, url
                assert response.headers["content-type"].startswith(expected), (url, response.headers["content-type"])
                assert response.headers["x-content-type-options"] == "nosniff"
