"""The job-spec write API: create (JSON and YAML), replace, patch weights, conflicts, roles."""

from __future__ import annotations

import re

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.specs import service
from tests.factories import bearer, make_user
from tests.specs.helpers import spec, spec_yaml

SEED = "senior-backend-payments"


def _manager(session):
    return bearer(session, make_user(session, role="hiring_manager"))


def test_patch_weights_balanced_gives_v2(client, session):
    headers = _manager(session)
    response = client.patch(f"/api/v1/job-specs/{SEED}/weights", headers=headers,
                            json={"weights": {"financial_systems_design": 0.25, "distributed_systems_reliability": 0.30}})
    assert response.status_code == 200, response.text
    body = response.json()
    assert re.fullmatch(r"v2-[0-9A-Za-z]{6}", body["version"]) and body["source"] == "api"
    weights = {c["id"]: c["weight"] for c in body["competencies"]}
    assert weights["financial_systems_design"] == 0.25 and weights["distributed_systems_reliability"] == 0.3
    spec_row = service.get_spec(session, SEED)
    assert spec_row.current_version == 2
    assert service.get_version(session, spec_row, 1).content["competencies"][0]["weight"] == 0.3


def test_patch_weights_unbalanced_is_422_and_version_unchanged(client, session):
    headers = _manager(session)
    response = client.patch(f"/api/v1/job-specs/{SEED}/weights", headers=headers,
                            json={"weights": {"financial_systems_design": 0.25}})
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert errors == [{"loc": ["body", "weights"], "msg": "weights sum to 0.950, must be 1.00 (±0.001)"}]
    assert service.get_spec(session, SEED).current_version == 1


def test_patch_weights_unknown_competency_is_422(client, session):
    response = client.patch(f"/api/v1/job-specs/{SEED}/weights", headers=_manager(session),
                            json={"weights": {"cooking": 0.1}})
    assert response.status_code == 422
    assert response.json()["errors"] == [{"loc": ["body", "weights", "cooking"], "msg": "unknown competency id 'cooking'"}]
    assert service.get_spec(session, SEED).current_version == 1


def test_patch_weights_out_of_range_is_422_at_the_competency(client, session):
    response = client.patch(f"/api/v1/job-specs/{SEED}/weights", headers=_manager(session),
                            json={"weights": {"financial_systems_design": 1.3, "production_ownership": -0.85}})
    assert response.status_code == 422
    locs = [e["loc"] for e in response.json()["errors"]]
    assert ["body", "weights", "financial_systems_design"] in locs and ["body", "weights", "production_ownership"] in locs


def test_patch_weights_stale_base_version_is_409(client, session):
    headers = _manager(session)
    first = client.patch(f"/api/v1/job-specs/{SEED}/weights", headers=headers,
                         json={"weights": {"financial_systems_design": 0.25, "distributed_systems_reliability": 0.30},
                               "base_version": 1})
    assert first.status_code == 200
    stale = client.patch(f"/api/v1/job-specs/{SEED}/weights", headers=headers,
                         json={"weights": {"financial_systems_design": 0.30, "distributed_systems_reliability": 0.25},
                               "base_version": "v1-abcdef"})
    assert stale.status_code == 409
    assert stale.json()["current_version"] == first.json()["version"]
    assert service.get_spec(session, SEED).current_version == 2


def test_patch_weights_by_interviewer_is_403(client, session):
    headers = bearer(session, make_user(session, role="interviewer"))
    response = client.patch(f"/api/v1/job-specs/{SEED}/weights", headers=headers,
                            json={"weights": {"financial_systems_design": 0.3}})
    assert response.status_code == 403 and response.json()["detail"]
    assert service.get_spec(session, SEED).current_version == 1


def test_patch_weights_same_weights_keeps_version(client, session):
    response = client.patch(f"/api/v1/job-specs/{SEED}/weights", headers=_manager(session),
                            json={"weights": {"financial_systems_design": 0.3}})
    assert response.status_code == 200 and response.json()["version_number"] == 1


def test_create_from_json_is_201_and_v1(client, session):
    response = client.post("/api/v1/job-specs", headers=_manager(session), json=spec(slug="api-created"))
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["version"].startswith("v1-") and body["source"] == "api"
    assert [len(r["questions"]) for r in body["rounds"]] == [2, 2]
    assert service.get_spec(session, "api-created").current_version == 1


def test_create_from_yaml_is_201(client, session):
    headers = {**_manager(session), "Content-Type": "application/yaml"}
    response = client.post("/api/v1/job-specs", headers=headers, content=spec_yaml(slug="api-yaml"))
    assert response.status_code == 201, response.text
    assert response.json()["slug"] == "api-yaml"


def test_create_existing_slug_is_409(client, session):
    response = client.post("/api/v1/job-specs", headers=_manager(session), json=spec(slug=SEED))
    assert response.status_code == 409
    assert service.get_spec(session, SEED).current_version == 1


def test_create_invalid_yaml_reports_line_and_column(client, session):
    headers = {**_manager(session), "Content-Type": "application/yaml"}
    text = spec_yaml(slug="api-bad").replace("weight: 0.6", "weight: 0.7")
    response = client.post("/api/v1/job-specs", headers=headers, content=text)
    assert response.status_code == 422
    [error] = response.json()["errors"]
    line = next(i for i, row in enumerate(text.splitlines(), 1) if row.strip() == "competencies:")
    assert error["loc"] == ["body", "competencies"] and error["msg"].startswith(f"line {line + 1}, column")
    assert "weights sum to 1.100" in error["msg"]


