"""Browser tests: a real server process (tests/server.py) on its own SQLite database, driven by Chromium.

The browser is the system Chromium (or CALIBRATE_CHROMIUM); when none is found the tests skip,
unless CALIBRATE_REQUIRE_BROWSER=1 (CI), where a missing browser is a failure."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.server import LiveServer, server_env, setup_database, start_server

ADMIN_EMAIL = "admin@browser.test"
ADMIN_PASSWORD = "browser admin password 1"
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def pytest_collection_modifyitems(items):  # type: ignore[no-untyped-def]
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


def chromium_path() -> str | None:
    """The Chromium to drive: CALIBRATE_CHROMIUM, or the system one."""
    for candidate in (os.environ.get("CALIBRATE_CHROMIUM"), shutil.which("chromium"),
                      shutil.which("chromium-browser"), shutil.which("google-chrome")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


@pytest.fixture(scope="session")
def live_server(tmp_path_factory) -> Iterator[LiveServer]:
    """A real server process with the bank, the shipped specs and an admin."""
    workdir = tmp_path_factory.mktemp("live")
    env = server_env(f"sqlite:///{workdir / 'live.db'}", CALIBRATE_SECRET_KEY="browser-secret",
                     CALIBRATE_ADMIN_EMAIL=ADMIN_EMAIL, CALIBRATE_ADMIN_PASSWORD=ADMIN_PASSWORD,
                     CALIBRATE_GRACE_SECONDS="2")
    setup_database(env, cwd=workdir)
    server = start_server(env, workdir / "server.log")
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """A headless Chromium driven by Playwright."""
    path = chromium_path()
    if path is None:
        if os.environ.get("CALIBRATE_REQUIRE_BROWSER") == "1":
            pytest.fail("Chromium is required (CALIBRATE_REQUIRE_BROWSER=1) but was not found")
        pytest.skip("no Chromium found; install Debian's chromium or set CALIBRATE_CHROMIUM")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_FLAGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser, live_server) -> Iterator[object]:  # type: ignore[no-untyped-def]
    """A fresh browser context and page; console errors and CSP violations are collected."""
    context = browser.new_context(base_url=live_server.base_url)
    pg = context.new_page()
    pg.console_errors = []  # type: ignore[attr-defined]
    pg.on("console", lambda msg: msg.type == "error" and pg.console_errors.append(msg.text))
    pg.on("pageerror", lambda exc: pg.console_errors.append(str(exc)))
    yield pg
    context.close()


def sign_in(page, email: str, password: str) -> None:  # type: ignore[no-untyped-def]
    """Sign in through the real form."""
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("networkidle")


def axe_violations(page, impacts=("serious", "critical")) -> list[dict]:  # type: ignore[no-untyped-def]
    """Run axe-core (installed from npm, served from /static/vendor) on the page; the serious and
    critical violations, each with its rule id and the first offending element."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(url="/static/vendor/axe.min.js")
    result = page.evaluate("async () => (await window.axe.run(document, {resultTypes: ['violations']})).violations")
    return [{"id": v["id"], "impact": v["impact"], "help": v["help"], "target": v["nodes"][0]["target"] if v["nodes"] else None}
            for v in result if v["impact"] in impacts]
