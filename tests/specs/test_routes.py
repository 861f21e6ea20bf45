"""Job-spec pages: list, seed-002 page, editor saves and errors, conflicts, versions, upload, roles."""

from __future__ import annotations

import re

import pytest

from app.models import Candidate, Interview, Scorecard, utcnow
from app.specs import service
from tests.conftest import ROOT
from tests.factories import csrf, make_user, sign_in
from tests.specs.helpers import spec_yaml

SEED = "senior-backend-payments"


def _signed_in(client, session, role="hiring_manager"):
    user = make_user(session, role=role)
    sign_in(client, user)
    return user


def editor_form(client, content, base, **changes):
    """The editor's form fields for `content` (as the page would post them), with changes."""
    fields = [("csrf_token", csrf(client)), ("base_version", str(base)), ("slug", content["slug"]),
              ("title", content["title"]), ("level", content["level"]), ("description", content["description"])]
    weights = changes.pop("weights", {})
    for c in content["competencies"]:
        fields += [("competency_name", c["name"]), ("competency_id", c["id"]),
                   ("competency_weight", str(weights.get(c["id"], c["weight"]))),
                   ("competency_definition", c["definition"]), ("competency_tags", ", ".join(c.get("tags") or []))]
    for i, m in enumerate(content["must_haves"]):
        fields += [("must_have_row", f"m{i}"), ("must_have_id", m["id"]), ("must_have_text", m["text"])]
        fields += [("must_have_required", f"m{i}")] if m["required"] else []
    for r in content["rounds"]:
        fields += [("round_key", r["key"]), ("round_name", r["name"]), ("round_kind", r["kind"]),
                   ("round_duration", str(r["duration_minutes"])), ("round_count", str(r["question_count"]))]
    return fields


def as_form(fields):
    """Repeated form fields as the client sends them (a dict of lists keeps their order)."""
    data: dict[str, list[str]] = {}
    for key, value in fields:
        data.setdefault(key, []).append(value)
    return data


def _current(session, slug=SEED):
    spec = service.get_spec(session, slug)
    return spec, service.get_version(session, spec)


def test_spec_page_shows_everything_seed_002_shows(client, session):
    _signed_in(client, session)
    spec, version = _current(session)
    html = client.get(f"/specs/{SEED}").text
    for text in ("Senior Backend Engineer — Payments Platform", version.label, spec.id, "weights sum to 1.00",
                 "Financial Systems Design", "financial_systems_design", "0.30", "30%", "10%",
                 "Total weight: 1.00 ✓ balanced", "3 currently · candidate sees this many", "4 prompts",
                 "5+ years shipping production backend systems in Python", "Edit questions",
                 f'href="/specs/{SEED}/questions"'):
        assert text in html, text
    questions = version.content["rounds"][0]["questions"]
    assert all(q["text"].split("\n")[0][:40].replace("'", "&#39;").replace('"', "&#34;") in html for q in questions)


def test_spec_list_shows_counts_and_create_upload_for_managers(client, session):
    _signed_in(client, session)
    html = client.get("/specs").text
    assert "Interviews" in html and "New job spec" in html and 'enctype="multipart/form-data"' in html
    assert html.count('href="/specs/') >= 7


def test_editor_save_makes_new_version_and_says_so(client, session):
    _signed_in(client, session)
    spec, version = _current(session)
    page = client.get(f"/specs/{SEED}/edit").text
    assert "Total weight: 1.00 ✓ balanced" in page and "Changes apply to all future evaluations for this job spec." in page
    form = editor_form(client, version.content, version.number,
                       weights={"financial_systems_design": 0.25, "distributed_systems_reliability": 0.3})
    response = client.post(f"/specs/{SEED}/edit", data=as_form(form), follow_redirects=False)
    assert response.status_code == 303, response.text
    session.refresh(spec)
    new = service.get_version(session, spec)
    assert new.number == 2 and new.source == "editor" and new.created_by_id
    assert new.content["rounds"] == version.content["rounds"]  # published questions kept
    page = client.get(response.headers["location"]).text
    assert new.label in page and "Changes apply to all future evaluations for this job spec." in page


