"""The `calibrate` command: exit codes, errors on stderr, users and tokens."""

import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT
from tests.specs.helpers import spec_yaml

pytestmark = pytest.mark.skipif(os.environ.get("TEST_DATABASE_URL", "").startswith("postgres"),
                                reason="CLI runs against its own SQLite file; covered in the SQLite pass")


def run(*args, db=None, cwd=ROOT):
    env = {**os.environ, "CALIBRATE_SECRET_KEY": "cli-test"}
    if db:
        env["DATABASE_URL"] = f"sqlite:///{db}"
    return subprocess.run([sys.executable, "-m", "app.cli", *args], capture_output=True, text=True, env=env, cwd=cwd)


def test_specs_validate_shipped_specs_exit_0():
    result = run("specs", "validate", "job_specs/")
    assert result.returncode == 0, result.stderr
    assert result.stdout.count(": ok") == 7


def test_specs_validate_bad_weights_exit_1_with_position_and_sum(tmp_path):
    data = spec_yaml(slug="bad-weights").replace("weight: 0.4", "weight: 0.3")
    path = tmp_path / "bad.yaml"
    path.write_text(data)
    result = run("specs", "validate", str(path))
    assert result.returncode == 1
    line = data.splitlines().index("competencies:") + 2
    assert result.stderr.strip() == f"{path}:{line}:1: weights sum to 0.900, must be 1.00 (±0.001)"


def test_bank_validate_exit_0_and_counts():
    result = run("bank", "validate")
    assert result.returncode == 0, result.stderr
    assert "question bank ok" in result.stdout


def test_load_users_tokens_end_to_end(tmp_path):
    db = tmp_path / "cli.db"
    assert run("db", "upgrade", db=db).returncode == 0
    good, bad = tmp_path / "specs" / "good.yaml", tmp_path / "specs" / "bad.yaml"
    good.parent.mkdir()
    good.write_text(spec_yaml(slug="cli-good"))
    bad.write_text(spec_yaml(slug="cli-bad", level="wizard"))
    failed = run("specs", "load", str(good.parent), db=db)
    assert failed.returncode == 1 and "bad.yaml" in failed.stderr and "cli-good" not in failed.stdout
    bad.unlink()
    loaded = run("specs", "load", str(good.parent), db=db)
    assert loaded.returncode == 0 and "v1-" in loaded.stdout and "new version" in loaded.stdout
    assert "unchanged" in run("specs", "load", str(good.parent), db=db).stdout
    created = run("users", "create", "--email", "m@example.test", "--name", "M", "--role", "hiring_manager", db=db)
    assert created.returncode == 0 and "password: " in created.stdout
    duplicate = run("users", "create", "--email", "M@example.test", "--name", "M", "--role", "admin",
                    "--password", "another long password", db=db)
    assert duplicate.returncode == 1 and "exists" in duplicate.stderr
    token = run("tokens", "create", "--email", "m@example.test", db=db)
    assert token.returncode == 0 and token.stdout.strip().splitlines()[-1].startswith("cal_")
    assert run("tokens", "create", "--email", "nobody@example.test", db=db).returncode == 1


def test_setup_creates_admin_once_with_generated_password(tmp_path):
    db = tmp_path / "setup.db"
    first = run("setup", db=db)
    assert first.returncode == 0, first.stderr
    assert "password: " in first.stdout and "admin@calibrate.local" in first.stdout
    second = run("setup", db=db)
    assert "password: " not in second.stdout and "an admin account exists already" in second.stdout


def test_demo_interviews_adds_in_bulk_and_refuses_an_unknown_spec(tmp_path):
    db = tmp_path / "bulk.db"
    assert run("db", "upgrade", db=db).returncode == 0
    assert run("specs", "load", db=db).returncode == 0
    added = run("demo", "--interviews", "12", db=db)
    assert added.returncode == 0, added.stderr
    assert added.stdout.strip().splitlines()[-1] == "12/12 completed interviews added to senior-backend-payments"
    unknown = run("demo", "--interviews", "3", "--spec", "no-such-spec", db=db)
    assert unknown.returncode == 1 and "no job spec 'no-such-spec'" in unknown.stderr
