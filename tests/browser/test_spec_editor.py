"""The job-spec workspace in Chromium: weights edited with sliders until balanced, saved as v2
with its diff from v1; a YAML upload with a bad weight shows its line-numbered error."""

from __future__ import annotations

import itertools
import re

from playwright.sync_api import expect

from app.auth.service import create_user
from app.specs import service
from tests.browser.conftest import sign_in
from tests.specs.helpers import spec, spec_yaml

PASSWORD = "browser manager password 1"
_n = itertools.count(1)


def make_manager_and_spec(live_server) -> tuple[str, str]:
    """A hiring manager and a fresh two-competency spec (weights 0.6 / 0.4) on the live server."""
    n = next(_n)
    email, slug = f"manager{n}@browser.test", f"browser-editor-{n}"
    with live_server.session() as session:
        create_user(session, email=email, name=f"Browser Manager {n}", role="hiring_manager", password=PASSWORD)
        content = service.prepare(session, spec(slug=slug), current=None)
        service.save_content(session, content=content, source="yaml", actor=None)
        session.commit()
    return email, slug


def press(page, label: str, key: str, times: int) -> None:
    """Move a slider with the keyboard, as a person would."""
    slider = page.get_by_label(label, exact=True)
    slider.focus()
    for _ in range(times):
        slider.press(key)


def test_manager_balances_weights_with_sliders_saves_v2_and_sees_diff(page, live_server):
    email, slug = make_manager_and_spec(live_server)
    sign_in(page, email, PASSWORD)
    page.goto(f"/specs/{slug}")
    expect(page.get_by_test_id("version-label")).to_have_text(re.compile(r"v1-\w{6}"))
    page.get_by_role("link", name="Edit spec").click()
    total = page.locator("#weight-total")
    save = page.get_by_role("button", name="Save as new version")
    expect(total).to_have_text("Total weight: 1.00 ✓ balanced")

    press(page, "Weight slider: Financial Systems Design", "ArrowRight", 5)
    expect(page.get_by_label("Weight: Financial Systems Design", exact=True)).to_have_value("0.65")
    expect(total).to_have_text("Total 1.05 — must be 1.00")
    expect(save).to_be_disabled()

    press(page, "Weight slider: Production Ownership", "ArrowLeft", 5)
    expect(page.get_by_label("Weight: Production Ownership", exact=True)).to_have_value("0.35")
    expect(total).to_have_text("Total weight: 1.00 ✓ balanced")
    expect(save).to_be_enabled()
    save.click()

    expect(page.get_by_test_id("version-label")).to_have_text(re.compile(r"v2-\w{6}"))
    expect(page.locator(".notice")).to_contain_text(re.compile(
        r"Saved v2-\w{6}\. Changes apply to all future evaluations for this job spec\."))
    expect(page.get_by_role("row", name=re.compile("Financial Systems Design.*0.65"))).to_be_visible()
    page.get_by_role("link", name=re.compile("Versions")).click()
    diff = page.locator("#diff")
    expect(diff).to_contain_text(re.compile(r"v1-\w{6} → v2-\w{6}"))
    expect(diff.get_by_role("row", name=re.compile(r"Financial Systems Design.*0\.60 → 0\.65"))).to_be_visible()
    expect(diff.get_by_role("row", name=re.compile(r"Production Ownership.*0\.40 → 0\.35"))).to_be_visible()
    assert page.console_errors == []