def test_editor_unchanged_save_makes_no_version(client, session):
    _signed_in(client, session)
    spec, version = _current(session)
    response = client.post(f"/specs/{SEED}/edit", data=as_form(editor_form(client, version.content, 1)), follow_redirects=False)
    assert response.status_code == 303 and "unchanged=" in response.headers["location"]
    session.refresh(spec)
    assert spec.current_version == 1


def test_editor_unbalanced_weights_rerender_with_error_and_no_version(client, session):
    _signed_in(client, session)
    spec, version = _current(session)
    form = editor_form(client, version.content, 1, weights={"financial_systems_design": 0.25})
    response = client.post(f"/specs/{SEED}/edit", data=as_form(form))
    assert response.status_code == 422
    assert "weights sum to 0.950, must be 1.00" in response.text and "Total 0.95 — must be 1.00" in response.text
    assert 'value="0.25"' in response.text  # what was typed stays in place
    session.refresh(spec)
    assert spec.current_version == 1


def test_editor_field_errors_shown_at_their_row(client, session):
    _signed_in(client, session)
    _, version = _current(session)
    form = [(k, "Bad Id" if (k, v) == ("competency_id", "production_ownership") else v)
            for k, v in editor_form(client, version.content, 1)]
    form = [(k, "0" if (k, v) == ("round_duration", "30") else v) for k, v in form]
    response = client.post(f"/specs/{SEED}/edit", data=as_form(form))
    assert response.status_code == 422
    assert "Competency 4 · id:" in response.text and "Round 2 · duration_minutes:" in response.text


def test_editor_add_remove_reorder_rename(client, session):
    _signed_in(client, session)
    spec, version = _current(session)
    content = {**version.content}
    comps = [dict(c) for c in content["competencies"]]
    comps[0]["name"] = "Payment Systems Design"
    comps[4]["weight"] = 0.05
    comps.append({"id": "security", "name": "Security", "weight": 0.05, "definition": "PCI and secrets."})
    comps = [comps[1], comps[0], *comps[2:]]
    content.update(competencies=comps, must_haves=content["must_haves"][:2] +
                   [{"id": "go", "text": "Some Go", "required": False}])
    response = client.post(f"/specs/{SEED}/edit", data=as_form(editor_form(client, content, 1)), follow_redirects=False)
    assert response.status_code == 303, response.text
    session.refresh(spec)
    new = service.get_version(session, spec).content
    assert [c["id"] for c in new["competencies"]][:2] == ["distributed_systems_reliability", "financial_systems_design"]
    assert new["competencies"][1]["name"] == "Payment Systems Design" and new["competencies"][-1]["id"] == "security"
    assert [(m["id"], m["required"]) for m in new["must_haves"]] == [
        ("python_production", True), ("postgres_transactional_sql", True), ("go", False)]


def test_editor_stale_base_refused_with_link_to_current(client, session):
    _signed_in(client, session)
    spec, version = _current(session)
    first = editor_form(client, version.content, 1, weights={"financial_systems_design": 0.25,
                                                             "distributed_systems_reliability": 0.3})
    assert client.post(f"/specs/{SEED}/edit", data=as_form(first), follow_redirects=False).status_code == 303
    stale = editor_form(client, version.content, 1, weights={"financial_systems_design": 0.2,
                                                             "postgres_schema_design": 0.3})
    response = client.post(f"/specs/{SEED}/edit", data=as_form(stale))
    assert response.status_code == 409
    session.refresh(spec)
    current = service.get_version(session, spec)
    assert current.number == 2 and current.content["competencies"][0]["weight"] == 0.25
    assert "Not saved: this job spec changed while you were editing." in response.text
    assert f'<a href="/specs/{SEED}">{current.label}</a>' in response.text