def test_create_unparseable_yaml_and_json_are_422(client, session):
    headers = _manager(session)
    session.commit()  # each refused request rolls back to the last commit; the token must outlive them
    bad_yaml = client.post("/api/v1/job-specs", headers={**headers, "Content-Type": "application/yaml"},
                           content="slug: [unclosed\n")
    assert bad_yaml.status_code == 422 and re.match(r"line \d+, column \d+: invalid YAML", bad_yaml.json()["errors"][0]["msg"])
    bad_json = client.post("/api/v1/job-specs", headers={**headers, "Content-Type": "application/json"}, content="{")
    assert bad_json.status_code == 422 and bad_json.json()["errors"][0]["msg"].startswith("line 1, column 2")
    not_mapping = client.post("/api/v1/job-specs", headers=headers, json=[1, 2])
    assert not_mapping.status_code == 422


def test_create_by_interviewer_is_403(client, session):
    headers = bearer(session, make_user(session, role="interviewer"))
    assert client.post("/api/v1/job-specs", headers=headers, json=spec(slug="nope")).status_code == 403


def test_put_replaces_content_with_new_version(client, session):
    headers = _manager(session)
    data = client.get(f"/api/v1/job-specs/{SEED}", headers=headers).json()
    content = service.get_version(session, service.get_spec(session, SEED)).content
    changed = {**content, "title": "Senior Payments Engineer", "base_version": data["version"]}
    response = client.put(f"/api/v1/job-specs/{SEED}", headers=headers, json=changed)
    assert response.status_code == 200, response.text
    assert response.json()["version_number"] == 2 and response.json()["title"] == "Senior Payments Engineer"
    again = client.put(f"/api/v1/job-specs/{SEED}", headers=headers, json=changed)
    assert again.status_code == 409 and again.json()["current_version"] == response.json()["version"]


def test_put_invalid_is_422_with_errors_and_version_unchanged(client, session):
    headers = _manager(session)
    data = spec(slug=SEED, level="wizard")
    data["competencies"][0]["id"] = "Not Snake"
    response = client.put(f"/api/v1/job-specs/{SEED}", headers=headers, json=data)
    assert response.status_code == 422
    locs = [e["loc"] for e in response.json()["errors"]]
    assert ["body", "level"] in locs and ["body", "competencies", 0, "id"] in locs
    assert service.get_spec(session, SEED).current_version == 1


def test_put_slug_must_match_path(client, session):
    response = client.put(f"/api/v1/job-specs/{SEED}", headers=_manager(session), json=spec(slug="other"))
    assert response.status_code == 422 and response.json()["errors"][0]["loc"] == ["body", "slug"]


def test_put_yaml_body(client, session):
    headers = {**_manager(session), "Content-Type": "application/yaml"}
    created = client.post("/api/v1/job-specs", headers=headers, content=spec_yaml(slug="api-put-yaml"))
    assert created.status_code == 201
    data = yaml.safe_load(spec_yaml(slug="api-put-yaml"))
    data["description"] = "Builds ledgers."
    response = client.put("/api/v1/job-specs/api-put-yaml?base_version=1", headers=headers, content=yaml.safe_dump(data))
    assert response.status_code == 200 and response.json()["version_number"] == 2


def test_put_unknown_spec_is_404(client, session):
    response = client.put("/api/v1/job-specs/nothing-here", headers=_manager(session), json=spec(slug="nothing-here"))
    assert response.status_code == 404


def test_openapi_documents_the_write_routes(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/job-specs"])
    assert {"get", "put"} <= set(paths["/api/v1/job-specs/{slug}"])
    patch = paths["/api/v1/job-specs/{slug}/weights"]["patch"]
    assert {"200", "409", "422"} <= set(patch["responses"])
    assert "application/yaml" in paths["/api/v1/job-specs"]["post"]["requestBody"]["content"]
    assert "application/yaml" in paths["/api/v1/job-specs/{slug}/export.yaml"]["get"]["responses"]["200"]["content"]


SEED_IDS = ["financial_systems_design", "distributed_systems_reliability", "postgres_schema_design",
            "production_ownership", "fastapi_kafka_systems"]


_MANAGERS: dict[int, dict[str, str]] = {}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.integers(min_value=1, max_value=24), min_size=4, max_size=4), st.sampled_from([0, 0, 1, -1, 7]))
def test_patch_weights_accepted_exactly_when_balanced(client, session, hundredths, offset):
    if id(session) not in _MANAGERS:  # one manager per test, not per example (password hashing is slow)
        _MANAGERS[id(session)] = _manager(session)
    hundredths = [*hundredths, 100 - sum(hundredths) + offset]
    spec_row = service.get_spec(session, SEED)
    before = spec_row.current_version
    weights = {cid: h / 100 for cid, h in zip(SEED_IDS, hundredths)}
    response = client.patch(f"/api/v1/job-specs/{SEED}/weights", headers=_MANAGERS[id(session)],
                            json={"weights": weights})
    session.refresh(spec_row)
    if offset == 0:
        assert response.status_code == 200 and response.json()["version_number"] == spec_row.current_version
        assert {c["id"]: c["weight"] for c in response.json()["competencies"]} == weights
    else:
        assert response.status_code == 422 and response.json()["errors"][0]["loc"][:2] == ["body", "weights"]
        assert spec_row.current_version == before