def test_number_field_moves_slider_and_rows_can_be_added_and_removed(page, live_server):
    email, slug = make_manager_and_spec(live_server)
    sign_in(page, email, PASSWORD)
    page.goto(f"/specs/{slug}/edit")
    page.get_by_label("Weight: Financial Systems Design", exact=True).fill("0.5")
    expect(page.get_by_label("Weight slider: Financial Systems Design", exact=True)).to_have_value("0.5")
    expect(page.locator("#weight-total")).to_have_text("Total 0.90 — must be 1.00")

    page.get_by_role("button", name="Add competency").click()
    rows = page.locator("#competency-rows > li")
    expect(rows).to_have_count(3)
    new_row = rows.nth(2)
    new_row.get_by_label("Name", exact=True).fill("Security")
    new_row.get_by_label("ID", exact=True).fill("security")
    new_row.get_by_label("Definition", exact=True).fill("Keeps secrets secret.")
    page.get_by_label("Weight: Security", exact=True).fill("0.1")
    expect(page.locator("#weight-total")).to_have_text("Total weight: 1.00 ✓ balanced")
    new_row.get_by_role("button", name=re.compile("Move competency .* up")).click()
    expect(rows.nth(1).get_by_label("ID", exact=True)).to_have_value("security")

    page.get_by_role("button", name="Add must-have").click()
    must_have = page.locator("#must-have-rows > li").last
    must_have.get_by_label("ID", exact=True).fill("pci")
    must_have.get_by_label("Must-have", exact=True).fill("Has worked under PCI DSS")
    must_have.get_by_label("required", exact=True).uncheck()
    page.get_by_role("button", name="Save as new version").click()

    expect(page.get_by_test_id("version-label")).to_have_text(re.compile(r"v2-\w{6}"))
    with live_server.session() as session:
        content = service.get_version(session, service.get_spec(session, slug)).content
    assert [c["id"] for c in content["competencies"]] == ["financial_systems_design", "security", "production_ownership"]
    assert content["must_haves"][-1] == {"id": "pci", "text": "Has worked under PCI DSS", "required": False}
    assert page.console_errors == []


def test_server_errors_shown_in_place(page, live_server):
    email, slug = make_manager_and_spec(live_server)
    sign_in(page, email, PASSWORD)
    page.goto(f"/specs/{slug}/edit")
    page.locator("#competency-rows > li").first.get_by_label("ID", exact=True).fill("Not Snake Case")
    page.get_by_role("button", name="Save as new version").click()
    expect(page.locator("#error-summary")).to_contain_text("Competency 1 · id:")
    expect(page.locator("#competency-rows > li").first.locator(".field-errors")).to_be_visible()
    expect(page.locator("#competency-rows > li").first.get_by_label("ID", exact=True)).to_have_value("Not Snake Case")
    with live_server.session() as session:
        assert service.get_spec(session, slug).current_version == 1


def test_upload_with_bad_weight_shows_line_numbered_error(page, live_server, tmp_path):
    email, _ = make_manager_and_spec(live_server)
    text = spec_yaml(slug="browser-upload-bad").replace("weight: 0.4", "weight: 1.4")
    line = next(i for i, row in enumerate(text.splitlines(), 1) if "weight: 1.4" in row)
    path = tmp_path / "bad-weight.yaml"
    path.write_text(text)
    sign_in(page, email, PASSWORD)
    page.goto("/specs")
    page.get_by_label("YAML file").set_input_files(str(path))
    page.get_by_role("button", name="Upload").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("bad-weight.yaml was not loaded")
    expect(alert).to_contain_text(re.compile(rf"bad-weight\.yaml:{line}:\d+: weight: Input should be less than or equal to 1"))
    with live_server.session() as session:
        assert service.current_content(session, "browser-upload-bad") is None


def test_upload_good_yaml_opens_the_new_spec(page, live_server, tmp_path):
    email, _ = make_manager_and_spec(live_server)
    path = tmp_path / "good.yaml"
    path.write_text(spec_yaml(slug="browser-upload-good", title="Uploaded Engineer"))
    sign_in(page, email, PASSWORD)
    page.goto("/specs")
    page.get_by_label("YAML file").set_input_files(str(path))
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_role("heading", name="Uploaded Engineer", level=1)).to_be_visible()
    expect(page.get_by_test_id("version-label")).to_have_text(re.compile(r"v1-\w{6}"))


def test_spec_pages_have_no_serious_accessibility_violations(page, live_server):
    from tests.browser.conftest import axe_violations

    email, slug = make_manager_and_spec(live_server)
    sign_in(page, email, PASSWORD)
    for url in ("/specs", f"/specs/{slug}", f"/specs/{slug}/edit", f"/specs/{slug}/versions", "/specs/new",
                "/specs/senior-backend-payments"):
        page.goto(url)
        assert axe_violations(page) == [], url
    assert page.console_errors == []
