"""Signing in and out through Chromium."""

from playwright.sync_api import expect

from tests.browser.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, sign_in


def test_admin_signs_in_sees_specs_and_signs_out(page):
    sign_in(page, ADMIN_EMAIL, ADMIN_PASSWORD)
    expect(page).to_have_url(page.context.pages[0].url)
    expect(page.get_by_role("heading", name="Job specs")).to_be_visible()
    expect(page.get_by_role("link", name="Senior Backend Engineer — Payments Platform")).to_be_visible()
    page.get_by_role("link", name="Senior Backend Engineer — Payments Platform").click()
    expect(page.get_by_role("cell", name="financial_systems_design")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in to Calibrate")).to_be_visible()
    page.goto("/specs")
    expect(page.get_by_role("heading", name="Sign in to Calibrate")).to_be_visible()
    assert page.console_errors == []


def test_wrong_password_shows_error_in_place(page):
    sign_in(page, ADMIN_EMAIL, "not the password at all")
    expect(page.get_by_role("alert")).to_have_text("Email or password is not right.")
    expect(page.get_by_label("Email")).to_have_value(ADMIN_EMAIL)
