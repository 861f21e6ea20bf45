"""Schemathesis's own command line, with every check and every phase (examples, coverage, fuzzing,
stateful), against a real `calibrate serve` with an admin's bearer token: zero failures.

The settings are in tests/security/schemathesis.toml (one documented exception: rules that depend
on stored data); the voice round's audio bodies come from tests/security/schemathesis_hooks.py.
CALIBRATE_FUZZ_EXAMPLES sets the examples per operation (`make fuzz` runs many more)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.server import fresh_database_url, server_env, setup_database, start_server

EXAMPLES = os.environ.get("CALIBRATE_FUZZ_EXAMPLES", "4")
SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    """A fresh database: a SQLite file, or `<name>_fuzz` recreated on the PostgreSQL server."""
    return fresh_database_url(tmp_path, "fuzz")


def admin_token(env: dict[str, str], cwd: Path) -> str:
    """A bearer token of the first admin, from `calibrate tokens create` (the token is the last line)."""
    done = subprocess.run([sys.executable, "-m", "app.cli", "tokens", "create", "--email", env["CALIBRATE_ADMIN_EMAIL"]],
                          env=env, cwd=cwd, check=True, capture_output=True, text=True)
    return done.stdout.strip().splitlines()[-1]


def test_schemathesis_every_check_and_phase_finds_nothing(database_url, tmp_path):
    env = server_env(database_url, CALIBRATE_ADMIN_EMAIL="fuzz-admin@example.com",
                     CALIBRATE_ADMIN_PASSWORD="a long passphrase for fuzzing", CALIBRATE_WORKER_IN_SERVE="false",
                     CALIBRATE_ALLOW_HTTP_WEBHOOKS="1", CALIBRATE_MEDIA_DIR=str(tmp_path / "media"))
    setup_database(env, cwd=tmp_path)
    token = admin_token(env, tmp_path)
    server = start_server(env, tmp_path / "server.log")
    try:
        run = subprocess.run(
            [str(SCHEMATHESIS), "--no-color", "--config-file", str(ROOT / "tests/security/schemathesis.toml"), "run",
             f"{server.base_url}/api/v1/openapi.json", "--checks", "all",
             "--phases", "examples,coverage,fuzzing,stateful", "--max-examples", EXAMPLES,
             "--header", f"Authorization: Bearer {token}", "--seed", "1"],
            env={**os.environ, "SCHEMATHESIS_HOOKS": "tests.security.schemathesis_hooks", "PYTHONPATH": str(ROOT)},
            cwd=ROOT, capture_output=True, text=True, timeout=1200)
    finally:
        server.stop()
    report = run.stdout[-12000:]
    assert run.returncode == 0, f"{report}\n--- server log ---\n{server.log()[-4000:]}"
    tested = re.search(r"Tested: (\d+)", report)
    assert tested and int(tested.group(1)) >= 40, report  # every operation ran, not a run that tested nothing
