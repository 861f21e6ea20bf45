"""A real `calibrate serve` process for the tests that need one (browser, durability): its own
database prepared with `calibrate setup`, reached over HTTP, with direct database access beside it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
from sqlalchemy import create_engine, make_url, text
from sqlmodel import Session

from app.db import make_engine
from tests.conftest import IS_POSTGRES, ROOT, TEST_DATABASE_URL


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fresh_database_url(folder: Path, name: str) -> str:
    """A database of the server's own: a SQLite file in `folder`, or `<test database>_<name>`
    dropped and recreated on the PostgreSQL server the tests use."""
    if not IS_POSTGRES:
        return f"sqlite:///{folder / (name + '.db')}"
    url = make_url(TEST_DATABASE_URL)
    database = f"{url.database}_{name}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{database}"'))
    admin.dispose()
    return url.set(database=database).render_as_string(hide_password=False)


def server_env(database_url: str, **settings: str) -> dict[str, str]:
    """The environment of a server on `database_url` with the shipped bank and specs; `settings`
    adds or overrides variables (CALIBRATE_SECRET_KEY, CALIBRATE_GRACE_SECONDS, ...)."""
    env = {**os.environ, "DATABASE_URL": database_url,
           "CALIBRATE_JOB_SPECS_DIR": str(ROOT / "job_specs"),
           "CALIBRATE_QUESTION_BANK_DIR": str(ROOT / "question_bank"), **settings}
    env.pop("TEST_DATABASE_URL", None)
    return env


def setup_database(env: dict[str, str], cwd: Path) -> None:
    """`calibrate setup`: migrate, load the bank and the specs, create the first admin."""
    subprocess.run([sys.executable, "-m", "app.cli", "setup"], env=env, cwd=cwd, check=True, capture_output=True)


class LiveServer:
    """A `calibrate serve` process and direct access to its database."""

    def __init__(self, base_url: str, database_url: str, process: subprocess.Popen, log_path: Path):
        self.base_url = base_url
        self.database_url = database_url
        self.process = process
        self.log_path = log_path
        self.engine = make_engine(database_url)

    @property
    def pid(self) -> int:
        """The server's own process id (the command runs without a shell, so no wrapper)."""
        return self.process.pid

    def session(self) -> Session:
        """A session on the server's database (commit to make rows visible to the server)."""
        return Session(self.engine, expire_on_commit=False)

    def log(self) -> str:
        """What the server printed so far."""
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        """Stop the server (if it still runs) and release the database connections."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.engine.dispose()


def start_server(env: dict[str, str], log_path: Path, *, timeout: float = 30) -> LiveServer:
    """Start `calibrate serve` on a free port and wait until /healthz answers 200."""
    port = free_port()
    with open(log_path, "a") as log:  # the child keeps its own descriptor
        process = subprocess.Popen([sys.executable, "-m", "app.cli", "serve", "--port", str(port)], env=env,
                                   cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    base_url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if httpx.get(f"{base_url}/healthz", timeout=1).status_code == 200:
                return LiveServer(base_url, env["DATABASE_URL"], process, log_path)
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    if process.poll() is None:
        process.kill()
        process.wait(timeout=10)
    raise RuntimeError(f"the server did not become healthy:\n{log_path.read_text(errors='replace')}")
