"""Versions: labels, no version for unchanged content, old versions readable, all-or-nothing loads."""

import re
from pathlib import Path

import pytest
import yaml
from sqlmodel import select

from app.errors import Conflict
from app.models import JobSpec, JobSpecVersion
from app.specs import service
from app.yamlio import YamlProblems
from tests.conftest import ROOT
from tests.specs.helpers import spec_yaml

SEED_002_DEFINITIONS = {
    "financial_systems_design": ("Financial Systems Design", 0.30, "Design and implement bulletproof payment state machines with guaranteed idempotency, atomicity, and recoverability. Every state transition must be reversible and handle edge cases involving real money movement (double-entry accounting, settlement, reconciliation)."),
    "distributed_systems_reliability": ("Distributed Systems Reliability", 0.25, "Build systems that handle ordering guarantees, consensus failures, and retry semantics correctly. Demonstrate deep understanding of exactly-once delivery challenges and implement patterns that prevent state corruption across service boundaries and network failures."),
    "postgres_schema_design": ("Postgres Schema Design for Scale", 0.20, "Design normalized schemas for high-throughput transactional workloads with strong consistency requirements. Optimize for payment processing at millions-per-day scale while maintaining query performance and avoiding deadlocks."),
    "production_ownership": ("Production Ownership & Incident Culture", 0.15, "Own services end-to-end including on-call responsibility. Drive postmortem-to-fix cycles that prevent recurrence, and take ownership of critical payment path outages or reconciliation issues."),
    "fastapi_kafka_systems": ("FastAPI & Event-Driven Architecture", 0.10, "Build services in FastAPI with event-driven patterns using Kafka or similar log-based messaging. Design service boundaries that decouple payment state changes from side effects."),
}
SEED_002_MUST_HAVES = [
    "5+ years shipping production backend systems in Python",
    "Strong SQL expertise with experience designing schemas for transactional workloads on Postgres",
    "Demonstrated understanding of distributed systems fundamentals (consensus, ordering, idempotency, exactly-once semantics)",
    "Track record of owning production incidents, writing postmortems, and preventing repeat failures",
]


def test_version_label_is_v_n_dash_six_base62():
    digest = service.content_digest({"a": 1})
    label = service.version_label(3, digest)
    assert re.fullmatch(r"v3-[0-9A-Za-z]{6}", label)
    assert label == service.version_label(3, service.content_digest({"a": 1}))
    assert label != service.version_label(3, service.content_digest({"a": 2}))


def test_seed_002_spec_is_reproduced_exactly(session):
    spec = service.get_spec(session, "senior-backend-payments")
    content = service.get_version(session, spec).content
    assert content["title"] == "Senior Backend Engineer — Payments Platform"
    assert content["level"] == "senior"
    assert [c["id"] for c in content["competencies"]] == list(SEED_002_DEFINITIONS)
    for comp in content["competencies"]:
        assert (comp["name"], comp["weight"], comp["definition"]) == SEED_002_DEFINITIONS[comp["id"]]
    assert [m["text"] for m in content["must_haves"]] == SEED_002_MUST_HAVES
    assert all(m["required"] for m in content["must_haves"])
    written, behavioral = content["rounds"]
    assert (written["kind"], written["question_count"], len(written["questions"])) == ("written", 3, 3)
    assert (behavioral["kind"], behavioral["question_count"], len(behavioral["questions"])) == ("behavioral", 4, 4)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def versions_of(session, slug):
    spec = session.exec(select(JobSpec).where(JobSpec.slug == slug)).first()
    if spec is None:
        return []
    return session.exec(select(JobSpecVersion).where(JobSpecVersion.spec_id == spec.id)
                        .order_by(JobSpecVersion.number)).all()


def test_reload_unchanged_keeps_version_and_changed_weight_makes_v2(session, tmp_path):
    path = write(tmp_path, "s.yaml", spec_yaml(slug="versioned"))
    [(_, first)] = service.load_files(session, [path])
    assert first.created and first.version.label.startswith("v1-")
    [(_, again)] = service.load_files(session, [path])
    assert not again.created and again.version.label == first.version.label
    data = yaml.safe_load(path.read_text())
    data["competencies"][0]["weight"], data["competencies"][1]["weight"] = 0.5, 0.5
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    [(_, second)] = service.load_files(session, [path])
    assert second.created and second.version.label.startswith("v2-")
    old, new = versions_of(session, "versioned")
    assert old.content["competencies"][0]["weight"] == 0.6
    assert new.content["competencies"][0]["weight"] == 0.5


def test_directory_with_one_bad_file_loads_nothing(session, tmp_path):
    write(tmp_path, "a-good.yaml", spec_yaml(slug="good-one"))
    write(tmp_path, "b-bad.yaml", spec_yaml(slug="bad-one", level="wizard"))
    with pytest.raises(YamlProblems) as info:
        service.load_files(session, [tmp_path])
    assert all("b-bad.yaml" in str(p) for p in info.value.problems)
    assert versions_of(session, "good-one") == [] and versions_of(session, "bad-one") == []


def test_stale_base_version_is_a_conflict(session, tmp_path):
    path = write(tmp_path, "s.yaml", spec_yaml(slug="stale"))
    service.load_files(session, [path])
    content = service.prepare(session, yaml.safe_load(spec_yaml(slug="stale", title="Changed")))
    service.save_content(session, content=content, source="api", actor=None, base_version=1)
    with pytest.raises(Conflict) as info:
        content = service.prepare(session, yaml.safe_load(spec_yaml(slug="stale", title="Again")))
        service.save_content(session, content=content, source="api", actor=None, base_version="v1-abcdef")
    assert info.value.status_code == 409 and info.value.extra["current_version"].startswith("v2-")


def test_reload_keeps_published_questions_the_file_does_not_name(session, tmp_path):
    path = write(tmp_path, "s.yaml", spec_yaml(slug="keeps-set"))
    [(_, first)] = service.load_files(session, [path])
    published = first.version.content["rounds"][0]["questions"]
    assert len(published) == 2
    [(_, again)] = service.load_files(session, [path])
    assert again.version.content["rounds"][0]["questions"] == published


def test_every_shipped_spec_has_valid_published_sets(session):
    for path in sorted((ROOT / "job_specs").glob("*.yaml")):
        slug = yaml.safe_load(path.read_text())["slug"]
        content = service.current_content(session, slug)
        for rnd in content.rounds:
            if rnd.kind != "live":
                assert len(rnd.questions) == rnd.question_count, (slug, rnd.key)
                assert all(q.kind == ("behavioral" if rnd.kind == "behavioral" else "written") for q in rnd.questions)
        assert abs(sum(c.weight for c in content.competencies) - 1) <= 0.001
