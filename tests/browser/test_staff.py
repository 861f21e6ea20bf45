"""Staff through Chromium, with mail over a real SMTP server: an admin invites an interviewer, the
link in the received mail sets their password, they see their assignment; deactivating them ends
their open session on the next request."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.mail.smtp import SmtpServer, body_text
from tests.server import LiveServer, server_env, setup_database, start_server

ADMIN_EMAIL, ADMIN_PASSWORD = "admin@staff.browser.test", "staff browser admin password"
BASE_URL = "http://calibrate.browser.test"  # the public address the mail's links start with
INTERVIEWER_PASSWORD = "violet kayak under the bridge"


@pytest.fixture(scope="module")
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def mail_server(tmp_path_factory, smtp) -> Iterator[LiveServer]:
    """A server whose in-process worker sends mail to the test's SMTP server."""
    workdir = tmp_path_factory.mktemp("staff")
    env = server_env(f"sqlite:///{workdir / 'staff.db'}", CALIBRATE_SECRET_KEY="staff-browser-secret",
                     CALIBRATE_ADMIN_EMAIL=ADMIN_EMAIL, CALIBRATE_ADMIN_PASSWORD=ADMIN_PASSWORD,
                     CALIBRATE_SMTP_URL=smtp.url, CALIBRATE_BASE_URL=BASE_URL)
    setup_database(env, cwd=workdir)
    server = start_server(env, workdir / "server.log")
    yield server
    server.stop()


def wait_for_mail(smtp: SmtpServer, to: str, subject_part: str, timeout: float = 20):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for message in smtp.inbox.messages:
            if message["To"].addresses[0].addr_spec == to and subject_part in message["Subject"]:
                return message
        time.sleep(0.2)
    raise AssertionError(f"no mail to {to} about {subject_part!r}: {[m['Subject'] for m in smtp.inbox.messages]}")


def link_path(message, kind: str) -> str:  # type: ignore[no-untyped-def]
    text = body_text(message, "plain")
    start = text.index(f"{BASE_URL}/{kind}/")
    return text[start:].split()[0][len(BASE_URL):]


def test_invited_interviewer_sets_password_sees_assignment_and_is_cut_off(browser, mail_server, smtp):
    admin = browser.new_context(base_url=mail_server.base_url).new_page()
    sign_in(admin, ADMIN_EMAIL, ADMIN_PASSWORD)
    admin.goto("/admin/users")
    admin.get_by_label("Name").fill("Ines Moreau")
    admin.get_by_label("Email").fill("ines@staff.browser.test")
    admin.get_by_label("Role", exact=True).select_option("interviewer")
    admin.get_by_role("button", name="Send invitation").click()
    expect(admin.get_by_role("status")).to_have_text("Invitation sent.")
    expect(admin.get_by_text("ines@staff.browser.test")).to_be_visible()

    admin.goto("/interviews/new")
    admin.get_by_label("New candidate's name").fill("Tomasz Wierzbicki")
    admin.get_by_label("New candidate's email").fill("tomasz@candidates.browser.test")
    admin.locator("#interviewers_round_01").fill("ines@staff.browser.test")
    admin.get_by_role("button", name="Create interview").click()
    admin.wait_for_load_state("networkidle")

    invitation = wait_for_mail(smtp, "ines@staff.browser.test", "invited you")
    assert body_text(invitation, "html").count(f"{BASE_URL}/invite/") >= 1
    candidate_mail = wait_for_mail(smtp, "tomasz@candidates.browser.test", "Your interview")
    assert f"{BASE_URL}/take/" in body_text(candidate_mail, "plain")
    wait_for_mail(smtp, "ines@staff.browser.test", "You are interviewing")

    theirs = browser.new_context(base_url=mail_server.base_url).new_page()
    theirs.goto(link_path(invitation, "invite"))
    theirs.get_by_label("New password", exact=True).fill("short")
    theirs.get_by_label("New password again").fill("short")
    theirs.get_by_role("button", name="Set password and sign in").evaluate("b => b.form.noValidate = true")
    theirs.get_by_role("button", name="Set password and sign in").click()
    expect(theirs.get_by_role("alert")).to_contain_text("at least 12 characters")
    theirs.get_by_label("New password", exact=True).fill(INTERVIEWER_PASSWORD)
    theirs.get_by_label("New password again").fill(INTERVIEWER_PASSWORD)
    theirs.get_by_role("button", name="Set password and sign in").click()
    theirs.goto("/my/scorecards")
    expect(theirs.get_by_text("Tomasz Wierzbicki").first).to_be_visible()

    admin.goto("/admin/users")
    admin.get_by_role("button", name="Deactivate Ines Moreau").click()
    expect(admin.get_by_role("status")).to_contain_text("deactivated")
    theirs.reload()
    expect(theirs.get_by_role("heading", name="Sign in to Calibrate")).to_be_visible()
    theirs.goto(link_path(invitation, "invite"))
    expect(theirs.get_by_role("alert")).to_contain_text("already used")
