"""Candidate data in Chromium, against a real server and its SQLite file: the candidate reads the
transparency page and self-identifies; an admin downloads the export from the candidate page,
then erases the candidate through the confirmation page; afterwards a byte search of the server's
database file, its write-ahead log and its media folder finds nothing of the person."""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from app.models import Answer
from app.consent.models import SelfIdentification
from tests.browser.conftest import axe_violations, sign_in
from tests.factories import make_candidate, make_interview
from tests.server import LiveServer, server_env, setup_database, start_server

ADMIN_EMAIL, ADMIN_PASSWORD = "admin@privacy.browser.test", "privacy browser admin password"


@pytest.fixture(scope="module")
def privacy_server(tmp_path_factory) -> Iterator[tuple[LiveServer, Path]]:
    """A server of its own, so that the byte search sees only this test's data."""
    workdir = tmp_path_factory.mktemp("privacy")
    env = server_env(f"sqlite:///{workdir / 'privacy.db'}", CALIBRATE_SECRET_KEY="privacy-browser-secret",
                     CALIBRATE_ADMIN_EMAIL=ADMIN_EMAIL, CALIBRATE_ADMIN_PASSWORD=ADMIN_PASSWORD,
                     CALIBRATE_MEDIA_DIR=str(workdir / "media"))
    setup_database(env, cwd=workdir)
    server = start_server(env, workdir / "server.log")
    yield server, workdir
    server.stop()


def stored_bytes(workdir: Path) -> bytes:
    """The database file, its log and every media file, as bytes."""
    files = [workdir / "privacy.db", workdir / "privacy.db-wal", workdir / "privacy.db-journal"]
    files += sorted(p for p in (workdir / "media").rglob("*") if p.is_file())
    return b"".join(p.read_bytes() for p in files if p.exists())


def test_candidate_data_from_self_identification_to_erasure(browser, privacy_server):
    server, workdir = privacy_server
    tag = secrets.token_hex(5)
    name, email, answer = f"Ottoline Brask {tag}", f"ottoline.{tag}@browser.test", f"my reconciliation answer {tag}"
    with server.session() as session:
        candidate = make_candidate(session, name=name, email=email)
        created = make_interview(session, spec_slug="senior-backend-payments", candidate=candidate)
        session.commit()
    context = browser.new_context(base_url=server.base_url, accept_downloads=True)
    page = context.new_page()

    page.goto(f"/take/{created.token}")
    page.get_by_role("group", name="Sex").get_by_label("Female").check()
    page.get_by_role("group", name="Race and ethnicity").get_by_label("Asian").check()
    page.get_by_role("button", name="Save my answers").click()
    expect(page.get_by_text("Saved. You can change your answers at any time.")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_role("link", name=re.compile("How you are assessed")).click()
    expect(page.get_by_role("heading", name=re.compile("How your score is formed"))).to_be_visible()
    assert axe_violations(page) == []
    page.goto(f"/take/{created.token}")
    page.get_by_role("button", name=re.compile(r"^Start Round 01")).click()
    page.get_by_label("Answer to question 1").fill(answer)
    expect(page.locator("#save-status")).to_have_text(re.compile("Saved at"))
    with server.session() as session:
        assert session.get(SelfIdentification, candidate.id).race_ethnicity == "asian"
        assert session.exec(select(Answer).where(Answer.text == answer)).first() is not None
    assert all(s.encode() in stored_bytes(workdir) for s in (name, email, answer))

    sign_in(page, ADMIN_EMAIL, ADMIN_PASSWORD)
    page.goto(f"/candidates/{candidate.id}")
    assert axe_violations(page) == []
    with page.expect_download() as download:
        page.get_by_role("link", name="Export everything stored (JSON)").click()
    exported = json.loads(Path(download.value.path()).read_text())
    assert exported["candidate"]["name"] == name and answer in json.dumps(exported)
    assert exported["self_identification"]["race_ethnicity"] == "asian"

    page.get_by_role("link", name="Erase this candidate…").click()
    assert axe_violations(page) == []
    page.get_by_label("Type ERASE to erase this candidate").fill("ERASE")
    page.get_by_role("button", name="Erase this candidate").click()
    expect(page.get_by_text("Erased. The ratings stay on the anonymous interviews.")).to_be_visible()
    left = stored_bytes(workdir)
    assert [s for s in (name, email, answer) if s.encode() in left] == []
    assert page.context.request.get(f"/take/{created.token}").status == 410

    page.goto("/specs/senior-backend-payments/adverse-impact")
    expect(page.get_by_role("heading", name=re.compile("Adverse impact"))).to_be_visible()
    assert axe_violations(page) == []
    context.close()
