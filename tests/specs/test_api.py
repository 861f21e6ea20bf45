"""The job-spec JSON API of issue 2: get, versions, 401."""

import re

import yaml

from app.specs import service
from tests.factories import bearer, make_user
from tests.specs.helpers import spec_yaml


def test_get_seed_002_spec_with_bearer_token(client, session):
    headers = bearer(session, make_user(session, role="hiring_manager"))
    body = client.get("/api/v1/job-specs/senior-backend-payments", headers=headers).json()
    assert body["title"] == "Senior Backend Engineer — Payments Platform" and body["level"] == "senior"
    assert re.fullmatch(r"v1-[0-9A-Za-z]{6}", body["version"]) and body["version_number"] == 1
    assert [(c["id"], c["weight"]) for c in body["competencies"]] == [
        ("financial_systems_design", 0.3), ("distributed_systems_reliability", 0.25),
        ("postgres_schema_design", 0.2), ("production_ownership", 0.15), ("fastapi_kafka_systems", 0.1)]
    assert len(body["must_haves"]) == 4 and [r["kind"] for r in body["rounds"]] == ["written", "behavioral"]


def test_changed_weight_gives_v2_and_versions_1_keeps_old_weights(client, session, tmp_path):
    headers = bearer(session, make_user(session, role="hiring_manager"))
    path = tmp_path / "s.yaml"
    path.write_text(spec_yaml(slug="api-versions"))
    service.load_files(session, [path])
    service.load_files(session, [path])
    assert client.get("/api/v1/job-specs/api-versions", headers=headers).json()["version"].startswith("v1-")
    data = yaml.safe_load(path.read_text())
    data["competencies"][0]["weight"], data["competencies"][1]["weight"] = 0.7, 0.3
    path.write_text(yaml.safe_dump(data))
    service.load_files(session, [path])
    current = client.get("/api/v1/job-specs/api-versions", headers=headers).json()
    assert current["version"].startswith("v2-") and current["competencies"][0]["weight"] == 0.7
    old = client.get("/api/v1/job-specs/api-versions/versions/1", headers=headers).json()
    assert old["version"].startswith("v1-") and old["competencies"][0]["weight"] == 0.6 and old["current"] is False
    history = client.get("/api/v1/job-specs/api-versions/versions", headers=headers).json()
    assert [v["version_number"] for v in history] == [2, 1]
    assert client.get("/api/v1/job-specs/api-versions/versions/9", headers=headers).status_code == 404


def test_healthz(client):
    assert client.get("/healthz").json() == {"status": "ok"}