def test_editor_rounds_changed(client, session):
    _signed_in(client, session)
    spec, version = _current(session)
    content = {**version.content, "rounds": [
        {**version.content["rounds"][0], "duration_minutes": 50, "name": "Written round"},
        {"key": "round_03", "name": "Live", "kind": "live", "duration_minutes": 60, "question_count": 0}]}
    assert client.post(f"/specs/{SEED}/edit", data=as_form(editor_form(client, content, 1)),
                       follow_redirects=False).status_code == 303
    session.refresh(spec)
    rounds = service.get_version(session, spec).content["rounds"]
    assert [(r["key"], r["kind"], r["duration_minutes"]) for r in rounds] == [("round_01", "written", 50),
                                                                             ("round_03", "live", 60)]
    assert rounds[0]["questions"] == version.content["rounds"][0]["questions"]


def test_new_spec_from_scratch(client, session):
    _signed_in(client, session)
    assert "New job spec" in client.get("/specs/new").text
    base = {"slug": "scratch-spec", "title": "Scratch", "level": "mid", "description": "From scratch.",
            "competencies": [{"id": "sql", "name": "SQL", "weight": 1, "definition": "Writes SQL."}],
            "must_haves": [], "rounds": [{"key": "round_01", "name": "Written", "kind": "written",
                                          "duration_minutes": 30, "question_count": 2}]}
    response = client.post("/specs/new", data=as_form([f for f in editor_form(client, base, 0) if f[0] != "base_version"]),
                           follow_redirects=False)
    assert response.status_code == 303, response.text
    spec, version = _current(session, "scratch-spec")
    assert version.source == "editor" and len(version.content["rounds"][0]["questions"]) == 2
    again = client.post("/specs/new", data=as_form([f for f in editor_form(client, base, 0) if f[0] != "base_version"]))
    assert again.status_code == 422 and "already exists" in again.text


def test_versions_page_shows_who_source_and_weight_diff(client, session):
    user = _signed_in(client, session)
    _, version = _current(session)
    form = editor_form(client, version.content, 1, weights={"financial_systems_design": 0.25,
                                                            "distributed_systems_reliability": 0.3})
    client.post(f"/specs/{SEED}/edit", data=as_form(form))
    html = client.get(f"/specs/{SEED}/versions").text
    assert "YAML load" in html and user.name in html and "editor" in html
    text = re.sub(r"<[^>]+>", "", html)
    assert "0.30 → 0.25" in text and "0.25 → 0.30" in text
    same = client.get(f"/specs/{SEED}/versions?from=2&to=2").text
    assert "Pick two different versions" in same


def test_upload_yaml_creates_spec(client, session):
    _signed_in(client, session)
    files = {"file": ("upload.yaml", spec_yaml(slug="uploaded-spec").encode(), "application/yaml")}
    response = client.post("/specs/upload", data={"csrf_token": csrf(client)}, files=files, follow_redirects=False)
    assert response.status_code == 303, response.text
    assert response.headers["location"].startswith("/specs/uploaded-spec?saved=v1-")
    assert _current(session, "uploaded-spec")[1].source == "yaml"


def test_upload_bad_weight_shows_line_numbered_error(client, session):
    _signed_in(client, session)
    text = spec_yaml(slug="bad-upload").replace("weight: 0.4", "weight: 1.4")
    line = next(i for i, row in enumerate(text.splitlines(), 1) if "weight: 1.4" in row)
    files = {"file": ("bad.yaml", text.encode(), "application/yaml")}
    response = client.post("/specs/upload", data={"csrf_token": csrf(client)}, files=files)
    assert response.status_code == 422
    assert re.search(rf"bad\.yaml:{line}:\d+: weight: Input should be less than or equal to 1", response.text)
    assert service.current_content(session, "bad-upload") is None


