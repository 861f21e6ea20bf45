"""YAML export: every version of every shipped spec loads back to identical content."""

from __future__ import annotations

from pathlib import Path

import pytest

from app import yamlio
from app.specs import service
from app.specs.schema import validate_spec
from tests.conftest import ROOT
from tests.factories import bearer, make_user

SHIPPED = sorted(p.stem for p in (ROOT / "job_specs").glob("*.yaml"))


@pytest.mark.parametrize("slug", SHIPPED)
def test_export_of_shipped_spec_loads_back_unchanged(client, session, slug):
    headers = bearer(session, make_user(session, role="hiring_manager"))
    response = client.get(f"/api/v1/job-specs/{slug}/export.yaml", headers=headers)
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/yaml")
    assert f'filename="{slug}-v1.yaml"' in response.headers["content-disposition"]
    version = service.get_version(session, service.get_spec(session, slug))
    doc = yamlio.parse(response.text, f"{slug}.yaml")
    content = validate_spec(doc.data, bank=service.bank_lookup(session))
    assert content.to_dict() == version.content
    assert content == service.content_of(version)
    assert service.content_digest(content) == version.content_hash


def test_export_then_load_file_makes_no_new_version(client, session, tmp_path):
    headers = bearer(session, make_user(session, role="admin"))
    for slug in SHIPPED:
        path: Path = tmp_path / f"{slug}.yaml"
        path.write_text(client.get(f"/api/v1/job-specs/{slug}/export.yaml", headers=headers).text)
    results = service.load_files(session, [tmp_path])
    assert [result.created for _, result in results] == [False] * len(SHIPPED)


def test_export_of_an_old_version(client, session):
    headers = bearer(session, make_user(session, role="hiring_manager"))
    client.patch("/api/v1/job-specs/senior-backend-payments/weights", headers=headers,
                 json={"weights": {"financial_systems_design": 0.25, "fastapi_kafka_systems": 0.15}})
    old = client.get("/api/v1/job-specs/senior-backend-payments/export.yaml?version=1", headers=headers)
    new = client.get("/api/v1/job-specs/senior-backend-payments/export.yaml", headers=headers)
    assert "weight: 0.3\n" in old.text and "weight: 0.25\n" in new.text
    assert client.get("/api/v1/job-specs/senior-backend-payments/export.yaml?version=7",
                      headers=headers).status_code == 404


def test_export_hidden_from_interviewer_outside_their_interviews(client, session):
    headers = bearer(session, make_user(session, role="interviewer"))
    assert client.get("/api/v1/job-specs/senior-backend-payments/export.yaml", headers=headers).status_code == 404


def test_version_numbers_past_the_column_are_refused_not_a_server_error(client, session):
    from tests.factories import bearer, make_user
    headers = bearer(session, make_user(session, role="hiring_manager"))
    session.commit()
    slug = "senior-backend-payments"
    for url in (f"/api/v1/job-specs/{slug}/versions/32192408350654599168", f"/api/v1/job-specs/{slug}/versions/0",
                f"/api/v1/job-specs/{slug}/export.yaml?version=32192408350654599168"):
        response = client.get(url, headers=headers)
        assert response.status_code == 422 and response.json()["errors"], url
    assert client.get(f"/api/v1/job-specs/{slug}/versions/1", headers=headers).status_code == 200