def test_upload_unparseable_yaml(client, session):
    _signed_in(client, session)
    files = {"file": ("broken.yaml", b"slug: [x\n", "application/yaml")}
    response = client.post("/specs/upload", data={"csrf_token": csrf(client)}, files=files)
    assert response.status_code == 422 and "broken.yaml:2:1: invalid YAML" in response.text


def test_export_download_from_page(client, session):
    _signed_in(client, session)
    response = client.get(f"/specs/{SEED}/export.yaml")
    assert response.status_code == 200 and response.text.startswith("slug: senior-backend-payments\n")


def test_interviewer_cannot_edit_or_upload(client, session):
    _signed_in(client, session, role="interviewer")
    assert client.get(f"/specs/{SEED}/edit").status_code == 403
    assert client.get("/specs/new").status_code == 403
    _, version = _current(session)
    assert client.post(f"/specs/{SEED}/edit", data=as_form(editor_form(client, version.content, 1))).status_code == 403
    files = {"file": ("x.yaml", spec_yaml(slug="x-spec").encode(), "application/yaml")}
    assert client.post("/specs/upload", data={"csrf_token": csrf(client)}, files=files).status_code == 403
    assert client.get(f"/specs/{SEED}/versions").status_code == 404


def test_interviewer_reads_spec_of_their_interview_without_edit_links(client, session):
    interviewer = _signed_in(client, session, role="interviewer")
    spec, version = _current(session)
    candidate = Candidate(name="Ada", email="ada@example.test")
    session.add(candidate)
    session.flush()
    interview = Interview(candidate_id=candidate.id, spec_id=spec.id, spec_version_id=version.id,
                          token_hash="y" * 64, token_expires_at=utcnow())
    session.add(interview)
    session.flush()
    session.add(Scorecard(interview_id=interview.id, round_key="round_01", interviewer_id=interviewer.id))
    session.flush()
    html = client.get(f"/specs/{SEED}").text
    assert "Financial Systems Design" in html and f"/specs/{SEED}/edit" not in html
    assert client.get(f"/specs/{SEED}/versions").status_code == 200


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(f"/specs/{SEED}/edit", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/login")


def test_interviews_keep_their_version_after_an_edit(client, session):
    from tests.factories import make_interview
    _signed_in(client, session)
    spec, version = _current(session)
    interview = make_interview(session).interview
    form = editor_form(client, version.content, 1, weights={"financial_systems_design": 0.25,
                                                            "distributed_systems_reliability": 0.3})
    assert client.post(f"/specs/{SEED}/edit", data=as_form(form), follow_redirects=False).status_code == 303
    session.refresh(interview)
    session.refresh(spec)
    assert spec.current_version == 2 and interview.spec_version_id == version.id
    assert ">1</td>" in client.get("/specs").text.replace(" ", "")


def test_old_version_page_links_to_current(client, session):
    _signed_in(client, session)
    _, version = _current(session)
    form = editor_form(client, version.content, 1)
    form = [(k, "Senior Payments Engineer" if k == "title" else v) for k, v in form]
    client.post(f"/specs/{SEED}/edit", data=as_form(form))
    html = client.get(f"/specs/{SEED}?version=1").text
    assert version.label in html and "This is an older version" in html and "See the current version (v2)" in html
    text = re.sub(r"<[^>]+>", "", client.get(f"/specs/{SEED}/versions?from=1&to=2").text)
    assert "title" in text and "Senior Backend Engineer — Payments Platform → Senior Payments Engineer" in text


SHIPPED = sorted(p.stem for p in (ROOT / "job_specs").glob("*.yaml"))


@pytest.mark.parametrize("slug", SHIPPED)
def test_editor_round_trip_of_shipped_spec_changes_nothing(client, session, slug):
    _signed_in(client, session)
    spec, version = _current(session, slug)
    response = client.post(f"/specs/{slug}/edit", data=as_form(editor_form(client, version.content, version.number)),
                           follow_redirects=False)
    assert response.status_code == 303, response.text
    assert response.headers["location"] == f"/specs/{slug}?unchanged={version.label}"
